import t from 'tap'
import { RULES, violationsOf } from '../../src/policy/evaluate.ts'
import { effective, FAPI_CLIENT, violationsOfRule } from './support.ts'

// Each baseline rule (RFC 9700) at its boundary: the smallest client that passes, the smallest change
// that fails, and the rule's absence under `off`.
const baseline = effective('baseline')
const off = effective('off')

t.test('no-implicit-grant ...should refuse IMPLICIT, one violation naming it, and accept every other grant', async t => {
  t.same(violationsOfRule('no-implicit-grant', baseline, { grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS', 'REFRESH_TOKEN', 'DEVICE_CODE'] }), [])
  const [violation, ...more] = violationsOfRule('no-implicit-grant', baseline, { grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'] })
  t.same(more, [])
  t.match(violation, { rule: 'no-implicit-grant', property: 'grantTypes', value: 'IMPLICIT', message: /grantTypes includes IMPLICIT.*Accepted: any grant type but IMPLICIT and PASSWORD/, fix: /Remove IMPLICIT/ })
  t.same(violationsOf(off, { grantTypes: ['IMPLICIT'] }), [], 'off: no profile rule')
})

t.test('no-password-grant ...should refuse PASSWORD and nothing else', async t => {
  t.same(violationsOfRule('no-password-grant', baseline, { grantTypes: ['CLIENT_CREDENTIALS'] }), [])
  t.match(violationsOfRule('no-password-grant', baseline, { grantTypes: ['CLIENT_CREDENTIALS', 'PASSWORD'] }), [{ property: 'grantTypes', value: 'PASSWORD', message: /password/ }])
  t.same(violationsOf(off, { grantTypes: ['PASSWORD'] }), [])
})

t.test('no-token-response-types ...should refuse each response type that returns an access token, one violation each', async t => {
  t.same(violationsOfRule('no-token-response-types', baseline, { responseTypes: ['CODE', 'CODE_ID_TOKEN', 'ID_TOKEN', 'NONE'] }), [])
  const found = violationsOfRule('no-token-response-types', baseline, { responseTypes: ['CODE', 'TOKEN', 'ID_TOKEN_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN_TOKEN'] })
  t.same(found.map(violation => violation.value), ['TOKEN', 'ID_TOKEN_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN_TOKEN'])
  t.match(found[0]!.message, /Accepted: CODE, CODE_ID_TOKEN, ID_TOKEN, NONE/)
})

for (const [rule, property] of [['pkce-required', 'pkceRequired'], ['pkce-s256', 'pkceS256Required']] as const) {
  t.test(`${rule} ...should require ${property}: true on a client using AUTHORIZATION_CODE, only there`, async t => {
    const code = { grantTypes: ['AUTHORIZATION_CODE'], [property]: true }
    t.same(violationsOfRule(rule, baseline, code), [])
    t.same(violationsOfRule(rule, baseline, { grantTypes: ['CLIENT_CREDENTIALS'] }), [], 'no code grant: not needed')
    t.match(violationsOfRule(rule, baseline, { ...code, [property]: false }), [{ rule, property, value: false, message: new RegExp(`${property} is false on a client using AUTHORIZATION_CODE.*Accepted: ${property}: true`) }])
    t.match(violationsOfRule(rule, baseline, { grantTypes: ['AUTHORIZATION_CODE'] }), [{ value: null, message: /is not set/ }], 'not set: a violation, value null')
    t.same(violationsOf(off, { grantTypes: ['AUTHORIZATION_CODE'] }), [])
  })
}

t.test('public-client-auth-none ...should require NONE of a PUBLIC client (Authlete\'s default for one) and leave confidential clients alone', async t => {
  t.same(violationsOfRule('public-client-auth-none', baseline, { clientType: 'PUBLIC', tokenAuthMethod: 'NONE' }), [])
  t.same(violationsOfRule('public-client-auth-none', baseline, { clientType: 'PUBLIC' }), [], 'not set: Authlete gives a PUBLIC client NONE')
  t.same(violationsOfRule('public-client-auth-none', baseline, { tokenAuthMethod: 'CLIENT_SECRET_BASIC' }), [], 'clientType not set: CONFIDENTIAL')
  t.match(violationsOfRule('public-client-auth-none', baseline, { clientType: 'PUBLIC', tokenAuthMethod: 'CLIENT_SECRET_BASIC' }), [{
    property: 'tokenAuthMethod', value: 'CLIENT_SECRET_BASIC', message: /PUBLIC client.*Accepted for a PUBLIC client: NONE/
  }])
  t.same(violationsOf(off, { clientType: 'PUBLIC', tokenAuthMethod: 'CLIENT_SECRET_POST' }), [])
})

t.test('redirect-uri-exact ...should refuse a * anywhere in a redirect URI, one violation per URI', async t => {
  t.same(violationsOfRule('redirect-uri-exact', baseline, { redirectUris: ['https://app.example.com/cb'] }), [])
  const found = violationsOfRule('redirect-uri-exact', baseline, { redirectUris: ['https://app.example.com/cb', 'https://*.example.com/cb', 'https://app.example.com/*'] })
  t.same(found.map(violation => violation.value), ['https://*.example.com/cb', 'https://app.example.com/*'])
  t.match(found[0]!.message, /wildcard.*Accepted: complete URIs without \*/)
})

t.test('redirect-uri-https ...should accept https, http on loopback IP literals and reverse-domain schemes; refuse the rest, saying what is accepted', async t => {
  const accepted = ['https://app.example.com/cb', 'https://localhost:8443/cb', 'http://127.0.0.1:51004/cb', 'http://127.1.2.3/cb', 'http://127.100.200.255/cb', 'http://[::1]:61023/cb', 'com.example.app:/oauth2redirect']
  t.same(violationsOfRule('redirect-uri-https', baseline, { redirectUris: accepted }), [])
  const refused = ['http://app.example.com/cb', 'http://localhost:3000/cb', 'myapp:/cb', 'not a uri', 'http://128.0.0.1/cb', 'http://127.0.0.1.evil.example/cb']
  const found = violationsOfRule('redirect-uri-https', baseline, { redirectUris: refused })
  t.same(found.map(violation => violation.value), refused)
  t.match(found[0]!.message, /plain http on a host other than the loopback IP literals\. Accepted: https URIs, http on the loopback IP literals/)
  t.match(found[1]!.message, /http:\/\/localhost \(RFC 8252 §8\.3.*http:\/\/127\.0\.0\.1:PORT/)
  t.match(found[2]!.message, /scheme 'myapp', which is not a reverse domain name/)
  t.match(found[3]!.message, /not an absolute URI/)
  t.same(violationsOf(off, { redirectUris: refused }), [])
})

const REDIRECT_ACCEPTED = 'Accepted: https URIs, http on the loopback IP literals (http://127.0.0.1:PORT/..., http://[::1]:PORT/...), and native apps\' reverse-domain schemes (com.example.app:/callback)'
const GRANTS_ACCEPTED = 'Accepted: any grant type but IMPLICIT and PASSWORD (for example AUTHORIZATION_CODE with PKCE, CLIENT_CREDENTIALS, REFRESH_TOKEN)'

t.test('violationsOf ...should word each baseline violation exactly: what is wrong, why, what is accepted and the fix', async t => {
  const client = {
    clientType: 'PUBLIC',
    tokenAuthMethod: 'CLIENT_SECRET_BASIC',
    grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT', 'PASSWORD'],
    responseTypes: ['CODE_TOKEN'],
    pkceRequired: false,
    redirectUris: ['https://*.example.com/cb', 'http://app.example.com/cb']
  }
  t.same(violationsOf(baseline, client), [{
    rule: 'no-implicit-grant',
    property: 'grantTypes',
    value: 'IMPLICIT',
    message: `grantTypes includes IMPLICIT: the implicit grant returns access tokens in the redirect, where they leak and can be replayed. ${GRANTS_ACCEPTED}`,
    fix: 'Remove IMPLICIT from grantTypes; use AUTHORIZATION_CODE with PKCE instead'
  }, {
    rule: 'no-token-response-types',
    property: 'responseTypes',
    value: 'CODE_TOKEN',
    message: 'responseTypes includes CODE_TOKEN, which returns an access token in the authorization response. Accepted: CODE, CODE_ID_TOKEN, ID_TOKEN, NONE',
    fix: 'Remove CODE_TOKEN from responseTypes; use CODE and get tokens from the token endpoint'
  }, {
    rule: 'no-password-grant',
    property: 'grantTypes',
    value: 'PASSWORD',
    message: `grantTypes includes PASSWORD: the resource owner password grant gives the client the user's password. ${GRANTS_ACCEPTED}`,
    fix: 'Remove PASSWORD from grantTypes; use AUTHORIZATION_CODE with PKCE (or CLIENT_CREDENTIALS for a client acting on its own behalf)'
  }, {
    rule: 'pkce-required',
    property: 'pkceRequired',
    value: false,
    message: 'pkceRequired is false on a client using AUTHORIZATION_CODE: without PKCE a stolen or injected authorization code can be redeemed. Accepted: pkceRequired: true',
    fix: 'Set pkceRequired to true'
  }, {
    rule: 'pkce-s256',
    property: 'pkceS256Required',
    value: null,
    message: 'pkceS256Required is not set on a client using AUTHORIZATION_CODE: the plain method sends the verifier itself as the challenge. Accepted: pkceS256Required: true',
    fix: 'Set pkceS256Required to true'
  }, {
    rule: 'public-client-auth-none',
    property: 'tokenAuthMethod',
    value: 'CLIENT_SECRET_BASIC',
    message: 'tokenAuthMethod is CLIENT_SECRET_BASIC on a PUBLIC client, which cannot keep a credential secret. Accepted for a PUBLIC client: NONE',
    fix: 'Set tokenAuthMethod to NONE (with PKCE), or make the client CONFIDENTIAL if it runs on a server'
  }, {
    rule: 'redirect-uri-exact',
    property: 'redirectUris',
    value: 'https://*.example.com/cb',
    message: 'redirectUris includes https://*.example.com/cb, which has a * wildcard: redirect URIs are compared as exact strings. Accepted: complete URIs without *',
    fix: 'List each redirect URI in full, one entry per URI'
  }, {
    rule: 'redirect-uri-https',
    property: 'redirectUris',
    value: 'http://app.example.com/cb',
    message: `redirectUris includes http://app.example.com/cb, which uses plain http on a host other than the loopback IP literals. ${REDIRECT_ACCEPTED}`,
    fix: 'Use https, or for a native app the loopback IP literal or a reverse-domain scheme it owns'
  }])
})

t.test('RULES ...should give each rule a stable unique ID, a source, the properties it reads and a summary', async t => {
  t.equal(new Set(RULES.map(rule => rule.id)).size, RULES.length)
  for (const rule of RULES) {
    t.match(rule, { id: /^[a-z0-9-]+$/, source: /RFC|OAuth 2\.1|FAPI 2\.0|Policy file/, summary: /\S/ }, rule.id)
    t.ok(rule.reads.length > 0, `${rule.id} reads properties`)
  }
  t.same(violationsOf(baseline, FAPI_CLIENT), [], 'the FAPI client passes the baseline')
})
