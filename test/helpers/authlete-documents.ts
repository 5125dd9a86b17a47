import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import type { Test } from 'tap'
import { parse } from 'yaml'
import type { RecordedRequest, SandboxUpstream, SentAnswer } from '../../src/sandbox/emulator.ts'

// Checks the emulator's answers against Authlete's own OpenAPI documents, read at test time from
// ../shared/upstream/ beside the checkout (never copied into the project): the status must be one the
// operation declares (or 404, 405, 413: see UNDECLARED), the body must match that response's schema
// ($refs resolved), and a result code the documents show keeps the message they show for it.

export type Api = 'v2' | 'v3'

type Json = Record<string, any>

// A mutation run (StrykerJS) works in a copy of the checkout, .stryker-tmp/sandbox-*: stryker.config.mjs
// names the real directory in AUTHLETE_DOCUMENTS_DIR.
const DIRECTORY = process.env.AUTHLETE_DOCUMENTS_DIR === undefined
  ? new URL('../../../shared/upstream/', import.meta.url)
  : pathToFileURL(`${resolve(process.env.AUTHLETE_DOCUMENTS_DIR)}/`)

// Both documents declare only 400, 401, 403 and 500 besides success. 404 answers an unknown client
// (Authlete's own Java library expects it of a delete) or path, 405 a wrong method, 413 a body over
// the limit: each with the error shape.
const UNDECLARED = new Set([404, 405, 413])

// Where an operation's errors declare no content (3.0), the document's own error shape stands in.
const ERROR_SCHEMA: Record<Api, string> = { v2: '#/components/schemas/result', v3: '#/components/schemas/APIInfo4002' }

interface Loaded {
  document: Json
  ajv: Ajv
  validators: Map<string, ValidateFunction>
  // result code -> its documented messages, digits masked
  messages: Map<string, Set<string>>
}

const loaded = new Map<Api, Loaded>()

// Parsing the YAML takes seconds, so each test process reuses a parse cached (as JSON, under the
// system's temporary directory, keyed by the document's hash) by the first one.
function readDocument (api: Api): Json {
  const text = readFileSync(new URL(`authlete-api-${api}.openapi.yaml`, DIRECTORY), 'utf8')
  const cache = join(tmpdir(), 'authlete-bff-documents', `${createHash('sha256').update(text).digest('hex')}.json`)
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as Json
  } catch {
    const document = parse(text) as Json
    mkdirSync(join(cache, '..'), { recursive: true })
    const partial = `${cache}.${process.pid}`
    writeFileSync(partial, JSON.stringify(document))
    renameSync(partial, cache)
    return document
  }
}

function load (api: Api): Loaded {
  let entry = loaded.get(api)
  if (entry === undefined) {
    const document = readDocument(api)
    const ajv = new Ajv({ strict: false, validateFormats: false, validateSchema: false, allErrors: true, inlineRefs: false })
    ajv.addSchema({ components: document.components }, api)
    entry = { document, ajv, validators: new Map(), messages: documentedMessages(document) }
    loaded.set(api, entry)
  }
  return entry
}

/**
 * Reads a document and compiles the validator of every client-management answer it declares, ahead
 * of the first exchange: done inside a running app, the seconds it takes would block its event loop.
 */
export function prepareDocument (api: Api): void {
  const { document } = load(api)
  for (const [template, item] of Object.entries(document.paths as Json)) {
    if (!template.includes('/client/')) continue
    for (const [method, operation] of Object.entries(item as Json)) {
      for (const [status, response] of Object.entries((operation as Json).responses ?? {})) {
        const schema = (response as Json).content?.['application/json']?.schema
        if (schema !== undefined) validator(api, `${method.toUpperCase()} ${template} ${status}`, schema)
      }
    }
  }
  validator(api, 'error', { $ref: ERROR_SCHEMA[api] })
}

/** The document of one generation, parsed (for tests that read its examples). */
export function authleteDocument (api: Api): Json {
  return load(api).document
}

const mask = (message: string): string => message.replace(/^\[A\d+\] (\/[^ ,]+, )?/, '').replace(/\d+/g, '#')

function documentedMessages (document: Json): Map<string, Set<string>> {
  const messages = new Map<string, Set<string>>()
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) { value.forEach(visit); return }
    if (value === null || typeof value !== 'object') return
    const { resultCode, resultMessage } = value as Json
    if (typeof resultCode === 'string' && typeof resultMessage === 'string') {
      const known = messages.get(resultCode) ?? new Set()
      known.add(mask(resultMessage))
      messages.set(resultCode, known)
    }
    Object.values(value).forEach(visit)
  }
  visit(document.paths)
  return messages
}

export function apiOf (path: string): Api | undefined {
  if (path.startsWith('/api/client/')) return 'v2'
  return /^\/api\/[^/]+\/client\//.test(path) ? 'v3' : undefined
}

interface Found { template: string, operation: Json }

