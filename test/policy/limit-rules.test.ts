import t from 'tap'
import { secureDefaults, violationsOf } from '../../src/policy/evaluate.ts'
import { effective, violationsOfRule } from './support.ts'

// The limits a policy file sets (global or per team): each applies when set, also with profile off.

t.test('limit-redirect-uri-hosts ...should match exact hosts, *. for subdomains only (any depth), native schemes reversed', async t => {
  const policy = effective('off', { redirectUriHosts: ['*.acme.example', 'portal.example.com', '127.0.0.1'] })
  const accepted = ['https://a.acme.example/cb', 'https://x.y.acme.example/cb', 'https://PORTAL.example.com:8443/cb', 'http://127.0.0.1:5000/cb', 'example.acme.mobile:/cb']
  t.same(violationsOfRule('limit-redirect-uri-hosts', policy, { redirectUris: accepted }), [])
  const refused = ['https://acme.example/cb', 'https://evilacme.example/cb', 'https://a.portal.example.com/cb', 'http://[::1]/cb', 'com.other.app:/cb', 'urn:x']
  const found = violationsOfRule('limit-redirect-uri-hosts', policy, { redirectUris: refused })
  t.same(found.map(violation => violation.value), refused)
  t.match(found[0]!.message, /goes to acme\.example\. Accepted hosts: \*\.acme\.example, portal\.example\.com, 127\.0\.0\.1/)
  t.match(found[4]!.message, /goes to app\.other\.com/)
  t.same(violationsOf(effective('off'), { redirectUris: refused }), [], 'no limit set: no rule')
  t.match(violationsOf(effective('off', { redirectUriHosts: [] }), { redirectUris: ['https://a.example/cb'] }), [{ message: /Accepted hosts: none/ }], 'an empty list allows no redirect URI')
})

t.test('limit-grant-types ...should refuse each grant type the list lacks', async t => {
  const policy = effective('off', { grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] })
  t.same(violationsOf(policy, { grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] }), [])
  t.match(violationsOf(policy, { grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS'] }), [{ rule: 'limit-grant-types', value: 'CLIENT_CREDENTIALS', message: /Accepted: AUTHORIZATION_CODE, REFRESH_TOKEN/ }])
})

t.test('limit-token-auth-methods ...should refuse a method the list lacks, reading Authlete\'s default when not set', async t => {
  const policy = effective('off', { tokenAuthMethods: ['PRIVATE_KEY_JWT', 'NONE'] })
  t.same(violationsOf(policy, { tokenAuthMethod: 'PRIVATE_KEY_JWT' }), [])
  t.same(violationsOf(policy, { clientType: 'PUBLIC' }), [], 'PUBLIC, not set: NONE')
  t.match(violationsOf(policy, { clientType: 'CONFIDENTIAL' }), [{ rule: 'limit-token-auth-methods', property: 'tokenAuthMethod', value: 'CLIENT_SECRET_BASIC', message: /Accepted: PRIVATE_KEY_JWT, NONE/ }])
})

t.test('limit-access-token-duration ...should accept 1..max, refuse max+1 and 0 or not set (the service\'s duration, unseen)', async t => {
  const policy = effective('off', { maxAccessTokenSeconds: 3600 })
  t.same(violationsOf(policy, { extension: { accessTokenDuration: 3600 } }), [])
  t.same(violationsOf(policy, { extension: { accessTokenDuration: 1 } }), [])
  t.match(violationsOf(policy, { extension: { accessTokenDuration: 3601 } }), [{ rule: 'limit-access-token-duration', property: 'extension.accessTokenDuration', value: 3601, message: /3601 seconds, over the limit\. Accepted: 1 to 3600 seconds/ }])
  t.match(violationsOf(policy, { extension: { accessTokenDuration: 0 } }), [{ value: 0, message: /not set \(0\), so the service's duration applies/ }])
  t.match(violationsOf(policy, {}), [{ value: 0 }], 'no extension')
})

t.test('limit-refresh-token-duration ...should apply to clients with REFRESH_TOKEN only', async t => {
  const policy = effective('off', { maxRefreshTokenSeconds: 86400 })
  t.same(violationsOf(policy, { grantTypes: ['CLIENT_CREDENTIALS'] }), [], 'no refresh tokens: no limit to keep')
  t.same(violationsOf(policy, { grantTypes: ['REFRESH_TOKEN'], extension: { refreshTokenDuration: 86400 } }), [])
  t.match(violationsOf(policy, { grantTypes: ['REFRESH_TOKEN'], extension: { refreshTokenDuration: 86401 } }), [{ rule: 'limit-refresh-token-duration', value: 86401 }])
  t.match(violationsOf(policy, { grantTypes: ['REFRESH_TOKEN'] }), [{ value: 0 }])
  t.same(secureDefaults(policy, { grantTypes: ['CLIENT_CREDENTIALS'] }), {}, 'nothing filled where the limit does not apply')
})
