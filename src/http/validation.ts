import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { uriFormatChecks } from './uri-formats.ts'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

// Bodies are checked as sent: unknown properties are refused, not stripped (Fastify's default Ajv
// strips them), and types are not coerced. Path and query values are strings on the wire, so those
// alone are coerced to the declared types.
export function useStrictValidation (app: FastifyInstance, { allowHttpUris = false } = {}): void {
  const bodyValidator = addFormats(new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true }))
  for (const [name, check] of Object.entries(uriFormatChecks(allowHttpUris))) bodyValidator.addFormat(name, check)
  const urlValidator = addFormats(new Ajv({ allErrors: true, coerceTypes: true, removeAdditional: false, useDefaults: true }))
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyValidator : urlValidator).compile(schema))
  // Answers are the upstream's objects; JSON.stringify keeps their property order and writes raw int64
  // values exactly. Route response schemas describe the contract and feed the OpenAPI document.
  app.setSerializerCompiler(() => data => JSON.stringify(data))
}
