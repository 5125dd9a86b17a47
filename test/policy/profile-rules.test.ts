import t from 'tap'
import { writableClientProperties } from '../../src/clients/client-schema.ts'
import { RULES, violationsOf } from '../../src/policy/evaluate.ts'
import { effective, FAPI_CLIENT, violationsOfRule } from './support.ts'

// The rules oauth2.1 and fapi2 add, each at its boundary, and the profiles' cumulation.
const baseline = effective('baseline')
const oauth21 = effective('oauth2.1')
const fapi2 = effective('fapi2')

t.test('public-refresh-token-sender-constrained ...should require DPoP or mTLS of a PUBLIC client with REFRESH_TOKEN under oauth2.1 and fapi2', async t => {
  const spa = { clientType: 'PUBLIC', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], dpopRequired: true }
  const rule = 'public-refresh-token-sender-constrained'
  t.same(violationsOfRule(rule, oauth21, spa), [])
  t.same(violationsOfRule(rule, oauth21, { ...spa, dpopRequired: false, tlsClientCertificateBoundAccessTokens: true }), [], 'mTLS-bound tokens pass too')
  t.same(violationsOfRule(rule, oauth21, { ...spa, dpopRequired: false, grantTypes: ['AUTHORIZATION_CODE'] }), [], 'no refresh tokens: not needed')
  t.same(violationsOfRule(rule, oauth21, { ...spa, dpopRequired: false, clientType: 'CONFIDENTIAL' }), [], 'a confidential client: not needed')
  t.match(violationsOfRule(rule, oauth21, { ...spa, dpopRequired: false }), [{ property: 'dpopRequired', value: false, message: /PUBLIC client with the REFRESH_TOKEN grant.*Accepted: dpopRequired: true \(DPoP\) or tlsClientCertificateBoundAccessTokens: true \(mTLS\)/ }])
  t.equal(violationsOfRule(rule, fapi2, { ...spa, dpopRequired: false }).length, 1, 'fapi2 includes it')
  t.same(violationsOfRule(rule, baseline, { ...spa, dpopRequired: false }), [], 'not a baseline rule')
})

t.test('confidential-client ...should refuse a PUBLIC client under fapi2 only', async t => {
  t.same(violationsOfRule('confidential-client', fapi2, FAPI_CLIENT), [])
  t.match(violationsOfRule('confidential-client', fapi2, { ...FAPI_CLIENT, clientType: 'PUBLIC' }), [{ property: 'clientType', value: 'PUBLIC', message: /Accepted: CONFIDENTIAL/ }])
  t.same(violationsOfRule('confidential-client', oauth21, { clientType: 'PUBLIC' }), [])
})

t.test('client-auth-private-key-or-mtls ...should accept PRIVATE_KEY_JWT, TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH and refuse secrets, also Authlete\'s default', async t => {
  for (const method of ['PRIVATE_KEY_JWT', 'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH']) {
    t.same(violationsOfRule('client-auth-private-key-or-mtls', fapi2, { ...FAPI_CLIENT, tokenAuthMethod: method }), [], method)
  }
  t.match(violationsOfRule('client-auth-private-key-or-mtls', fapi2, { ...FAPI_CLIENT, tokenAuthMethod: 'CLIENT_SECRET_JWT' }), [{ property: 'tokenAuthMethod', value: 'CLIENT_SECRET_JWT', message: /Accepted: PRIVATE_KEY_JWT, TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH/ }])
  t.match(violationsOfRule('client-auth-private-key-or-mtls', fapi2, { clientType: 'CONFIDENTIAL' }), [{ value: 'CLIENT_SECRET_BASIC' }], 'not set: CLIENT_SECRET_BASIC')
  t.same(violationsOfRule('client-auth-private-key-or-mtls', oauth21, { tokenAuthMethod: 'CLIENT_SECRET_BASIC' }), [])
})

t.test('sender-constrained-tokens ...should require dpopRequired or tlsClientCertificateBoundAccessTokens under fapi2', async t => {
  t.same(violationsOfRule('sender-constrained-tokens', fapi2, FAPI_CLIENT), [])
  t.same(violationsOfRule('sender-constrained-tokens', fapi2, { ...FAPI_CLIENT, dpopRequired: false, tlsClientCertificateBoundAccessTokens: true }), [])
  t.match(violationsOfRule('sender-constrained-tokens', fapi2, { ...FAPI_CLIENT, dpopRequired: false }), [{ property: 'dpopRequired', value: false, message: /sender-constrained.*Accepted: dpopRequired: true/ }])
  t.same(violationsOfRule('sender-constrained-tokens', oauth21, { ...FAPI_CLIENT, dpopRequired: false }), [])
})

t.test('par-required ...should require parRequired of a code client under fapi2', async t => {
  t.same(violationsOfRule('par-required', fapi2, FAPI_CLIENT), [])
  t.same(violationsOfRule('par-required', fapi2, { ...FAPI_CLIENT, grantTypes: ['CLIENT_CREDENTIALS'], parRequired: false }), [], 'no authorization endpoint use: not needed')
  t.match(violationsOfRule('par-required', fapi2, { ...FAPI_CLIENT, parRequired: false }), [{ property: 'parRequired', value: false, message: /Accepted: parRequired: true/ }])
  t.same(violationsOfRule('par-required', oauth21, { ...FAPI_CLIENT, parRequired: false }), [])
})

