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

export const ResultCode = {
  serverError: 'A001101',
  missingAuthorization: 'A001202',
  invalidCredentials: 'A001203',
  unknownPath: 'A001205',
  methodNotAllowed: 'A001206',
  bodyTooLarge: 'A001207',
  malformedPath: 'A001208',
  malformedBody: 'A001209',
  accessDenied: 'A001215',
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

export function result (code: ResultCodeValue, text: string): { resultCode: string, resultMessage: string } {
  return { resultCode: code, resultMessage: `[${code}] ${text}` }
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

export interface OperationContext {
  store: ClientStore
  params: string[]
  query: URLSearchParams
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

export function isStringArray (value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
