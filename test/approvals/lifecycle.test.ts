import t from 'tap'
import type { ApiVersion } from '../helpers/app.ts'
import { fakeClock } from '../helpers/clock.ts'
import { approvalHarness } from './support.ts'

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`POST /api/change-requests/:id/reject, DELETE /api/change-requests/:id (API ${api}) ...should end a request with nothing applied, audit each step, and refuse a second decision`, async t => {
    const h = await approvalHarness(t, api, { APPROVALS: 'client.delete,client.lock' })
    const clientId = await h.newClient()
    const mark = h.mark()
    const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`, undefined, { 'x-change-reason': 'CHG-1' })
    const id = asked.json().id as string
    t.equal((await h.as('bob', 'POST', `/api/change-requests/${id}/reject`, { reason: 'bad\nreason' })).json().code, 'BFF_CHANGE_REASON_INVALID', 'a reason is one printable line')
    const rejected = await h.as('bob', 'POST', `/api/change-requests/${id}/reject`, { reason: 'still in use by billing' })
    t.equal(rejected.statusCode, 200, rejected.body)
    t.match(rejected.json(), { status: 'rejected', rejection: { username: 'bob', reason: 'still in use by billing' } })
    t.equal((await h.as('carol', 'POST', `/api/change-requests/${id}/approve`)).json().code, 'BFF_CHANGE_REQUEST_NOT_PENDING')
    t.equal((await h.as('alice', 'DELETE', `/api/change-requests/${id}`)).statusCode, 409, 'a decided request cannot be withdrawn')

    const lock = await h.as('alice', 'PUT', `/api/clients/${clientId}/lock`, { locked: true })
    const lockId = lock.json().id as string
    const notMine = await h.as('bob', 'DELETE', `/api/change-requests/${lockId}`)
    t.equal(notMine.statusCode, 403)
    t.equal(notMine.json().code, 'BFF_NOT_REQUESTER')
    const withdrawn = await h.as('alice', 'DELETE', `/api/change-requests/${lockId}`)
    t.match(withdrawn.json(), { status: 'withdrawn' })
    t.same(mark.writes(), [], 'nothing was written upstream')
    t.equal((await h.as('root', 'GET', `/api/clients/${clientId}`)).json().locked, false)

    t.match(await h.audit(id), [
      { action: 'change-request.reject', actor: 'bob', reason: 'still in use by billing', outcome: 'success' },
      { action: 'change-request.create', actor: 'alice', reason: 'CHG-1', status: 202, clientId }
    ])
    t.match(await h.audit(lockId), [{ action: 'change-request.withdraw', actor: 'alice' }, { action: 'change-request.create' }])
  })
}

t.test('GET /api/change-requests/:id ...should expire a pending request after APPROVAL_TTL_HOURS, audited, and refuse its approval', async t => {
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.delete', APPROVAL_TTL_HOURS: '1' })
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
  const id = asked.json().id as string
  const clock = fakeClock(t)
  clock.advance(3_600_000 - 60_000)
  t.equal((await h.as('bob', 'GET', `/api/change-requests/${id}`)).json().status, 'pending', 'still pending a minute before')
  // An hour cannot be waited for: the clock moves instead.
  clock.advance(120_000)
  const mark = h.mark()
  const late = await h.as('bob', 'POST', `/api/change-requests/${id}/approve`)
  t.equal(late.statusCode, 409)
  t.match(late.json(), { code: 'BFF_CHANGE_REQUEST_NOT_PENDING', detail: /is expired/ })
  t.same(mark.writes(), [])
  // Root's session has idled out on the moved clock: bob, signed in since, reads the trail.
  t.match(await h.audit(id, 'bob'), [{ action: 'change-request.expire', actor: null, route: 'expiry' }, { action: 'change-request.create' }])
  t.equal((await h.as('bob', 'GET', '/api/change-requests?status=expired')).json().total, 1)
})

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`POST /api/change-requests/:id/approve (API ${api}) ...should make a request whose client changed after it a conflict, applying nothing`, async t => {
    const h = await approvalHarness(t, api, { APPROVALS: 'client.update,client.delete' })
    const clientId = await h.newClient()
    const patch = await h.as('alice', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Wanted' })
    const remove = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
    // Someone changes the client meanwhile, with break-glass (the only way past the rule).
    const meanwhile = await h.as('root', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Meanwhile' }, { 'x-break-glass': 'incident 42' })
    t.equal(meanwhile.statusCode, 200, meanwhile.body)
    const mark = h.mark()
    for (const asked of [patch, remove]) {
      const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
      t.match(approved.json(), { status: 'conflict', result: { status: 412, problem: { code: 'BFF_PRECONDITION_FAILED' } } }, approved.body)
    }
    t.same(mark.writes(), [], 'nothing applied')
    t.equal((await h.as('root', 'GET', `/api/clients/${clientId}`)).json().clientName, 'Meanwhile')
    t.match(await h.audit(patch.json().id), [{ action: 'client.patch', actor: 'alice', via: 'approval', credential: `change-request:${patch.json().id}`, status: 412, outcome: 'failure' }, { action: 'change-request.approve', actor: 'bob' }, { action: 'change-request.create' }])
  })
}

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`GET /api/change-requests/:id/secret (API ${api}) ...should show an approved secret change's new secret once, to the requester only, and nowhere else`, async t => {
    const h = await approvalHarness(t, api, { APPROVALS: 'client.secret.refresh,client.secret.update' })
    const clientId = await h.newClient()
    const asked = await h.as('alice', 'POST', `/api/clients/${clientId}/secret/refresh`)
    const id = asked.json().id as string
    t.equal((await h.as('alice', 'GET', `/api/change-requests/${id}/secret`)).json().code, 'BFF_SECRET_GONE', 'nothing to show before it is applied')
    const approved = await h.as('bob', 'POST', `/api/change-requests/${id}/approve`)
    t.match(approved.json(), { status: 'approved-applied', secretWaiting: true })
    t.equal((await h.as('bob', 'GET', `/api/change-requests/${id}/secret`)).json().code, 'BFF_NOT_REQUESTER', 'the approver never sees it')
    const shown = await h.as('alice', 'GET', `/api/change-requests/${id}/secret`)
    t.equal(shown.statusCode, 200)
    t.equal(shown.headers['cache-control'], 'no-store')
    const secret = shown.json().newClientSecret as string
    t.ok(secret.length >= 32)
    t.equal((await h.as('root', 'GET', `/api/clients/${clientId}`)).json().clientSecret, secret, 'it is the client\'s secret now')
    t.equal((await h.as('alice', 'GET', `/api/change-requests/${id}/secret`)).json().code, 'BFF_SECRET_GONE', 'shown once, then gone')

    const given = 'G'.repeat(44)
    const update = await h.as('alice', 'PUT', `/api/clients/${clientId}/secret`, { clientSecret: given })
    await h.as('bob', 'POST', `/api/change-requests/${update.json().id}/approve`)
    const everywhere = [
      approved.body,
      (await h.as('alice', 'GET', '/api/change-requests')).body,
      (await h.as('root', 'GET', '/api/audit?limit=500')).body,
      h.logs.join('\n')
    ].join('\n')
    t.notOk(everywhere.includes(secret), 'the refreshed secret is in no answer but the one, nor the audit trail or the logs')
    t.notOk(everywhere.includes(given), 'nor the secret given')
    const { DatabaseSync } = await import('node:sqlite')
    const db = new DatabaseSync(h.config.AUDIT_STORE.slice('sqlite:'.length))
    t.teardown(() => db.close())
    const stored = (db.prepare('SELECT data FROM change_requests').all() as Array<{ data: string }>).map(row => row.data).join('\n')
    t.notOk(stored.includes(given) || stored.includes(secret), 'the database holds both sealed only')
  })
}

