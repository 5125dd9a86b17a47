import t from 'tap'
import { fromRegistrationMetadata, InvalidMetadata, toRegistrationMetadata } from '../../src/upstream/rfc7591.ts'

// RFC 7591 metadata and Authlete's Client properties, both ways, as functions. test/clients/registration.test.ts
// shows them through the app and the emulator's registration endpoint.

/** Every metadata field with a value of its own, and the Client properties it stands for. */
const METADATA = {
  client_name: 'Name',
  client_uri: 'https://c.example',
  logo_uri: 'https://c.example/logo',
  tos_uri: 'https://c.example/tos',
  policy_uri: 'https://c.example/policy',
  jwks_uri: 'https://c.example/jwks',
  sector_identifier_uri: 'https://c.example/sector',
  software_id: 'soft-id',
  software_version: '1.2',
  initiate_login_uri: 'https://c.example/login',
  id_token_signed_response_alg: 'ES256',
  userinfo_signed_response_alg: 'PS256',
  request_object_signing_alg: 'RS384',
  token_endpoint_auth_signing_alg: 'ES384',
  redirect_uris: ['https://c.example/cb'],
  contacts: ['ops@c.example'],
  request_uris: ['https://c.example/req'],
  default_acr_values: ['acr1'],
  tls_client_certificate_bound_access_tokens: true,
  require_pushed_authorization_requests: true,
  require_signed_request_object: true,
  require_auth_time: true,
  backchannel_user_code_parameter: true,
  token_endpoint_auth_method: 'private_key_jwt',
  application_type: 'native',
  subject_type: 'pairwise',
  grant_types: ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba', 'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
  response_types: ['code', 'code id_token', 'id_token token', 'code id_token token', 'none'],
  default_max_age: 3600,
  jwks: { keys: [{ kty: 'EC' }] }
}
const CLIENT = {
  clientName: 'Name',
  clientUri: 'https://c.example',
  logoUri: 'https://c.example/logo',
  tosUri: 'https://c.example/tos',
  policyUri: 'https://c.example/policy',
  jwksUri: 'https://c.example/jwks',
  sectorIdentifierUri: 'https://c.example/sector',
  softwareId: 'soft-id',
  softwareVersion: '1.2',
  loginUri: 'https://c.example/login',
  idTokenSignAlg: 'ES256',
  userInfoSignAlg: 'PS256',
  requestSignAlg: 'RS384',
  tokenAuthSignAlg: 'ES384',
  redirectUris: ['https://c.example/cb'],
  contacts: ['ops@c.example'],
  requestUris: ['https://c.example/req'],
  defaultAcrs: ['acr1'],
  tlsClientCertificateBoundAccessTokens: true,
  parRequired: true,
  requestObjectRequired: true,
  authTimeRequired: true,
  bcUserCodeRequired: true,
  tokenAuthMethod: 'PRIVATE_KEY_JWT',
  applicationType: 'NATIVE',
  subjectType: 'PAIRWISE',
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CIBA', 'DEVICE_CODE', 'TOKEN_EXCHANGE', 'JWT_BEARER'],
  responseTypes: ['CODE', 'CODE_ID_TOKEN', 'ID_TOKEN_TOKEN', 'CODE_ID_TOKEN_TOKEN', 'NONE'],
  defaultMaxAge: 3600,
  jwks: '{"keys":[{"kty":"EC"}]}'
}
const PROPERTIES = Object.keys(CLIENT).sort()

t.test('fromRegistrationMetadata ...should map every RFC 7591 field to its Client property', async t => {
  const changes = fromRegistrationMetadata(METADATA)
  t.strictSame(changes, CLIENT)
  t.same(Object.keys(changes).sort(), PROPERTIES)
})

