import { APPLICATION_TYPES, AUTH_METHODS, GRANT_TYPES, RESPONSE_TYPES, SUBJECT_TYPES } from '../upstream/rfc7591.ts'
import type { ClientData } from '../upstream/rfc7591.ts'
import { RawNumber, ResultCode, badRequest, formBoolean, isObject, isStringArray } from './wire.ts'
import type { Generation } from './wire.ts'

// A client as kept in memory: every Client property except clientId, which is the
// store's key (a digit string, so that int64 values survive).
export type { ClientData }

type Check = (value: unknown) => boolean

// How a property's value is read from a form field (JSON needs no conversion).
type FormKind = 'text' | 'boolean' | 'integer' | 'list' | 'json'

interface Property { check: Check, form: FormKind, v3Only?: boolean }

const isString: Check = (value) => typeof value === 'string'
const isBoolean: Check = (value) => typeof value === 'boolean'
const isNonNegativeInteger: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0
const oneOf = (values: string[]): Check => (value) => typeof value === 'string' && values.includes(value)
const arrayOf = (check: Check): Check => (value) => Array.isArray(value) && value.every(check)
const isAttribute: Check = (value) => isObject(value) && isString(value.key) &&
  (value.value === undefined || value.value === null || isString(value.value))

function names (list: string, check: Check, form: FormKind, v3Only = false): Array<[string, Property]> {
  return list.trim().split(/\s+/).map((name) => [name, { check, form, v3Only }])
}

// Writable Client properties and their shape: the properties of the Client schema of the two
// documents that are not readOnly. Properties outside this table are either server-owned or not
// part of the Client schema, and are dropped like Authlete drops them; the last rows exist in the
// 3.0 document only, so API 2.x drops them too.
const WRITABLE = new Map<string, Property>([
  ...names(`clientName description clientIdAlias logoUri softwareId softwareVersion developer
    authorizationSignAlg authorizationEncryptionAlg authorizationEncryptionEnc tokenAuthSignAlg
    selfSignedCertificateKeyId tlsClientAuthSubjectDn tlsClientAuthSanDns tlsClientAuthSanUri tlsClientAuthSanIp
    tlsClientAuthSanEmail requestSignAlg requestEncryptionAlg requestEncryptionEnc idTokenSignAlg
    idTokenEncryptionAlg idTokenEncryptionEnc sectorIdentifierUri jwksUri jwks userInfoSignAlg
    userInfoEncryptionAlg userInfoEncryptionEnc loginUri tosUri policyUri clientUri bcDeliveryMode
    bcNotificationEndpoint bcRequestSignAlg customMetadata digestAlgorithm rsSignedRequestKeyId
    organizationName signedJwksUri registrationAccessTokenHash entityId trustAnchorId`, isString, 'text'),
  ...names(`clientIdAliasEnabled tlsClientCertificateBoundAccessTokens parRequired requestObjectRequired
    authTimeRequired bcUserCodeRequired frontChannelRequestObjectEncryptionRequired
    requestObjectEncryptionAlgMatchRequired requestObjectEncryptionEncMatchRequired singleAccessTokenPerSubject
    pkceRequired pkceS256Required dpopRequired rsRequestSigned automaticallyRegistered explicitlyRegistered
    locked`, isBoolean, 'boolean'),
  ...names(`contacts redirectUris requestUris defaultAcrs authorizationDetailsTypes clientRegistrationTypes
    trustChain`, isStringArray, 'list'),
  ...names('clientNames descriptions logoUris tosUris policyUris clientUris', arrayOf(isObject), 'json'),
  ...names('clientType', oneOf(['PUBLIC', 'CONFIDENTIAL']), 'text'),
  ...names('applicationType', oneOf(APPLICATION_TYPES), 'text'),
  ...names('tokenAuthMethod', oneOf(AUTH_METHODS), 'text'),
  ...names('subjectType', oneOf(SUBJECT_TYPES), 'text'),
  ...names('grantTypes', arrayOf(oneOf(GRANT_TYPES)), 'list'),
  ...names('responseTypes', arrayOf(oneOf(RESPONSE_TYPES)), 'list'),
  ...names('defaultMaxAge trustChainExpiresAt trustChainUpdatedAt', isNonNegativeInteger, 'integer'),
  ...names('attributes', arrayOf(isAttribute), 'json'),
  ...names('extension', isObject, 'json'),
  ...names('credentialOfferEndpoint', isString, 'text', true),
  ...names('credentialResponseEncryptionRequired', isBoolean, 'boolean', true),
  ...names('fapiModes responseModes', isStringArray, 'list', true)
])

