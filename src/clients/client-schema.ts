import { Type, type TSchema } from 'typebox'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { CLIENT_DESCRIPTIONS, EXTENSION_DESCRIPTIONS } from './client-descriptions.ts'

// The client's writable properties, written from Authlete's published Client schema (3.0, plus 2.x's
// `developer`). Server-owned properties are deliberately absent: sending one is a 400 naming it.
const literals = <const T extends string[]>(...values: T) => Type.Enum(values)
const text = (maxLength = 2048) => Type.String({ maxLength })
const texts = (maxItems = 100) => Type.Array(text(), { maxItems })
// Absolute, no fragment, https (http on loopback): see src/http/uri-formats.ts.
const uri = () => Type.String({ maxLength: 2048, format: 'web-uri', description: 'An absolute https URI without a fragment' })
const uris = () => Type.Array(uri(), { maxItems: 100 })
const redirectUri = () => Type.String({ maxLength: 2048, format: 'redirect-uri', description: 'An absolute URI without a fragment: https, http on loopback, or a native app\'s reverse-domain scheme' })
const flag = () => Type.Boolean()
const int64 = () => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

const TaggedValues = Type.Array(Type.Object({ tag: text(64), value: text() }, { additionalProperties: false }), { maxItems: 100 })
const Pairs = Type.Array(Type.Object({ key: text(256), value: text(4096) }, { additionalProperties: false }), { maxItems: 100 })

const JwsAlg = literals('NONE', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'ES256K', 'EdDSA')
const JweAlg = literals('RSA1_5', 'RSA_OAEP', 'RSA_OAEP_256', 'A128KW', 'A192KW', 'A256KW', 'DIR', 'ECDH_ES', 'ECDH_ES_A128KW', 'ECDH_ES_A192KW', 'ECDH_ES_A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'PBES2_HS256_A128KW', 'PBES2_HS384_A192KW', 'PBES2_HS512_A256KW')
const JweEnc = literals('A128CBC_HS256', 'A192CBC_HS384', 'A256CBC_HS512', 'A128GCM', 'A192GCM', 'A256GCM')

// Each property carries its one-line description (client-descriptions.ts), then its format's rule.
function described<T extends Record<string, TSchema>> (schemas: T, descriptions: Record<keyof T, string>): T {
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => {
    const own = (schema as { description?: string }).description
    const rule = own === undefined ? [] : [`${own.replace(/\.$/, '')}.`]
    // A copy with every own property: TypeBox's markers (~kind, ~optional) are not enumerable.
    const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(schema))
    return [name, Object.assign(copy, { description: [descriptions[name as keyof T], ...rule].join(' ') })]
  })) as unknown as T
}

const extensionProperties = described({
  requestableScopes: texts(1000),
  requestableScopesEnabled: flag(),
  accessTokenDuration: int64(),
  refreshTokenDuration: int64(),
  idTokenDuration: int64(),
  tokenExchangePermitted: flag()
}, EXTENSION_DESCRIPTIONS)