t.test('POST /api/change-requests/:id/approve ...should make a request failed, with the problem, when its apply is refused upstream (the client is gone)', async t => {
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.lock' })
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'PUT', `/api/clients/${clientId}/lock`, { locked: true })
  t.equal((await h.as('root', 'DELETE', `/api/clients/${clientId}`)).statusCode, 204)
  const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  t.match(approved.json(), { status: 'failed', result: { status: 404, problem: { status: 404, code: String } } }, approved.body)
  t.match(await h.audit(asked.json().id), [{ action: 'client.lock', via: 'approval', status: 404, outcome: 'failure' }, { action: 'change-request.approve' }, { action: 'change-request.create' }])
})

t.test('POST /api/change-requests/:id/approve ...should apply whatever is left of the requester\'s write budget: the approval is the write that counts, paid by the approver', async t => {
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.delete', RATE_LIMIT_WRITE: '2/1m' })
  const clientId = await h.newClient()
  const other = await h.newClient()
  const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
  t.equal(asked.statusCode, 202, asked.body)
  t.equal((await h.as('alice', 'PUT', `/api/clients/${other}/lock`, { locked: true })).statusCode, 200, 'the requester\'s second write')
  t.equal((await h.as('alice', 'PUT', `/api/clients/${other}/lock`, { locked: false })).statusCode, 429, 'the requester\'s budget is spent')
  const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  t.match(approved.json(), { status: 'approved-applied', result: { status: 204 } }, approved.body)
  t.equal(approved.headers['ratelimit-remaining'], '1', 'the approval spent one of the approver\'s writes')
  t.equal((await h.as('root', 'GET', `/api/clients/${clientId}`)).statusCode, 404, 'the client is deleted')
  const records = await h.audit(asked.json().id)
  t.match(records, [{ action: 'client.delete', via: 'approval', actor: 'alice', status: 204, outcome: 'success' }, { action: 'change-request.approve', actor: 'bob' }, { action: 'change-request.create' }])
  t.notOk('breakGlass' in records[0]!, 'an approved change is not a break-glass write')
  t.equal((await h.as('bob', 'PUT', `/api/clients/${other}/lock`, { locked: false })).headers['ratelimit-remaining'], '0', 'the apply spent none of the approver\'s budget')
  t.equal((await h.as('alice', 'PUT', `/api/clients/${other}/lock`, { locked: false })).statusCode, 429, 'nor did it give the requester any back')
})
