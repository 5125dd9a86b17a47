import { isStringArray } from './json.ts'

// Conversion between Authlete's Client properties and RFC 7591 client metadata, both ways: the
// emulator's registration/update uses both, the proxy the Client-to-metadata way when an UPDATED
// answer lacks a usable responseContent (src/clients/registration-routes.ts).

/** A Client as a plain object (Authlete's property names). */
export type ClientData = Record<string, unknown>

// Values of the Client enums, as both documents list them.
export const GRANT_TYPES = ['AUTHORIZATION_CODE', 'IMPLICIT', 'PASSWORD', 'CLIENT_CREDENTIALS', 'REFRESH_TOKEN',
  'CIBA', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'JWT_BEARER']
export const RESPONSE_TYPES = ['NONE', 'CODE', 'TOKEN', 'ID_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN', 'ID_TOKEN_TOKEN',
  'CODE_ID_TOKEN_TOKEN']
export const AUTH_METHODS = ['NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT',
  'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH']
export const APPLICATION_TYPES = ['WEB', 'NATIVE']
export const SUBJECT_TYPES = ['PUBLIC', 'PAIRWISE']

export class InvalidMetadata extends Error {
  readonly error: string

  constructor (description: string, error = 'invalid_client_metadata') {
    super(description)
    this.error = error
  }
}

type Field = [metadata: string, property: string]

// The tables below, written as "metadata property metadata property ..." (no space before or after).
function pairs (text: string): Field[] {
  const words = text.split(/\s+/)
  return Array.from({ length: words.length / 2 }, (_, i) => [words[2 * i]!, words[2 * i + 1]!])
}

const STRINGS = pairs(`client_name clientName client_uri clientUri logo_uri logoUri tos_uri tosUri
  policy_uri policyUri jwks_uri jwksUri sector_identifier_uri sectorIdentifierUri software_id softwareId
  software_version softwareVersion initiate_login_uri loginUri id_token_signed_response_alg idTokenSignAlg
  userinfo_signed_response_alg userInfoSignAlg request_object_signing_alg requestSignAlg
  token_endpoint_auth_signing_alg tokenAuthSignAlg`)
const ARRAYS = pairs('redirect_uris redirectUris contacts contacts request_uris requestUris default_acr_values defaultAcrs')
const BOOLEANS = pairs(`tls_client_certificate_bound_access_tokens tlsClientCertificateBoundAccessTokens
  require_pushed_authorization_requests parRequired require_signed_request_object requestObjectRequired
  require_auth_time authTimeRequired backchannel_user_code_parameter bcUserCodeRequired`)
const ENUMS: Array<[metadata: string, property: string, values: string[]]> = [
  ['token_endpoint_auth_method', 'tokenAuthMethod', AUTH_METHODS],
  ['application_type', 'applicationType', APPLICATION_TYPES],
  ['subject_type', 'subjectType', SUBJECT_TYPES]
]

const GRANT_TYPE_URIS: Record<string, string> = {
  'urn:openid:params:grant-type:ciba': 'CIBA',
  'urn:ietf:params:oauth:grant-type:device_code': 'DEVICE_CODE',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'TOKEN_EXCHANGE',
  'urn:ietf:params:oauth:grant-type:jwt-bearer': 'JWT_BEARER'
}
const RESPONSE_TYPE_ORDER = ['none', 'code', 'id_token', 'token']

// RFC 7591 defaults, applied because RFC 7592 makes an update a full replacement:
// an omitted field asks the server to drop (or reset) it.
const DEFAULTS: ClientData = {
  tokenAuthMethod: 'CLIENT_SECRET_BASIC',
  grantTypes: ['AUTHORIZATION_CODE'],
  responseTypes: ['CODE'],
  applicationType: 'WEB',
  subjectType: 'PUBLIC',
  idTokenSignAlg: 'RS256',
  defaultMaxAge: 0
}

function grantType (value: string): string {
  const mapped = GRANT_TYPE_URIS[value] ?? value.toUpperCase()
  if (!GRANT_TYPES.includes(mapped)) throw new InvalidMetadata(`The grant type '${value}' is not supported.`)
  return mapped
}