function fromForm (value: unknown, kind: FormKind): unknown {
  if (kind === 'boolean') return formBoolean(value)
  if (kind === 'list') return Array.isArray(value) ? value : [value]
  if (typeof value !== 'string') return value
  if (kind === 'integer') return /^\d{1,15}$/.test(value) ? Number(value) : value
  if (kind !== 'json') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** The writable properties of a Client body; `form` when it came as form fields (all strings). */
export function writableProperties (body: Record<string, unknown>, generation: Generation, form = false): ClientData {
  const data: ClientData = {}
  for (const [name, given] of Object.entries(body)) {
    const property = WRITABLE.get(name)
    // Jackson treats an explicit null like an absent property.
    if (property === undefined || given === null || given === undefined) continue
    if (property.v3Only === true && generation === '2.x') continue
    const value = form ? fromForm(given, property.form) : given
    if (!property.check(value)) {
      throw badRequest(ResultCode.invalidClientProperty, `The value of the client property '${name}' is invalid.`)
    }
    data[name] = structuredClone(value)
  }
  if (data.clientIdAlias === '') delete data.clientIdAlias
  return data
}

export function withDefaults (data: ClientData): ClientData {
  const clientType = data.clientType ?? 'CONFIDENTIAL'
  return {
    clientIdAliasEnabled: false,
    clientType,
    applicationType: 'WEB',
    tokenAuthMethod: clientType === 'PUBLIC' ? 'NONE' : 'CLIENT_SECRET_BASIC',
    tlsClientCertificateBoundAccessTokens: false,
    parRequired: false,
    requestObjectRequired: false,
    defaultMaxAge: 0,
    idTokenSignAlg: 'RS256',
    authTimeRequired: false,
    subjectType: 'PUBLIC',
    bcUserCodeRequired: false,
    frontChannelRequestObjectEncryptionRequired: false,
    requestObjectEncryptionAlgMatchRequired: false,
    requestObjectEncryptionEncMatchRequired: false,
    ...data
  }
}

// API 3.0 (client_get_api, Client schema): `clientIdAliasEnabled` is "Deprecated. Always set to
// true." and `clientIdAlias` is "By default, a string version of the clientId property". API 2.x
// keeps both as stored (an alias resolves only while enabled).
function alias (id: string, data: ClientData, generation: Generation): { clientIdAlias: unknown, clientIdAliasEnabled: unknown } {
  return generation === '3.0'
    ? { clientIdAlias: data.clientIdAlias ?? id, clientIdAliasEnabled: true }
    : { clientIdAlias: data.clientIdAlias, clientIdAliasEnabled: data.clientIdAliasEnabled }
}

// Leads with the identifying properties in the order Authlete's examples use; the rest follow.
export function toWireClient (id: string, data: ClientData, generation: Generation): Record<string, unknown> {
  const identity = alias(id, data, generation)
  return {
    number: data.number,
    serviceNumber: data.serviceNumber,
    clientName: data.clientName,
    clientId: new RawNumber(id),
    clientSecret: data.clientSecret,
    ...identity,
    clientType: data.clientType,
    developer: data.developer,
    ...data,
    ...identity
  }
}

// The 3.0 authorization list (client_authorization_get_list_api) lists TokenListClient items, whose
// example has these six properties: no secret, no configuration.
export function toLimitedClient (id: string, data: ClientData): Record<string, unknown> {
  return {
    number: data.number,
    clientName: data.clientName,
    clientId: new RawNumber(id),
    ...alias(id, data, '3.0'),
    clientType: data.clientType
  }
}
