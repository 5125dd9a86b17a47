import t from 'tap'
import { durationOf } from '../../src/policy/client-facts.ts'
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

t.test('violationsOf ...should word each limit violation exactly: what is wrong, what the policy accepts and the fix', async t => {
  const policy = effective('off', { redirectUriHosts: ['*.acme.example'], grantTypes: ['AUTHORIZATION_CODE'], tokenAuthMethods: ['PRIVATE_KEY_JWT', 'NONE'], maxAccessTokenSeconds: 3600 })
  const hostFix = 'Use a redirect URI on one of the accepted hosts, or ask the platform team to add the host to the policy'
  t.same(violationsOf(policy, { grantTypes: ['AUTHORIZATION_CODE', 'CLIENT_CREDENTIALS'], redirectUris: ['https://a.example/cb', 'not a uri', 'urn:x'], extension: { accessTokenDuration: 3601 } }), [
    { rule: 'limit-redirect-uri-hosts', property: 'redirectUris', value: 'https://a.example/cb', message: 'redirectUris includes https://a.example/cb, which goes to a.example. Accepted hosts: *.acme.example', fix: hostFix },
    { rule: 'limit-redirect-uri-hosts', property: 'redirectUris', value: 'not a uri', message: 'redirectUris includes not a uri, which has no host to check. Accepted hosts: *.acme.example', fix: hostFix },
    { rule: 'limit-redirect-uri-hosts', property: 'redirectUris', value: 'urn:x', message: 'redirectUris includes urn:x, which has no host to check. Accepted hosts: *.acme.example', fix: hostFix },
    { rule: 'limit-grant-types', property: 'grantTypes', value: 'CLIENT_CREDENTIALS', message: 'grantTypes includes CLIENT_CREDENTIALS, which this policy does not allow. Accepted: AUTHORIZATION_CODE', fix: 'Remove CLIENT_CREDENTIALS from grantTypes' },
    { rule: 'limit-token-auth-methods', property: 'tokenAuthMethod', value: 'CLIENT_SECRET_BASIC', message: 'tokenAuthMethod is CLIENT_SECRET_BASIC, which this policy does not allow. Accepted: PRIVATE_KEY_JWT, NONE', fix: 'Set tokenAuthMethod to one of PRIVATE_KEY_JWT, NONE' },
    { rule: 'limit-access-token-duration', property: 'extension.accessTokenDuration', value: 3601, message: 'extension.accessTokenDuration is 3601 seconds, over the limit. Accepted: 1 to 3600 seconds', fix: 'Set extension.accessTokenDuration to at most 3600' }
  ])
})

t.test('durationOf ...should read a duration only from a number in an extension object, else 0 (not set) as Authlete does', async t => {
  t.equal(durationOf({ extension: { accessTokenDuration: 600 } }, 'accessTokenDuration'), 600)
  t.equal(durationOf({ extension: null }, 'accessTokenDuration'), 0, 'extension null')
  t.equal(durationOf({ extension: 'x' }, 'accessTokenDuration'), 0, 'extension not an object')
  t.equal(durationOf({ extension: { accessTokenDuration: '600' } }, 'accessTokenDuration'), 0, 'a duration that is not a number')
  t.match(violationsOf(effective('off', { maxAccessTokenSeconds: 3600 }), { extension: { accessTokenDuration: '99999' } }), [{ value: 0, message: /not set \(0\)/ }], 'so a limited client with such a duration is refused')
})
