import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { PORTAL, REPORTS, teamHarness } from './support.ts'
import { checkDuration, timed } from '../audit/trail.ts'

t.test('GET /api/audit ...should show an admin of some teams only those teams\' records and their own actions', async t => {
  const h = await teamHarness(t)
  t.equal((await h.call('acme', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true })).statusCode, 200)
  t.equal((await h.call('globex', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true })).statusCode, 200)
  assertProblem(t, await h.call('globex', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: false }), 404)
  t.equal((await h.call('both', 'POST', '/auth/tokens', { name: 'y', roles: ['viewer'], expiresInDays: 1 })).statusCode, 201)

  const seen = async (query = '') => {
    const response = await h.call('acme', 'GET', `/api/audit?limit=500${query}`)
    t.equal(response.statusCode, 200)
    return response.json().records.map((record: Record<string, unknown>) => `${String(record.actor)} ${String(record.action)} ${String(record.team)} ${String(record.outcome)}`)
  }
  t.same(await seen(), [
    'globex client.unlock acme denied',
    'acme client.lock acme success'
  ], 'acme\'s admin: acme\'s records, including globex\'s denied attempt on an acme client, and nothing of globex\'s')
  t.same(await seen('&team=acme&outcome=denied'), ['globex client.unlock acme denied'], 'the team filter: the refused unlock is recorded as one')
  t.match(assertProblem(t, await h.call('acme', 'GET', '/api/audit?team=globex'), 403).detail, /globex/)

  const everything = await h.audit()
  t.ok(everything.some(record => record.team === 'globex' && record.actor === 'globex'), 'a * admin sees every team')
  t.ok(everything.some(record => record.action === 'auth.token.create'), 'and records of no team')
  t.same((await h.audit('&team=globex')).map(record => record.actor), ['globex'], '* admin, team filter')
})

t.test('GET /api/audit/verify ...should stay for * admins in teams mode', async t => {
  const h = await teamHarness(t)
  t.equal((await h.call('acme', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true })).statusCode, 200)
  assertProblem(t, await h.call('acme', 'GET', '/api/audit/verify'), 403)
  const verified = await h.call('root', 'GET', '/api/audit/verify')
  t.equal(verified.statusCode, 200)
  t.match(verified.json(), { ok: true }, 'the team column is checked with the rest of the chain')
})

t.test('GET /api/clients/:clientId ...should store another team\'s client read, once answered, as an intent with the team and a denied outcome with its duration', async t => {
  const h = await teamHarness(t)
  const { answer: refused, wallMs } = await timed(() => h.call('acme', 'GET', `/api/clients/${REPORTS}`))
  assertProblem(t, refused, 404)
  await h.recordOf(refused)
  const mine = (await Array.fromAsync(h.app.auditTrail.entries())).filter(entry => entry.requestId === refused.headers['x-request-id'])
  t.match(mine, [
    { kind: 'intent', data: { actor: 'acme', action: 'client.read', route: 'GET /api/clients/:clientId', clientId: REPORTS, team: 'globex' } },
    { kind: 'outcome', data: { status: 404, outcome: 'denied', resultCode: null } }
  ])
  const durationMs = (mine[1]?.data as { durationMs: number }).durationMs
  checkDuration(t, durationMs, wallMs)
})
