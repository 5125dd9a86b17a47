import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { mutations, teamHarness, PORTAL, REPORTS } from './support.ts'

const MISSING = '99999999999'

// Every single-client route, with a body it accepts. DELETE /api/clients/:id last: it removes the client.
function routes (id: string): Array<[string, string, unknown?]> {
  return [
    ['GET', `/api/clients/${id}`],
    ['PUT', `/api/clients/${id}`, { clientName: 'Renamed', clientType: 'CONFIDENTIAL' }],
    ['PATCH', `/api/clients/${id}`, { description: 'patched' }],
    ['PUT', `/api/clients/${id}/lock`, { locked: true }],
    ['POST', `/api/clients/${id}/secret/refresh`],
    ['PUT', `/api/clients/${id}/secret`, { clientSecret: 'a-new-secret-value-of-32-characters' }],
    ['PUT', `/api/clients/${id}/authorizations/john`, { scopes: ['openid'] }],
    ['DELETE', `/api/clients/${id}/authorizations/john`],
    ['GET', `/api/clients/${id}/granted-scopes/john`],
    ['DELETE', `/api/clients/${id}/granted-scopes/john`],
    ['PUT', `/api/clients/${id}/registration`, { registrationAccessToken: 'not-the-token', metadata: { client_name: 'x' } }],
    ['DELETE', `/api/clients/${id}`]
  ]
}

for (const version of ['v3', 'v2'] as const) {
  t.test(`every single-client route (${version}) ...should answer another team's client 404, the same problem as a missing client, forward nothing and audit it denied`, async t => {
    const h = await teamHarness(t, version)
    for (const [method, url, body] of routes(REPORTS)) {
      const missing = assertProblem(t, await h.call('acme', method, url.replace(REPORTS, MISSING), body), 404)
      const log = h.mark()
      const response = await h.call('acme', method, url, body)
      const problem = assertProblem(t, response, 404)
      t.same({ ...problem, requestId: '', detail: '' }, { ...missing, requestId: '', detail: '' }, `${method} ${url}: the problem of a missing client`)
      t.equal(problem.detail, missing.detail.replace(MISSING, REPORTS), `${method} ${url}: the same detail`)
      t.same(mutations(log.sent()), [], `${method} ${url}: nothing that changes state is forwarded`)
      t.equal(log.sent().length, 1, `${method} ${url}: one read`)
      const record = (await h.audit()).find(candidate => candidate.requestId === response.headers['x-request-id'])
      t.match(record, { actor: 'acme', clientId: REPORTS, team: 'globex', outcome: 'denied', status: 404 }, `${method} ${url}: audited as denied`)
    }
    t.match((await h.call('root', 'GET', `/api/clients/${REPORTS}`)).json(), { clientName: 'Globex Reporting Service', locked: false }, 'the client is untouched')
  })

  t.test(`every single-client route (${version}) ...should forward a call on the caller's own team's client, reading it once`, async t => {
    const h = await teamHarness(t, version)
    for (const [method, url, body] of routes(PORTAL)) {
      const log = h.mark()
      const response = await h.call('acme', method, url, body)
      t.not(response.statusCode, 404, `${method} ${url}: ${response.body.slice(0, 200)}`)
      t.ok(response.statusCode < 500, `${method} ${url}: answered`)
      const reads = log.sent().filter(request => /\/client\/get\//.test(request.path))
      t.equal(reads.length, 1, `${method} ${url}: the team check's read is the route's read`)
      t.equal(mutations(log.sent()).length, method === 'GET' ? 0 : 1, `${method} ${url}: forwarded`)
    }
    t.equal((await h.call('root', 'GET', `/api/clients/${PORTAL}`)).statusCode, 404, 'the last call deleted it')
  })

  t.test(`PUT /api/clients/:clientIdentifier/lock (${version}) ...should find an alias only among the caller's teams and lock the client that was checked`, async t => {
    const h = await teamHarness(t, version)
    let log = h.mark()
    assertProblem(t, await h.call('globex', 'PUT', '/api/clients/portal/lock', { locked: true }), 404)
    t.same(mutations(log.sent()), [], 'another team\'s alias: nothing forwarded')
    t.ok(log.sent().every(request => request.query.includes('developer=globex')), 'only globex\'s list was searched')

    log = h.mark()
    const locked = await h.call('acme', 'PUT', '/api/clients/portal/lock', { locked: true })
    t.equal(locked.statusCode, 200)
    t.match(mutations(log.sent()).map(request => request.path), [new RegExp(`/client/lock_flag/update/${PORTAL}$`)], 'the alias is pinned to the numeric ID checked')
    t.equal((await h.call('root', 'GET', `/api/clients/${PORTAL}`)).json().locked, true)

    assertProblem(t, await h.call('acme', 'POST', '/api/clients/globex-reports/secret/refresh'), 404)
    log = h.mark()
    t.equal((await h.call('root', 'PUT', '/api/clients/portal/lock', { locked: false })).statusCode, 200, 'a * admin: any alias')
    t.match(mutations(log.sent()).map(request => request.path), [/\/client\/lock_flag\/update\/portal$/])
  })

  t.test(`GET /api/clients/:clientId (${version}) ...should let an API token act only for the teams it carries`, async t => {
    const h = await teamHarness(t, version)
    t.equal((await h.call('both', 'GET', `/api/clients/${PORTAL}`)).statusCode, 200, 'its creator sees acme')
    assertProblem(t, await h.call('token', 'GET', `/api/clients/${PORTAL}`), 404)
    t.equal((await h.call('token', 'GET', `/api/clients/${REPORTS}`)).statusCode, 200)
    const log = h.mark()
    assertProblem(t, await h.call('token', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true }), 404)
    t.same(mutations(log.sent()), [])
    t.equal((await h.call('token', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true })).statusCode, 200)
  })
}

t.test('PUT /api/clients/:clientId ...should count a refused write against the write budget', async t => {
  const h = await teamHarness(t, 'v3', { RATE_LIMIT_WRITE: '2/1m' })
  for (let i = 0; i < 2; i++) assertProblem(t, await h.call('acme', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true }), 404)
  const log = h.mark()
  assertProblem(t, await h.call('acme', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true }), 429)
  t.same(log.sent(), [], 'not even the read')
})
