import t from 'tap'
import { harness, PORTAL, REPORTS } from '../clients/support.ts'
import { MERGE_PATCH, recordOf, rulesOf } from './http-support.ts'

for (const version of ['v3', 'v2'] as const) {
  t.test(`PATCH /api/clients/:clientId ...should let an unrelated change of a non-compliant client pass with warnings and refuse a new violation (API ${version})`, async t => {
    const h = await harness(t, { AUTHLETE_API_VERSION: version })
    // The seeded portal uses AUTHORIZATION_CODE without PKCE.
    const unrelated = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"clientName":"Portal 2"}', MERGE_PATCH)
    t.equal(unrelated.statusCode, 200, unrelated.body)
    t.equal(unrelated.headers['x-policy-warnings'], '2')
    t.match((await recordOf(h.app, unrelated)).policy, { warnings: ['pkce-required', 'pkce-s256'] })
    const log = h.mark()
    const worse = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"grantTypes":["AUTHORIZATION_CODE","PASSWORD"]}', MERGE_PATCH)
    t.equal(worse.statusCode, 422)
    t.same(rulesOf(worse.json().violations), ['no-password-grant'])
    t.same(rulesOf(worse.json().warnings), ['pkce-required', 'pkce-s256'])
    t.same(log.sent().filter(request => request.method !== 'GET'), [], 'no write forwarded')
    t.equal(log.sent().length, 1, 'the one read')
    const fixed = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"pkceRequired":true,"pkceS256Required":true}', MERGE_PATCH)
    t.equal(fixed.statusCode, 200)
    t.notOk('x-policy-warnings' in fixed.headers, 'compliant now')
    const regress = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"pkceRequired":false}', MERGE_PATCH)
    t.equal(regress.statusCode, 422, 'once fixed, undoing the fix is a new violation')
  })

  t.test(`PUT /api/clients/:clientId ...should weigh an admin's replacement against the client it replaces (API ${version})`, async t => {
    const h = await harness(t, { AUTHLETE_API_VERSION: version })
    const log = h.mark()
    t.equal((await h.call('admin', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'Reports', grantTypes: ['CLIENT_CREDENTIALS'] })).statusCode, 200, 'compliant')
    t.equal(log.sent().length, 1, 'a compliant replacement reads nothing')
    const portal = await h.call('admin', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal', grantTypes: ['AUTHORIZATION_CODE'], redirectUris: ['https://portal.acme.example/callback'] })
    t.equal(portal.statusCode, 200, 'the portal had no PKCE before: a warning')
    t.equal(portal.headers['x-policy-warnings'], '2')
    t.equal((await h.call('admin', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'Reports', grantTypes: ['PASSWORD'] })).statusCode, 422)
  })
}
