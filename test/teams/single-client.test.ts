import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { mutations, teamHarness, PORTAL, REPORTS } from './support.ts'

const MISSING = '99999999999'
// What a prober sends to PUT: a client as GET answers it, with a guessed secret (compared for admins).
const PROBING_PUT = { clientName: 'Renamed', clientType: 'CONFIDENTIAL', number: 1, clientSecret: 'guessed-secret' }

// Every single-client route, with a body it accepts. DELETE /api/clients/:id last: it removes the client.
function routes (id: string, put: unknown = { clientName: 'Renamed', clientType: 'CONFIDENTIAL' }): Array<[string, string, unknown?]> {
  return [
    ['GET', `/api/clients/${id}`],
    ['PUT', `/api/clients/${id}`, put],
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

// Another team's client and a missing one, each as a pair of identifiers: numeric IDs on every route,
// and aliases where a route takes one. `recorded`: the record as a * admin sees it (an alias is
// looked for among the caller's teams only, so another team's is not found at all).
function probes (): Array<{ method: string, url: string, body?: unknown, foreign: string, missing: string, recorded: Record<string, unknown> }> {
  const denied = { clientId: REPORTS, team: 'globex', outcome: 'denied' }
  const unknownAlias = { clientId: 'globex-reports', outcome: 'failure' }
  return [
    ...routes(REPORTS, PROBING_PUT).map(([method, url, body]) => ({ method, url, body, foreign: REPORTS, missing: MISSING, recorded: denied })),
    { method: 'PUT', url: '/api/clients/globex-reports/lock', body: { locked: true }, foreign: 'globex-reports', missing: 'no-such-alias', recorded: unknownAlias },
    { method: 'POST', url: '/api/clients/globex-reports/secret/refresh', foreign: 'globex-reports', missing: 'no-such-alias', recorded: unknownAlias }
  ]
}

// A record without what differs between any two calls (its ids, times, duration) and with the client named by `id` as CLIENT.
function comparable (record: Record<string, any> | undefined, id: string): Record<string, any> {
  const { id: _id, requestId: _requestId, time: _time, completedAt: _completedAt, durationMs: _durationMs, ...rest } = record ?? {}
  return { ...rest, clientId: rest.clientId === id ? 'CLIENT' : rest.clientId }
}

for (const version of ['v3', 'v2'] as const) {
  t.test(`every single-client route (${version}) ...should answer another team's client byte for byte as a missing one, before any other check, forward nothing and audit it once`, async t => {
    const h = await teamHarness(t, version)
    for (const { method, url, body, foreign, missing, recorded } of probes()) {
      const name = `${method} ${url}`
      let log = h.mark()
      const missingAnswer = await h.call('acme', method, url.replace(foreign, missing), body)
      const missingSent = log.sent().map(request => request.path.replace(missing, foreign))
      const missingProblem = assertProblem(t, missingAnswer, 404)
      log = h.mark()
      const answer = await h.call('acme', method, url, body)
      const problem = assertProblem(t, answer, 404)
      t.equal(problem.code, 'BFF_CLIENT_NOT_FOUND', `${name}: the proxy's own code`)
      t.equal(answer.body, missingAnswer.body.replaceAll(missing, foreign).replace(missingProblem.requestId, problem.requestId), `${name}: byte for byte the problem of a missing client`)
      t.same(mutations(log.sent()), [], `${name}: nothing that changes state is forwarded`)
      t.same(log.sent().map(request => request.path), missingSent, `${name}: the same upstream reads as for a missing client`)

      const record = await h.recordOf(answer)
      const missingRecord = await h.recordOf(missingAnswer)
      t.match(record, { actor: 'acme', status: 404, ...recorded }, `${name}: as a * admin sees it`)
      t.match(missingRecord, { actor: 'acme', clientId: missing, outcome: 'failure', status: 404 }, `${name}: and the missing client's as a failure`)
      const entries = (await Array.fromAsync(h.app.auditTrail.entries())).filter(entry => entry.requestId === problem.requestId)
      t.same(entries.map(entry => entry.kind), ['intent', 'outcome'], `${name}: one intent and one outcome`)

      const seen = await h.auditAs('acme')
      const [mine, probe] = [answer, missingAnswer].map(response => seen.find(candidate => candidate.requestId === response.headers['x-request-id']))
      t.strictSame(comparable(mine, foreign), comparable(probe, missing), `${name}: acme's admin sees the same record for both`)
    }
    t.match((await h.call('root', 'GET', `/api/clients/${REPORTS}`)).json(), { clientName: 'Globex Reporting Service', locked: false }, 'the client is untouched')
  })

  t.test(`every single-client route (${version}) ...should forward a call on the caller's own team's client, reading it once`, async t => {
    // About reads and forwarding: the PUT leaves a client without grant types, which the RFC 7592 update
    // then resets to a code grant without PKCE, a violation the policy refuses (test/policy).
    const h = await teamHarness(t, version, { POLICY_PROFILE: 'off' })
    for (const [method, url, body] of routes(PORTAL)) {
      const log = h.mark()
      const response = await h.call('acme', method, url, body)
      t.not(response.statusCode, 404, `${method} ${url}: ${response.body.slice(0, 200)}`)
      t.ok(response.statusCode < 500, `${method} ${url}: answered`)
      // Before the write: the history reads the client again after a lock, secret or RFC 7592 write (its version).
      const sent = log.sent()
      const write = sent.findIndex(request => !/\/client\/get\//.test(request.path))
      const reads = (write === -1 ? sent : sent.slice(0, write)).filter(request => /\/client\/get\//.test(request.path))
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
    t.match(mutations(log.sent()).map(request => request.path), [new RegExp(`/client/lock_flag/update/${PORTAL}$`)], 'pinned too')
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