t.test('response-type-code-only ...should refuse every response type but CODE under fapi2, one violation each', async t => {
  t.same(violationsOfRule('response-type-code-only', fapi2, FAPI_CLIENT), [])
  t.same(violationsOfRule('response-type-code-only', fapi2, { ...FAPI_CLIENT, responseTypes: ['CODE', 'CODE_ID_TOKEN', 'NONE'] }).map(violation => violation.value), ['CODE_ID_TOKEN', 'NONE'])
  t.same(violationsOfRule('response-type-code-only', oauth21, { responseTypes: ['CODE_ID_TOKEN'] }), [])
})

const SENDER_CONSTRAINT_ACCEPTED = 'Accepted: dpopRequired: true (DPoP) or tlsClientCertificateBoundAccessTokens: true (mTLS)'

t.test('violationsOf ...should word each oauth2.1 and fapi2 violation exactly: what is wrong, what is accepted and the fix', async t => {
  const client = { clientType: 'PUBLIC', tokenAuthMethod: 'NONE', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE', 'CODE_ID_TOKEN'], pkceRequired: true, pkceS256Required: true, dpopRequired: false, parRequired: false }
  t.same(violationsOf(fapi2, client), [{
    rule: 'public-refresh-token-sender-constrained',
    property: 'dpopRequired',
    value: false,
    message: `A PUBLIC client with the REFRESH_TOKEN grant has no sender-constrained tokens (dpopRequired is false), so a stolen refresh token can be replayed. ${SENDER_CONSTRAINT_ACCEPTED}`,
    fix: 'Set dpopRequired to true, or remove REFRESH_TOKEN from grantTypes'
  }, {
    rule: 'confidential-client',
    property: 'clientType',
    value: 'PUBLIC',
    message: 'clientType is PUBLIC: FAPI 2.0 supports only confidential clients. Accepted: CONFIDENTIAL',
    fix: 'Create the client as CONFIDENTIAL, authenticating with PRIVATE_KEY_JWT or mTLS'
  }, {
    rule: 'client-auth-private-key-or-mtls',
    property: 'tokenAuthMethod',
    value: 'NONE',
    message: 'tokenAuthMethod is NONE: FAPI 2.0 requires asymmetric or certificate-based client authentication. Accepted: PRIVATE_KEY_JWT, TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH',
    fix: 'Set tokenAuthMethod to PRIVATE_KEY_JWT (with jwks or jwksUri) or TLS_CLIENT_AUTH / SELF_SIGNED_TLS_CLIENT_AUTH (with the certificate settings)'
  }, {
    rule: 'sender-constrained-tokens',
    property: 'dpopRequired',
    value: false,
    message: `Neither dpopRequired nor tlsClientCertificateBoundAccessTokens is true: FAPI 2.0 issues only sender-constrained access tokens. ${SENDER_CONSTRAINT_ACCEPTED}`,
    fix: 'Set dpopRequired to true, or tlsClientCertificateBoundAccessTokens to true for mTLS-bound tokens'
  }, {
    rule: 'par-required',
    property: 'parRequired',
    value: false,
    message: 'parRequired is false on a client using AUTHORIZATION_CODE: FAPI 2.0 accepts authorization requests only through PAR (RFC 9126). Accepted: parRequired: true',
    fix: 'Set parRequired to true'
  }, {
    rule: 'response-type-code-only',
    property: 'responseTypes',
    value: 'CODE_ID_TOKEN',
    message: 'responseTypes includes CODE_ID_TOKEN: FAPI 2.0 accepts only the code response type. Accepted: CODE',
    fix: 'Remove CODE_ID_TOKEN from responseTypes, keeping CODE'
  }])
})

t.test('profiles ...should be cumulative: fapi2 ⊇ oauth2.1 ⊇ baseline, off none; PKCE S256 holds in every profile', async t => {
  const ids = (profile: ReturnType<typeof effective>) => profile.rules.map(rule => rule.id)
  t.same(ids(effective('off')), [])
  for (const id of ids(baseline)) t.ok(ids(oauth21).includes(id), `oauth2.1 has ${id}`)
  for (const id of ids(oauth21)) t.ok(ids(fapi2).includes(id), `fapi2 has ${id}`)
  t.ok(ids(oauth21).length > ids(baseline).length && ids(fapi2).length > ids(oauth21).length)
  const plainPkce = { ...FAPI_CLIENT, pkceS256Required: false }
  for (const policy of [baseline, oauth21, fapi2]) t.same(violationsOf(policy, plainPkce).map(violation => violation.rule), ['pkce-s256'], policy.profile)
  t.same(violationsOf(fapi2, FAPI_CLIENT), [], 'the FAPI client passes fapi2')
})

t.test('RULES ...should read only properties of Authlete\'s client (src/clients/client-schema.ts)', async t => {
  const extension = Object.keys(writableClientProperties.extension.properties).map(name => `extension.${name}`)
  const known = new Set([...Object.keys(writableClientProperties), ...extension])
  for (const rule of RULES) for (const property of rule.reads) t.ok(known.has(property), `${rule.id} reads ${property}`)
})
