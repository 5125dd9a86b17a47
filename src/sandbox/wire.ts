import type { ClientStore } from './client-store.ts'

// Serialises a value through toJson() as bare digits, so that an int64 client ID
// larger than 2^53 reaches the wire exactly as Authlete would write it.
export class RawNumber {
  readonly digits: string

  constructor (digits: string) {
    this.digits = digits
  }
}

export function toJson (value: unknown): string {
  if (value instanceof RawNumber) return value.digits
  if (Array.isArray(value)) return `[${value.map((item) => toJson(item ?? null)).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const members: string[] = []
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) members.push(`${JSON.stringify(key)}:${toJson(item)}`)
    }
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

// Result codes. The documents state the meaning of a few, in the error examples every operation
// shares (A001101, A001201, A001202, A001215 "the client is locked") and in the success examples
// (A137001, A138001, A148001, A149001, A213001). For the other outcomes they are silent: the
// emulator's own codes below never reuse a documented code for another meaning (docs/emulator.md).
export const ResultCode = {
  serverError: 'A001101',
  missingAuthorization: 'A001202',
  invalidCredentials: 'A001203',
  unknownPath: 'A001205',
  methodNotAllowed: 'A001206',
  bodyTooLarge: 'A001207',
  malformedPath: 'A001208',
  malformedBody: 'A001209',
  accessDenied: 'A001216',
  clientNotFound: 'A051201',
  invalidClientId: 'A051202',
  invalidClientProperty: 'A051203',
  clientIdAliasUnavailable: 'A051204',
  invalidRange: 'A051205',
  invalidLockFlag: 'A051206',
  invalidClientSecret: 'A051207',
  missingSubject: 'A051208',
  invalidScopes: 'A051209',
  invalidRegistrationRequest: 'A051210',
  authorizationDeleted: 'A137001',
  authorizationUpdated: 'A138001',
  grantedScopesGot: 'A139001',
  grantedScopesDeleted: 'A140001',
  secretRefreshed: 'A148001',
  secretUpdated: 'A149001',
  registrationUpdated: 'A213001',
  registrationUnauthorized: 'A213201',
  registrationBadRequest: 'A213202',
  lockFlagUpdated: 'A215001'
} as const

export type ResultCodeValue = typeof ResultCode[keyof typeof ResultCode]

export interface ResultBody { resultCode: string, resultMessage: string }

// A success message is "[code] text"; an error message names the API first, as in every error
// example of both documents: "[A001202] /auth/authorization, Authorization header is missing."
export function result (code: ResultCodeValue, text: string, apiPath?: string): ResultBody {
  return { resultCode: code, resultMessage: apiPath === undefined ? `[${code}] ${text}` : `[${code}] ${apiPath}, ${text}` }
}

export class SandboxError extends Error {
  readonly status: number
  readonly code: ResultCodeValue
  readonly text: string
  readonly headers: Record<string, string>

  constructor (status: number, code: ResultCodeValue, text: string, headers: Record<string, string> = {}) {
    super(`[${code}] ${text}`)
    this.status = status
    this.code = code
    this.text = text
    this.headers = headers
  }
}

export function badRequest (code: ResultCodeValue, text: string): SandboxError {
  return new SandboxError(400, code, text)
}

export function clientNotFound (identifier: string): SandboxError {
  return new SandboxError(404, ResultCode.clientNotFound, `The client (ID = ${identifier}) does not exist.`)
}

export type Generation = '2.x' | '3.0'

export interface OperationContext {
  generation: Generation
  store: ClientStore
  params: string[]
  query: URLSearchParams
  // The request's Content-Type, lower-cased, without parameters ('' if none).
  contentType: string
  body: string
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Operation = (context: OperationContext) => Reply

export function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

const FORM_TYPE = 'application/x-www-form-urlencoded'

/** A form field: its value, or its values when the field is repeated (an exploded array). */
export type FormValue = string | string[]

// Both documents accept application/x-www-form-urlencoded besides JSON for the operations with a
// body, except client/create. A form gives strings; each operation coerces the fields it knows.
export function isForm (context: OperationContext): boolean {
  return context.contentType === FORM_TYPE
}

export function parseForm (body: string): Record<string, FormValue> {
  const fields: Record<string, FormValue> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = fields[name]
    fields[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return fields
}

/** The body as an object: a form (fields as strings) or JSON. */
export function parseBody (context: OperationContext): Record<string, unknown> {
  return isForm(context) ? parseForm(context.body) : parseJsonObject(context.body)
}

/** A form boolean is the text "true" or "false"; anything else stays as it was, to be refused. */
export function formBoolean (value: unknown): unknown {
  if (value === 'true') return true
  if (value === 'false') return false
  return value
}

export function parseJsonObject (body: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw badRequest(ResultCode.malformedBody, 'The request body is not valid JSON.')
  }
  if (!isObject(parsed)) throw badRequest(ResultCode.malformedBody, 'The request body is not a JSON object.')
  return parsed
}

export { isStringArray } from '../upstream/json.ts'
