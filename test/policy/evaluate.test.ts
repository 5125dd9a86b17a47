import t from 'tap'
import { judge, policyFor, secureDefaults, violationsOf, withSecureDefaults } from '../../src/policy/evaluate.ts'
import type { Policy } from '../../src/policy/policy-types.ts'
import { effective } from './support.ts'

t.test('policyFor ...should give a team the stricter profile and its limits narrowing the global ones', async t => {
  const policy: Policy = {
    profile: 'oauth2.1',
    rules: { redirectUriHosts: ['*.example.com'], grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'CLIENT_CREDENTIALS'], maxAccessTokenSeconds: 3600 },
    teams: {
      acme: { profile: 'fapi2', rules: { redirectUriHosts: ['*.acme.example.com', 'other.test'], grantTypes: ['CLIENT_CREDENTIALS', 'PASSWORD'], maxAccessTokenSeconds: 600, tokenAuthMethods: ['PRIVATE_KEY_JWT'] } },
      initech: { profile: 'baseline', rules: { maxAccessTokenSeconds: 7200 } }
    }
  }
  const acme = policyFor(policy, 'acme')
  t.equal(acme.team, 'acme')
  t.equal(acme.profile, 'fapi2')
  t.same(acme.limits, { redirectUriHosts: ['*.acme.example.com'], grantTypes: ['CLIENT_CREDENTIALS'], tokenAuthMethods: ['PRIVATE_KEY_JWT'], maxAccessTokenSeconds: 600 })
  t.ok(acme.rules.some(rule => rule.id === 'par-required') && acme.rules.some(rule => rule.id === 'limit-token-auth-methods'))
  // A policy built in code (not from a file) may name a weaker team setting: it is never applied.
  const initech = policyFor(policy, 'initech')
  t.equal(initech.profile, 'oauth2.1', 'a weaker team profile does not weaken the global one')
  t.equal(initech.limits.maxAccessTokenSeconds, 3600, 'the lower maximum holds')
  t.same(initech.limits.redirectUriHosts, ['*.example.com'], 'a limit the team leaves out: the global one')
  for (const team of [null, 'unknown-team', 'constructor', 'toString']) {
    const global = policyFor(policy, team)
    t.equal(global.profile, 'oauth2.1')
    t.same(global.limits, policy.rules, `${String(team)}: the global limits`)
  }
  t.same(policyFor({ profile: 'off', rules: {}, teams: {} }, null), { team: null, profile: 'off', rules: [], limits: {} })
})

t.test('policyFor ...should take a team\'s limit where the global rules set none, and keep the team\'s host patterns some global one covers', async t => {
  const open: Policy = { profile: 'baseline', rules: {}, teams: { acme: { rules: { redirectUriHosts: ['*.acme.test'], maxAccessTokenSeconds: 600 } } } }
  t.same(policyFor(open, 'acme').limits, { redirectUriHosts: ['*.acme.test'], maxAccessTokenSeconds: 600 })
  const twoDomains: Policy = { profile: 'baseline', rules: { redirectUriHosts: ['*.example.com', '*.example.org'] }, teams: { acme: { rules: { redirectUriHosts: ['a.example.org', 'b.example.com', 'evil.test'] } } } }
  t.same(policyFor(twoDomains, 'acme').limits, { redirectUriHosts: ['a.example.org', 'b.example.com'] })
})

t.test('policyFor ...should give a caller without a team the global policy, even beside a team named null', async t => {
  const policy: Policy = { profile: 'baseline', rules: {}, teams: { null: { profile: 'fapi2', rules: { maxAccessTokenSeconds: 60 } } } }
  t.same(policyFor(policy, null), { ...policyFor({ ...policy, teams: {} }, null), team: null })
  t.equal(policyFor(policy, null).profile, 'baseline')
  t.equal(policyFor(policy, 'null').profile, 'fapi2', 'the team named null has its own')
})

t.test('violationsOf ...should give a list element that is not a string a violation saying so', async t => {
  const violations = violationsOf(effective('baseline'), { redirectUris: [null, 'https://a.example.com/cb'] })
  t.match(violations.filter(violation => violation.rule === 'redirect-uri-https'), [{ property: 'redirectUris', value: null, message: /^redirectUris includes null, which is not a string\. / }])
  t.equal(violations.filter(violation => violation.value !== null).length, 0, 'the string beside it passes')
})

t.test('policyFor ...should apply a team\'s rules to that team only', async t => {
  const policy: Policy = { profile: 'baseline', rules: {}, teams: { acme: { rules: { grantTypes: ['AUTHORIZATION_CODE'] } } } }
  const client = { grantTypes: ['CLIENT_CREDENTIALS'] }
  t.match(violationsOf(policyFor(policy, 'acme'), client), [{ rule: 'limit-grant-types' }])
  t.same(violationsOf(policyFor(policy, 'hooli'), client), [])
  t.same(violationsOf(policyFor(policy, null), client), [])
})