t.test('fromRegistrationMetadata ...should reset every omitted or null field to its RFC 7591 default (an update replaces the whole client)', async t => {
  const defaults = {
    idTokenSignAlg: 'RS256',
    tlsClientCertificateBoundAccessTokens: false,
    parRequired: false,
    requestObjectRequired: false,
    authTimeRequired: false,
    bcUserCodeRequired: false,
    tokenAuthMethod: 'CLIENT_SECRET_BASIC',
    applicationType: 'WEB',
    subjectType: 'PUBLIC',
    grantTypes: ['AUTHORIZATION_CODE'],
    responseTypes: ['CODE'],
    defaultMaxAge: 0
  }
  for (const metadata of [{}, Object.fromEntries(Object.keys(METADATA).map(name => [name, null]))]) {
    const changes = fromRegistrationMetadata(metadata)
    t.same(Object.keys(changes).sort(), PROPERTIES, 'every property named, so that the omitted ones are removed')
    t.strictSame(Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)), defaults, `${JSON.stringify(metadata).slice(0, 40)}: the defaults, nothing else set`)
  }
})

/** The error fromRegistrationMetadata throws for `metadata`, as [RFC 7591 error, description]. */
function refusal (metadata: Record<string, unknown>): [string, string] | undefined {
  try {
    fromRegistrationMetadata(metadata)
    return undefined
  } catch (error) {
    if (!(error instanceof InvalidMetadata)) throw error
    return [error.error, error.message]
  }
}

t.test('fromRegistrationMetadata ...should refuse values of the wrong type, naming the field', async t => {
  const invalid = 'invalid_client_metadata'
  t.same(refusal({ client_name: 5 }), [invalid, '\'client_name\' must be a string.'])
  t.same(refusal({ token_endpoint_auth_signing_alg: true }), [invalid, '\'token_endpoint_auth_signing_alg\' must be a string.'])
  t.same(refusal({ redirect_uris: 'https://c.example/cb' }), ['invalid_redirect_uri', '\'redirect_uris\' must be an array of strings.'])
  t.same(refusal({ redirect_uris: ['https://c.example/cb', 1] }), ['invalid_redirect_uri', '\'redirect_uris\' must be an array of strings.'])
  t.same(refusal({ contacts: [1] }), [invalid, '\'contacts\' must be an array of strings.'])
  t.same(refusal({ grant_types: 'authorization_code' }), [invalid, '\'grant_types\' must be an array of strings.'])
  t.same(refusal({ response_types: [null] }), [invalid, '\'response_types\' must be an array of strings.'])
  t.same(refusal({ require_auth_time: 'true' }), [invalid, '\'require_auth_time\' must be a boolean.'])
  t.same(refusal({ backchannel_user_code_parameter: 1 }), [invalid, '\'backchannel_user_code_parameter\' must be a boolean.'])
})

t.test('fromRegistrationMetadata ...should take enum values in any case and refuse others', async t => {
  t.equal(fromRegistrationMetadata({ token_endpoint_auth_method: 'Client_Secret_Post' }).tokenAuthMethod, 'CLIENT_SECRET_POST')
  t.equal(fromRegistrationMetadata({ application_type: 'WEB' }).applicationType, 'WEB')
  t.equal(fromRegistrationMetadata({ token_endpoint_auth_method: 'none' }).tokenAuthMethod, 'NONE')
  // Every value of the Client enums in Authlete's documents (../shared/upstream), as RFC 7591 spells them.
  const every = {
    tokenAuthMethod: ['token_endpoint_auth_method', ['NONE', 'CLIENT_SECRET_BASIC', 'CLIENT_SECRET_POST', 'CLIENT_SECRET_JWT', 'PRIVATE_KEY_JWT', 'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH']],
    applicationType: ['application_type', ['WEB', 'NATIVE']],
    subjectType: ['subject_type', ['PUBLIC', 'PAIRWISE']]
  } as const
  for (const [property, [name, values]] of Object.entries(every)) {
    t.same(values.map(value => fromRegistrationMetadata({ [name]: value.toLowerCase() })[property]), values, `every ${name} of the documents`)
  }
  for (const [name, value] of [['token_endpoint_auth_method', 'client_secret'], ['application_type', 'desktop'], ['subject_type', 5], ['subject_type', ['public']], ['application_type', '']] as const) {
    t.same(refusal({ [name]: value }), ['invalid_client_metadata', `The value of '${name}' is not supported.`], `${name}: ${JSON.stringify(value)}`)
  }
})

