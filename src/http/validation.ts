import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { uriFormatChecks } from './uri-formats.ts'
import { SIZE_KEYWORDS, sizeRulesOf } from './size-rules.ts'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

// Bodies are checked as sent: unknown properties are refused, not stripped (Fastify's default Ajv
// strips them), and types are not coerced. Path and query values are strings on the wire, so those
// alone are coerced to the declared types. A body is held to its size rules before the full check
// (src/http/size-rules.ts): listing every error of an oversized body would hold the event loop.
export function useStrictValidation (app: FastifyInstance, { allowHttpUris = false } = {}): void {
  const bodyValidator = addFormats(new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true }))
  for (const [name, check] of Object.entries(uriFormatChecks(allowHttpUris))) bodyValidator.addFormat(name, check)
  // Stops at the first breach; size schemas drop types outside unions, which strict mode would warn about.
  const sizeValidator = new Ajv({ allErrors: false, coerceTypes: false, removeAdditional: false, strict: false })
  const urlValidator = addFormats(new Ajv({ allErrors: true, coerceTypes: true, removeAdditional: false, useDefaults: true }))
  app.setValidatorCompiler(({ schema, httpPart }) => httpPart === 'body'
    ? sizeRulesFirst(sizeValidator.compile(sizeRulesOf(schema) as object), bodyValidator.compile(schema))
    : urlValidator.compile(schema))
  // Answers are the upstream's objects; JSON.stringify keeps their property order and writes raw int64
  // values exactly. Route response schemas describe the contract and feed the OpenAPI document.
  app.setSerializerCompiler(() => data => JSON.stringify(data))
}

interface Validate {
  (data: unknown): boolean
  errors?: ErrorObject[] | null
}

/**
 * A validator that answers the first broken size rule alone, and otherwise every error of the full
 * schema. Of the size pass's errors only the limit is kept: the union around it reports too.
 */
function sizeRulesFirst (sizes: ValidateFunction, full: ValidateFunction): Validate {
  const validate: Validate = data => {
    const breaches = sizes(data) ? [] : sizes.errors?.filter(error => SIZE_KEYWORDS.has(error.keyword)) ?? []
    if (breaches.length > 0) {
      validate.errors = breaches
      return false
    }
    const valid = full(data)
    validate.errors = full.errors
    return valid
  }
  return validate
}