export const writableClientProperties = described({
  developer: text(100),
  clientName: text(),
  clientNames: TaggedValues,
  description: text(4096),
  descriptions: TaggedValues,
  clientIdAlias: Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9._~-]*$' }),
  clientIdAliasEnabled: flag(),
  clientType: literals('PUBLIC', 'CONFIDENTIAL'),
  applicationType: Type.Union([literals('WEB', 'NATIVE'), Type.Null()]),
  logoUri: uri(),
  logoUris: TaggedValues,
  contacts: texts(),
  tlsClientCertificateBoundAccessTokens: flag(),
  softwareId: text(),
  softwareVersion: text(),
  registrationAccessTokenHash: text(),
  grantTypes: Type.Array(literals('AUTHORIZATION_CODE', 'IMPLICIT', 'PASSWORD', 'CLIENT_CREDENTIALS', 'REFRESH_TOKEN', 'CIBA', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'JWT_BEARER'), { maxItems: 20 }),
  responseTypes: Type.Array(literals('NONE', 'CODE', 'TOKEN', 'ID_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN', 'ID_TOKEN_TOKEN', 'CODE_ID_TOKEN_TOKEN'), { maxItems: 20 }),
  redirectUris: Type.Array(redirectUri(), { maxItems: 100 }),
  authorizationSignAlg: JwsAlg,
  authorizationEncryptionAlg: JweAlg,
  authorizationEncryptionEnc: JweEnc,
  tokenAuthMethod: literals('NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT', 'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH'),
  tokenAuthSignAlg: JwsAlg,
  selfSignedCertificateKeyId: text(),
  tlsClientAuthSubjectDn: text(),
  tlsClientAuthSanDns: text(),
  tlsClientAuthSanUri: text(),
  tlsClientAuthSanIp: text(),
  tlsClientAuthSanEmail: text(),
  parRequired: flag(),
  requestObjectRequired: flag(),
  requestSignAlg: JwsAlg,
  requestEncryptionAlg: JweAlg,
  requestEncryptionEnc: JweEnc,
  requestUris: uris(),
  defaultMaxAge: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
  defaultAcrs: texts(),
  idTokenSignAlg: JwsAlg,
  idTokenEncryptionAlg: JweAlg,
  idTokenEncryptionEnc: JweEnc,
  authTimeRequired: flag(),
  subjectType: literals('PUBLIC', 'PAIRWISE'),
  sectorIdentifierUri: uri(),
  jwksUri: uri(),
  jwks: Type.String({ maxLength: 65_536 }),
  userInfoSignAlg: JwsAlg,
  userInfoEncryptionAlg: JweAlg,
  userInfoEncryptionEnc: JweEnc,
  loginUri: uri(),
  tosUri: uri(),
  tosUris: TaggedValues,
  policyUri: uri(),
  policyUris: TaggedValues,
  clientUri: uri(),
  clientUris: TaggedValues,
  bcDeliveryMode: literals('PING', 'POLL', 'PUSH'),
  bcNotificationEndpoint: uri(),
  bcRequestSignAlg: JwsAlg,
  bcUserCodeRequired: flag(),
  attributes: Pairs,
  extension: Type.Object(Object.fromEntries(Object.entries(extensionProperties).map(([name, schema]) => [name, Type.Optional(schema)])), { additionalProperties: false }),
  authorizationDetailsTypes: texts(),
  customMetadata: Type.String({ maxLength: 65_536 }),
  frontChannelRequestObjectEncryptionRequired: flag(),
  requestObjectEncryptionAlgMatchRequired: flag(),
  requestObjectEncryptionEncMatchRequired: flag(),
  digestAlgorithm: text(64),
  singleAccessTokenPerSubject: flag(),
  pkceRequired: flag(),
  pkceS256Required: flag(),
  dpopRequired: flag(),
  automaticallyRegistered: flag(),
  explicitlyRegistered: flag(),
  rsRequestSigned: flag(),
  rsSignedRequestKeyId: text(),
  clientRegistrationTypes: Type.Array(literals('AUTOMATIC', 'EXPLICIT'), { maxItems: 2 }),
  organizationName: text(),
  signedJwksUri: uri(),
  entityId: uri(),
  trustAnchorId: uri(),
  trustChain: Type.Array(Type.String({ maxLength: 65_536 }), { maxItems: 20 }),
  trustChainExpiresAt: int64(),
  trustChainUpdatedAt: int64(),
  locked: flag(),
  credentialOfferEndpoint: uri(),
  fapiModes: Type.Array(literals('FAPI1_ADVANCED', 'FAPI1_BASELINE', 'FAPI2_MESSAGE_SIGNING_AUTH_REQ', 'FAPI2_MESSAGE_SIGNING_AUTH_RES', 'FAPI2_MESSAGE_SIGNING_INTROSPECTION_RES', 'FAPI2_SECURITY'), { maxItems: 6 }),
  responseModes: Type.Array(literals('QUERY', 'FRAGMENT', 'FORM_POST', 'JWT', 'QUERY_JWT', 'FRAGMENT_JWT', 'FORM_POST_JWT'), { maxItems: 7 }),
  credentialResponseEncryptionRequired: flag()
}, CLIENT_DESCRIPTIONS)

