import t from 'tap'
import { teamHarness, MOBILE, PORTAL } from '../teams/support.ts'
import { policyFile } from './http-support.ts'

const body = { clientName: 'Team app', grantTypes: ['CLIENT_CREDENTIALS'], redirectUris: ['https://app.globex.example/cb'] }

for (const version of ['v3', 'v2'] as const) {
  t.test(`POST /api/clients ...should apply a team's rules to that team's clients only (API ${version})`, async t => {
    const h = await teamHarness(t, version, { POLICY_FILE: await policyFile({ profile: 'baseline', teams: { acme: { profile: 'oauth2.1', rules: { redirectUriHosts: ['*.acme.example'] } } } }) })
    const log = h.mark()
    const acme = await h.call('acme', 'POST', '/api/clients', body)
    t.equal(acme.statusCode, 422)
    t.match(acme.json().violations, [{ rule: 'limit-redirect-uri-hosts', value: 'https://app.globex.example/cb' }])
    t.same(log.sent(), [], 'nothing forwarded')
    t.equal((await h.call('globex', 'POST', '/api/clients', body)).statusCode, 201, 'another team is not bound by it')
    t.equal((await h.call('acme', 'POST', '/api/clients', { ...body, redirectUris: ['https://app.acme.example/cb'] })).statusCode, 201)

    const policy = (await h.call('acme', 'GET', '/api/policy')).json()
    t.same(Object.keys(policy.teams), ['acme'], 'the caller\'s teams')
    t.match(policy.teams.acme, { profile: 'oauth2.1', limits: { redirectUriHosts: ['*.acme.example'] } })
    t.equal((await h.call('globex', 'GET', `/api/clients/${PORTAL}/compliance`)).statusCode, 404, 'another team\'s client is not found')
    t.match((await h.call('acme', 'GET', `/api/clients/${MOBILE}/compliance`)).json(), { team: 'acme', profile: 'oauth2.1' })
    t.equal((await h.call('globex', 'POST', '/api/policy/check', { clientId: PORTAL, client: {} })).statusCode, 404, 'nor checked')
    t.equal((await h.call('globex', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'pkce-required', reason: 'x', expiresAt: new Date(Date.now() + 60_000).toISOString() })).statusCode, 404, 'nor excepted')
  })
}