function matches (template: string[], segments: string[]): boolean {
  return template.length === segments.length && template.every((part, i) => part.startsWith('{') ? segments[i] !== '' : part === segments[i])
}

// The documents allow `subject` in the path for the operations with a subject parameter (2.x
// declares it a path parameter its template lacks; 3.0 says "either in the path or as a query
// parameter"): such a path has one segment more than the template.
function hasSubject (operation: Json): boolean {
  return (operation.parameters ?? []).some((parameter: Json) => parameter.name === 'subject')
}

export function findOperation (api: Api, method: string, path: string): Found | undefined {
  const segments = path.split('/')
  for (const [template, item] of Object.entries(load(api).document.paths as Json)) {
    const operation = item[method.toLowerCase()] as Json | undefined
    if (operation?.responses === undefined) continue
    const parts = template.split('/')
    if (matches(parts, segments) || (hasSubject(operation) && matches(parts, segments.slice(0, -1)))) return { template, operation }
  }
  return undefined
}

// A schema taken out of the document: its local $refs point into the components added under `api`.
function rebase (schema: unknown, api: Api): unknown {
  if (Array.isArray(schema)) return schema.map(item => rebase(item, api))
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(Object.entries(schema).map(([key, value]) =>
    [key, key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `${api}${value}` : rebase(value, api)]))
}

function validator (api: Api, key: string, schema: unknown): ValidateFunction {
  const entry = load(api)
  let validate = entry.validators.get(key)
  if (validate === undefined) {
    validate = entry.ajv.compile(rebase(schema, api) as object)
    entry.validators.set(key, validate)
  }
  return validate
}

function schemaErrors (validate: ValidateFunction, body: unknown): string | undefined {
  if (validate(body)) return undefined
  return (validate.errors ?? []).slice(0, 5).map(error => `${error.instancePath || '/'} ${error.message ?? ''}`).join('; ')
}

function parseBody (text: string): { json?: unknown, problem?: string } {
  try {
    return { json: JSON.parse(text) }
  } catch {
    return { problem: `the body is not JSON: ${text.slice(0, 80)}` }
  }
}

// A result code the documents show keeps its documented meaning; an error message names the API
// first ("[A001202] /auth/authorization, Authorization header is missing.").
function resultProblem (api: Api, status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const { resultCode, resultMessage } = body as Json
  if (typeof resultCode !== 'string') return status >= 400 ? 'an error answer without resultCode' : undefined
  if (typeof resultMessage !== 'string' || !resultMessage.startsWith(`[${resultCode}] `)) return `resultMessage does not start with [${resultCode}]`
  if (status >= 400 && !/^\[A\d{6}\] \/[^ ,]+, /.test(resultMessage)) return `error message without the "/path, " part: ${resultMessage}`
  const documented = load(api).messages.get(resultCode)
  if (documented !== undefined && !documented.has(mask(resultMessage))) {
    return `${resultCode} means "${[...documented].join('" or "')}" in the ${api} document, not "${resultMessage}"`
  }
  return undefined
}

/** What is wrong with an exchange by the documents, or undefined (also for paths outside them). */
export function documentProblem (request: RecordedRequest, answer: SentAnswer): string | undefined {
  const api = apiOf(request.path)
  if (api === undefined) return undefined
  const found = findOperation(api, request.method, request.path)
  const declared = found?.operation.responses[String(answer.status)] as Json | undefined
  if (answer.status === 204) {
    if (declared === undefined) return 'a 204 the operation does not declare'
    return answer.body === '' ? undefined : 'a 204 with a body'
  }
  if (found !== undefined && declared === undefined && !UNDECLARED.has(answer.status)) return `status ${answer.status}, which ${found.template} does not declare`
  if (found === undefined && answer.status < 400) return 'a success for an operation neither document has'
  const { json, problem } = parseBody(answer.body)
  if (problem !== undefined) return problem
  const schema = declared?.content?.['application/json']?.schema ?? (answer.status >= 400 ? { $ref: ERROR_SCHEMA[api] } : undefined)
  if (schema === undefined) return `no schema for ${answer.status}`
  const key = declared?.content === undefined ? 'error' : `${request.method} ${found?.template ?? ''} ${answer.status}`
  return schemaErrors(validator(api, key, schema), json) ?? resultProblem(api, answer.status, json)
}

/**
 * Fails `t` for every answer of `upstream` from now on that breaks the documents; counts the checked
 * ones. Call prepareDocument() first when the upstream serves an app in the same process.
 */
export function checkAnswers (t: Test, upstream: SandboxUpstream): { checked: number } {
  const counter = { checked: 0 }
  upstream.observe((request, answer) => {
    if (apiOf(request.path) === undefined) return
    counter.checked++
    const problem = documentProblem(request, answer)
    if (problem !== undefined) t.fail(`${request.method} ${request.path}?${request.query} answered ${answer.status}, against Authlete's document: ${problem}`)
  })
  return counter
}