/** Properties Authlete owns; they come back in answers and are never sent by callers. */
export const SERVER_OWNED_PROPERTIES = ['number', 'serviceNumber', 'clientId', 'clientSecret', 'dynamicallyRegistered', 'createdAt', 'modifiedAt', 'derivedSectorIdentifier'] as const

export const ClientInput = Type.Partial(Type.Object(writableClientProperties, { additionalProperties: false }), {
  additionalProperties: false, title: 'ClientInput', description: 'The writable properties of an Authlete client'
})

// PUT takes a client as GET answers it: the server-owned properties may come back, with their
// current values only (src/clients/round-trip.ts checks and drops them before anything is sent).
const echoed = (schema: TSchema) => Type.Optional({ ...schema, description: 'Server-owned: accepted only with the client\'s current value, then ignored' })
export const ClientReplacement = Type.Object({
  ...ClientInput.properties,
  number: echoed(Type.Integer()),
  serviceNumber: echoed(Type.Integer()),
  clientId: echoed(Type.Integer({ minimum: 0 })),
  clientSecret: echoed(Type.String({ maxLength: 1024 })),
  dynamicallyRegistered: echoed(Type.Boolean()),
  createdAt: echoed(Type.Integer({ minimum: 0 })),
  modifiedAt: echoed(Type.Integer({ minimum: 0 })),
  derivedSectorIdentifier: echoed(Type.String({ maxLength: 2048 }))
} satisfies Record<(typeof SERVER_OWNED_PROPERTIES)[number], unknown> & Record<string, TSchema>, {
  additionalProperties: false,
  title: 'ClientReplacement',
  description: 'Every writable property of the client (those left out are cleared); server-owned properties are accepted with their current values'
})

// RFC 7396: every property may be given (replace), null (remove) or left out (keep); the same holds
// one level down, inside `extension`.
const mergePatchOf = (properties: Record<string, TSchema>, options: Record<string, unknown>) => Type.Object(
  Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, Type.Optional(Type.Union([schema, Type.Null()]))])),
  { additionalProperties: false, ...options }
)

export const ClientMergePatch = mergePatchOf(
  { ...writableClientProperties, extension: mergePatchOf(extensionProperties, {}) },
  { title: 'ClientMergePatch', description: 'A JSON merge patch (RFC 7396) of the writable properties' }
)

// Answers pass Authlete's client through as it is (unknown properties included); int64 values are
// left untyped so that IDs above 2^53 are written back digit for digit.
const UpstreamInt64 = Type.Unsafe<number>({ description: 'int64, written exactly as Authlete sent it' })
export const ClientSchema = Type.Object({
  ...described({
    clientId: UpstreamInt64,
    number: Type.Optional(Type.Integer()),
    serviceNumber: Type.Optional(Type.Integer()),
    clientSecret: Type.Optional(Type.String({ description: 'Only in answers to admins, and in the answer that created it' })),
    dynamicallyRegistered: Type.Optional(Type.Boolean()),
    createdAt: Type.Optional(UpstreamInt64),
    modifiedAt: Type.Optional(UpstreamInt64),
    derivedSectorIdentifier: Type.Optional(Type.String())
  }, CLIENT_DESCRIPTIONS),
  ...ClientInput.properties
}, { additionalProperties: true, $id: 'Client', title: 'Client' })

/** The answer schema of routes that return clients (shared, registered once by the app). */
export const Client = Type.Unsafe<AuthleteClient>({ $ref: 'Client#' })