t.test('fromRegistrationMetadata ...should map grant types by name or URI and refuse unknown ones', async t => {
  t.same(fromRegistrationMetadata({ grant_types: ['ciba', 'Password', 'client_credentials', 'implicit'] }).grantTypes, ['CIBA', 'PASSWORD', 'CLIENT_CREDENTIALS', 'IMPLICIT'])
  t.same(fromRegistrationMetadata({ grant_types: [] }).grantTypes, [], 'an empty list stays empty')
  for (const value of ['bogus', 'urn:ietf:params:oauth:grant-type:saml2-bearer', 'device_code_x', '']) {
    t.same(refusal({ grant_types: ['authorization_code', value] }), ['invalid_client_metadata', `The grant type '${value}' is not supported.`], value)
  }
})

t.test('fromRegistrationMetadata ...should map response types in any order, once each, and refuse unknown or malformed ones', async t => {
  t.same(fromRegistrationMetadata({ response_types: ['token id_token code', 'id_token', 'token', 'token code', 'code code', 'id_token code'] }).responseTypes,
    ['CODE_ID_TOKEN_TOKEN', 'ID_TOKEN', 'TOKEN', 'CODE_TOKEN', 'CODE', 'CODE_ID_TOKEN'])
  for (const value of ['code_token', 'CODE', 'CODE token', 'code  token', 'none code', 'code bogus', 'id-token', '']) {
    t.same(refusal({ response_types: [value] }), ['invalid_client_metadata', `The response type '${value}' is not supported.`], JSON.stringify(value))
  }
})

t.test('fromRegistrationMetadata ...should take default_max_age as a non-negative safe integer', async t => {
  t.equal(fromRegistrationMetadata({ default_max_age: 0 }).defaultMaxAge, 0)
  t.equal(fromRegistrationMetadata({ default_max_age: Number.MAX_SAFE_INTEGER }).defaultMaxAge, Number.MAX_SAFE_INTEGER)
  for (const value of [-1, 1.5, '60', 2 ** 53, true]) {
    t.same(refusal({ default_max_age: value }), ['invalid_client_metadata', '\'default_max_age\' must be a non-negative integer.'], String(value))
  }
})

t.test('fromRegistrationMetadata ...should keep jwks as a JSON object\'s text and refuse anything else', async t => {
  t.equal(fromRegistrationMetadata({ jwks: {} }).jwks, '{}')
  for (const value of [[], 'keys', 5, false]) {
    t.same(refusal({ jwks: value }), ['invalid_client_metadata', '\'jwks\' must be a JSON object.'], JSON.stringify(value))
  }
})

t.test('toRegistrationMetadata ...should give every Client property back as its RFC 7591 field, with the registration values', async t => {
  const data = { ...CLIENT, clientSecret: 'the-secret', createdAt: 1_700_000_000_999 }
  const metadata = toRegistrationMetadata('42', data, { token: 'rat', registrationClientUri: 'https://as.example/register/42' })
  t.strictSame(metadata, {
    client_id: '42',
    client_secret: 'the-secret',
    client_id_issued_at: 1_700_000_000,
    client_secret_expires_at: 0,
    registration_access_token: 'rat',
    registration_client_uri: 'https://as.example/register/42',
    ...METADATA
  })
  t.strictSame(fromRegistrationMetadata(metadata), CLIENT, 'and back again')
})

t.test('toRegistrationMetadata ...should leave out what the Client lacks or cannot show', async t => {
  const metadata = toRegistrationMetadata('7', { createdAt: 'yesterday', jwks: '{not json', tokenAuthMethod: 5, grantTypes: [1], responseTypes: 'CODE' })
  t.equal(metadata.client_id_issued_at, 0, 'no numeric createdAt: 0')
  t.equal(metadata.registration_access_token, undefined)
  t.equal(metadata.registration_client_uri, undefined)
  t.equal(metadata.token_endpoint_auth_method, undefined, 'an enum that is no string')
  t.notOk('jwks' in metadata, 'jwks that is not JSON: omitted')
  t.notOk('grant_types' in metadata, 'grant types that are not strings: omitted')
  t.notOk('response_types' in metadata, 'response types that are no list: omitted')
  t.notOk('jwks' in toRegistrationMetadata('7', { jwks: { keys: [] } }), 'jwks that is not text: omitted')
  t.equal(toRegistrationMetadata('7', { createdAt: 999 }).client_id_issued_at, 0, 'rounded down to the second')
})
