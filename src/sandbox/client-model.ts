import { RawNumber, ResultCode, badRequest, isObject, isStringArray } from './wire.ts'

// A client as kept in memory: every Client property except clientId, which is the
// store's key (a digit string, so that int64 values survive).
export type ClientData = Record<string, unknown>

export const GRANT_TYPES = ['AUTHORIZATION_CODE', 'IMPLICIT', 'PASSWORD', 'CLIENT_CREDENTIALS', 'REFRESH_TOKEN',
  'CIBA', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'JWT_BEARER']
export const RESPONSE_TYPES = ['NONE', 'CODE', 'TOKEN', 'ID_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN', 'ID_TOKEN_TOKEN',
  'CODE_ID_TOKEN_TOKEN']
export const AUTH_METHODS = ['NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT',
  'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH']
export const APPLICATION_TYPES = ['WEB', 'NATIVE']
export const SUBJECT_TYPES = ['PUBLIC', 'PAIRWISE']

type Check = (value: unknown) => boolean

const isString: Check = (value) => typeof value === 'string'
const isBoolean: Check = (value) => typeof value === 'boolean'
const isNonNegativeInteger: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0
const oneOf = (values: string[]): Check => (value) => typeof value === 'string' && values.includes(value)
const arrayOf = (check: Check): Check => (value) => Array.isArray(value) && value.every(check)
const isAttribute: Check = (value) => isObject(value) && isString(value.key) &&
  (value.value === undefined || value.value === null || isString(value.value))

function names (list: string, check: Check): Array<[string, Check]> {
  return list.trim().split(/\s+/).map((name) => [name, check])
}

// Writable Client properties and their shape. Properties outside this table are either
// server-owned or not part of the Client schema, and are dropped like Authlete drops them.
const WRITABLE = new Map<string, Check>([
  ...names(`clientName description clientIdAlias logoUri softwareId softwareVersion developer
    authorizationSignAlg authorizationEncryptionAlg authorizationEncryptionEnc tokenAuthSignAlg
    selfSignedCertificateKeyId tlsClientAuthSubjectDn tlsClientAuthSanDns tlsClientAuthSanUri tlsClientAuthSanIp
    tlsClientAuthSanEmail requestSignAlg requestEncryptionAlg requestEncryptionEnc idTokenSignAlg
    idTokenEncryptionAlg idTokenEncryptionEnc sectorIdentifierUri jwksUri jwks userInfoSignAlg
    userInfoEncryptionAlg userInfoEncryptionEnc loginUri tosUri policyUri clientUri bcDeliveryMode
    bcNotificationEndpoint bcRequestSignAlg customMetadata digestAlgorithm rsSignedRequestKeyId
    organizationName signedJwksUri credentialOfferEndpoint`, isString),
  ...names(`clientIdAliasEnabled tlsClientCertificateBoundAccessTokens parRequired requestObjectRequired
    authTimeRequired bcUserCodeRequired frontChannelRequestObjectEncryptionRequired
    requestObjectEncryptionAlgMatchRequired requestObjectEncryptionEncMatchRequired singleAccessTokenPerSubject
    pkceRequired pkceS256Required dpopRequired rsRequestSigned credentialResponseEncryptionRequired`, isBoolean),
  ...names(`contacts redirectUris requestUris defaultAcrs authorizationDetailsTypes fapiModes responseModes
    clientRegistrationTypes`, isStringArray),
  ...names('clientNames descriptions logoUris tosUris policyUris clientUris', arrayOf(isObject)),
  ['clientType', oneOf(['PUBLIC', 'CONFIDENTIAL'])],
  ['applicationType', oneOf(APPLICATION_TYPES)],
  ['tokenAuthMethod', oneOf(AUTH_METHODS)],
  ['subjectType', oneOf(SUBJECT_TYPES)],
  ['grantTypes', arrayOf(oneOf(GRANT_TYPES))],
  ['responseTypes', arrayOf(oneOf(RESPONSE_TYPES))],
  ['defaultMaxAge', isNonNegativeInteger],
  ['attributes', arrayOf(isAttribute)],
  ['extension', isObject]
])

export function writableProperties (body: Record<string, unknown>): ClientData {
  const data: ClientData = {}
  for (const [name, value] of Object.entries(body)) {
    const check = WRITABLE.get(name)
    // Jackson treats an explicit null like an absent property.
    if (check === undefined || value === null || value === undefined) continue
    if (!check(value)) {
      throw badRequest(ResultCode.invalidClientProperty, `The value of the client property '${name}' is invalid.`)
    }
    data[name] = structuredClone(value)
  }
  if (data.clientIdAlias === '') delete data.clientIdAlias
  // A numeric alias would be indistinguishable from a client ID in {clientIdentifier} paths.
  if (typeof data.clientIdAlias === 'string' && /^\d+$/.test(data.clientIdAlias)) {
    throw badRequest(ResultCode.clientIdAliasUnavailable, 'The client ID alias must not consist of digits only.')
  }
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

// Leads with the identifying properties in the order Authlete's examples use; the rest follow.
export function toWireClient (id: string, data: ClientData): Record<string, unknown> {
  return {
    number: data.number,
    serviceNumber: data.serviceNumber,
    clientName: data.clientName,
    clientId: new RawNumber(id),
    clientSecret: data.clientSecret,
    clientIdAlias: data.clientIdAlias,
    clientIdAliasEnabled: data.clientIdAliasEnabled,
    clientType: data.clientType,
    developer: data.developer,
    ...data
  }
}