t.test('secureDefaults ...should fill only what a create body leaves out, so that a typical body passes', async t => {
  const spa = { clientName: 'SPA', clientType: 'PUBLIC', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE'], redirectUris: ['https://app.example.com/cb'] }
  const baseline = effective('baseline', { maxAccessTokenSeconds: 900 })
  t.same(secureDefaults(baseline, spa), { pkceRequired: true, pkceS256Required: true, tokenAuthMethod: 'NONE', extension: { accessTokenDuration: 900 } })
  t.same(violationsOf(baseline, { ...spa, ...secureDefaults(baseline, spa) }), [])
  const oauth21 = effective('oauth2.1')
  t.same(secureDefaults(oauth21, spa), { pkceRequired: true, pkceS256Required: true, tokenAuthMethod: 'NONE', dpopRequired: true })
  t.same(violationsOf(oauth21, { ...spa, ...secureDefaults(oauth21, spa) }), [])

  const web = { grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'], tokenAuthMethod: 'PRIVATE_KEY_JWT', redirectUris: ['https://bank.example/cb'], extension: { requestableScopesEnabled: true } }
  const fapi2 = effective('fapi2', { maxAccessTokenSeconds: 300 })
  const filled = withSecureDefaults(fapi2, web)
  t.same(filled.filled, ['pkceRequired', 'pkceS256Required', 'dpopRequired', 'parRequired', 'extension.accessTokenDuration'])
  t.same(filled.client.extension, { requestableScopesEnabled: true, accessTokenDuration: 300 }, 'the body\'s extension members kept')
  t.same(violationsOf(fapi2, filled.client), [])
  t.same(secureDefaults(fapi2, web).extension, { requestableScopesEnabled: true, accessTokenDuration: 300 })

  const given = { ...web, pkceRequired: false, tlsClientCertificateBoundAccessTokens: true, extension: { accessTokenDuration: 7200 } }
  t.same(secureDefaults(fapi2, given), { pkceS256Required: true, parRequired: true }, 'given values stay, even wrong ones; mTLS-bound tokens need no DPoP')
  t.same(secureDefaults(effective('fapi2'), {}), { dpopRequired: true }, 'no grant types, client type or redirect URIs are ever filled')
  t.same(secureDefaults(effective('off'), web), {})

  // POST /api/policy/check takes any object as a create body: an extension that is not an object is replaced.
  const limited = effective('baseline', { maxAccessTokenSeconds: 900 })
  for (const extension of [null, 'x']) {
    const nonObject = withSecureDefaults(limited, { ...spa, extension })
    t.same(nonObject.client.extension, { accessTokenDuration: 900 }, `extension ${String(extension)}`)
    t.ok(nonObject.filled.includes('extension.accessTokenDuration'))
  }
})

t.test('judge ...should block new violations, warn of those the client already had, and except those an exception covers', async t => {
  const policy = effective('baseline', { redirectUriHosts: ['*.example.com'] })
  const before = { grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'], pkceRequired: true, pkceS256Required: true, redirectUris: ['http://a.example.com/cb'], clientName: 'old' }

  const unrelated = judge(policy, before, { ...before, clientName: 'new' }, [])
  t.same(unrelated.violations, [], 'an unrelated change passes')
  t.same(unrelated.warnings.map(violation => [violation.rule, violation.value]), [['no-implicit-grant', 'IMPLICIT'], ['redirect-uri-https', 'http://a.example.com/cb']])

  const anotherBadUri = judge(policy, before, { ...before, redirectUris: ['http://a.example.com/cb', 'http://b.example.com/cb'] }, [])
  t.same(anotherBadUri.violations.map(violation => [violation.rule, violation.value]), [['redirect-uri-https', 'http://b.example.com/cb']], 'a new bad element of a list is new, whatever the list had')
  t.equal(anotherBadUri.warnings.length, 2)

  const scalar = judge(policy, before, { ...before, pkceRequired: false }, [])
  t.same(scalar.violations.map(violation => violation.rule), ['pkce-required'])
  const stillScalar = judge(effective('baseline'), { ...before, pkceRequired: false }, { ...before, pkceRequired: null }, [])
  t.same(stillScalar.warnings.map(violation => violation.rule), ['no-implicit-grant', 'pkce-required', 'redirect-uri-https'], 'a scalar violation is the same one whatever its value')

  const fixed = judge(policy, before, { ...before, grantTypes: ['AUTHORIZATION_CODE'], redirectUris: ['https://a.example.com/cb'] }, [])
  t.same(fixed, { violations: [], warnings: [], excepted: [] })

  const excepted = judge(policy, before, { ...before, redirectUris: ['http://a.example.com/cb', 'https://evil.test/cb'] }, ['limit-redirect-uri-hosts', 'redirect-uri-https'])
  t.same(excepted.violations, [])
  t.same(excepted.excepted.map(violation => [violation.rule, violation.value]), [['redirect-uri-https', 'http://a.example.com/cb'], ['limit-redirect-uri-hosts', 'https://evil.test/cb']])
  t.same(excepted.warnings.map(violation => violation.rule), ['no-implicit-grant'])

  const limited = effective('baseline', { grantTypes: ['AUTHORIZATION_CODE'] })
  const otherGrant = judge(limited, { grantTypes: ['CLIENT_CREDENTIALS'] }, { grantTypes: ['CLIENT_CREDENTIALS', 'DEVICE_CODE'] }, [])
  t.same(otherGrant.violations.map(violation => violation.value), ['DEVICE_CODE'], 'another grant type outside the limit is new')
  t.same(otherGrant.warnings.map(violation => violation.value), ['CLIENT_CREDENTIALS'])
  const otherResponse = judge(effective('baseline'), { responseTypes: ['TOKEN'] }, { responseTypes: ['TOKEN', 'ID_TOKEN_TOKEN'] }, [])
  t.same(otherResponse.violations.map(violation => violation.value), ['ID_TOKEN_TOKEN'], 'another token response type is new')
  t.same(otherResponse.warnings.map(violation => violation.value), ['TOKEN'])

  const created = judge(policy, null, before, [])
  t.same(created.violations.map(violation => violation.rule), ['no-implicit-grant', 'redirect-uri-https'], 'on create (before null) everything is new')
  t.same(created.warnings, [])
})