function responseType (value: string): string {
  const parts = [...new Set(value.split(' '))]
  parts.sort((a, b) => RESPONSE_TYPE_ORDER.indexOf(a) - RESPONSE_TYPE_ORDER.indexOf(b))
  const mapped = parts.join('_').toUpperCase()
  if (parts.some((part) => !RESPONSE_TYPE_ORDER.includes(part)) || !RESPONSE_TYPES.includes(mapped)) {
    throw new InvalidMetadata(`The response type '${value}' is not supported.`)
  }
  return mapped
}

function stringArray (metadata: Record<string, unknown>, name: string): string[] | undefined {
  const value = metadata[name]
  if (value === undefined || value === null) return undefined
  if (!isStringArray(value)) {
    throw new InvalidMetadata(`'${name}' must be an array of strings.`,
      name === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata')
  }
  return value
}

// Returns Client property changes; undefined values remove the property.
export function fromRegistrationMetadata (metadata: Record<string, unknown>): ClientData {
  const changes: ClientData = {}
  for (const [name, property] of STRINGS) {
    const value = metadata[name] ?? undefined
    if (value !== undefined && typeof value !== 'string') throw new InvalidMetadata(`'${name}' must be a string.`)
    changes[property] = value ?? DEFAULTS[property]
  }
  for (const [name, property] of ARRAYS) changes[property] = stringArray(metadata, name)
  for (const [name, property] of BOOLEANS) {
    const value = metadata[name] ?? false
    if (typeof value !== 'boolean') throw new InvalidMetadata(`'${name}' must be a boolean.`)
    changes[property] = value
  }
  for (const [name, property, values] of ENUMS) {
    const value = metadata[name] ?? undefined
    const mapped = typeof value === 'string' ? value.toUpperCase() : value
    if (mapped !== undefined && (typeof mapped !== 'string' || !values.includes(mapped))) {
      throw new InvalidMetadata(`The value of '${name}' is not supported.`)
    }
    changes[property] = mapped ?? DEFAULTS[property]
  }
  changes.grantTypes = stringArray(metadata, 'grant_types')?.map(grantType) ?? DEFAULTS.grantTypes
  changes.responseTypes = stringArray(metadata, 'response_types')?.map(responseType) ?? DEFAULTS.responseTypes
  const maxAge = metadata.default_max_age ?? 0
  if (!Number.isSafeInteger(maxAge) || (maxAge as number) < 0) {
    throw new InvalidMetadata("'default_max_age' must be a non-negative integer.")
  }
  changes.defaultMaxAge = maxAge
  const jwks = metadata.jwks ?? undefined
  if (jwks !== undefined && (typeof jwks !== 'object' || Array.isArray(jwks))) {
    throw new InvalidMetadata("'jwks' must be a JSON object.")
  }
  changes.jwks = jwks === undefined ? undefined : JSON.stringify(jwks)
  return changes
}

/** What the registration endpoint adds; the proxy knows neither, so it leaves them out. */
export interface RegistrationInfo { token?: string, registrationClientUri?: string }

export function toRegistrationMetadata (id: string, data: ClientData, info: RegistrationInfo = {}): Record<string, unknown> {
  const createdAt = typeof data.createdAt === 'number' ? data.createdAt : 0
  const metadata: Record<string, unknown> = {
    client_id: id,
    client_secret: data.clientSecret,
    client_id_issued_at: Math.floor(createdAt / 1000),
    client_secret_expires_at: 0,
    registration_access_token: info.token,
    registration_client_uri: info.registrationClientUri
  }
  for (const [name, property] of [...STRINGS, ...ARRAYS, ...BOOLEANS]) metadata[name] = data[property]
  for (const [name, property] of ENUMS) {
    const value = data[property]
    metadata[name] = typeof value === 'string' ? value.toLowerCase() : undefined
  }
  const uris = Object.fromEntries(Object.entries(GRANT_TYPE_URIS).map(([uri, type]) => [type, uri]))
  if (isStringArray(data.grantTypes)) {
    metadata.grant_types = data.grantTypes.map((type) => uris[type] ?? type.toLowerCase())
  }
  if (isStringArray(data.responseTypes)) {
    metadata.response_types = data.responseTypes.map((type) =>
      type.toLowerCase().replace('id_token', 'id-token').replaceAll('_', ' ').replace('id-token', 'id_token'))
  }
  metadata.default_max_age = data.defaultMaxAge
  if (typeof data.jwks === 'string') {
    try {
      metadata.jwks = JSON.parse(data.jwks)
    } catch {
      // Not representable as RFC 7591 'jwks'; the client keeps it, the response omits it.
    }
  }
  return metadata
}
