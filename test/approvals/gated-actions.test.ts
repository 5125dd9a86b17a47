import t from 'tap'
import type { ApiVersion } from '../helpers/app.ts'
import { approvalHarness, policyFile } from './support.ts'

const EVERY_ACTION = [
  { action: 'client.delete' },
  { action: 'client.secret.refresh' },
  { action: 'client.secret.update' },
  { action: 'client.lock' },
  { action: 'client.update', properties: ['redirectUris'] }
]

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`DELETE PUT PATCH POST /api/clients/:clientId... (API ${api}) ...should answer each gated write 202 with a change request, forward nothing until another admin approves, then apply it`, async t => {
    const h = await approvalHarness(t, api, { POLICY_FILE: await policyFile(EVERY_ACTION) })
    const clientId = await h.newClient()
    const secret = 'S'.repeat(40)
    const writes = [
      { method: 'PUT', url: `/api/clients/${clientId}/lock`, body: { locked: true }, action: 'client.lock', upstream: /lock_flag/, diff: [{ property: 'locked', before: false, after: true }] },
      { method: 'PATCH', url: `/api/clients/${clientId}`, body: { redirectUris: ['https://new.example/cb'] }, action: 'client.patch', upstream: /client\/update/, diff: [{ property: 'redirectUris', added: ['https://new.example/cb'], removed: ['https://guarded.example/cb'] }] },
      { method: 'PUT', url: `/api/clients/${clientId}`, body: { clientName: 'Guarded', redirectUris: ['https://put.example/cb'] }, action: 'client.update', upstream: /client\/update/, diff: [{ property: 'redirectUris' }] },
      { method: 'POST', url: `/api/clients/${clientId}/secret/refresh`, action: 'client.secret.refresh', upstream: /secret\/refresh/, diff: [{ property: 'clientSecret' }] },
      { method: 'PUT', url: `/api/clients/${clientId}/secret`, body: { clientSecret: secret }, action: 'client.secret.update', upstream: /secret\/update/, diff: [{ property: 'clientSecret' }] },
      { method: 'DELETE', url: `/api/clients/${clientId}`, action: 'client.delete', upstream: /client\/delete/, diff: [{ property: 'client', before: { clientId, clientName: 'Guarded' }, after: null }] }
    ]
    for (const write of writes) {
      const mark = h.mark()
      const asked = await h.as('alice', write.method, write.url, write.body, { 'x-change-reason': `ticket for ${write.action}` })
      t.equal(asked.statusCode, 202, `${write.method} ${write.url}: ${asked.body}`)
      const id = asked.json().id as string
      t.equal(asked.headers.location, `/api/change-requests/${id}`)
      t.match(asked.json(), { status: 'pending', action: write.action, clientId, team: null, requestedBy: { source: 'local', username: 'alice' }, reason: `ticket for ${write.action}` })
      // PUT replaces the whole client: its diff also names what it clears; the change asked for is among them.
      for (const change of write.diff) t.match(asked.json().diff.find((entry: { property: string }) => entry.property === change.property), change, `${write.action}: the diff says ${change.property} changes`)
      t.ok(Date.parse(asked.json().expiresAt) - Date.parse(asked.json().createdAt) === 72 * 3_600_000, 'expires after APPROVAL_TTL_HOURS (72)')
      t.same(mark.writes(), [], `${write.action}: nothing written upstream while pending`)
      t.notOk(asked.body.includes(secret), 'the secret given is not in the change request')
      const approved = await h.as('bob', 'POST', `/api/change-requests/${id}/approve`)
      t.equal(approved.statusCode, 200, approved.body)
      t.match(approved.json(), { status: 'approved-applied', approvals: [{ username: 'bob' }], result: { status: write.method === 'DELETE' ? 204 : 200 } })
      t.equal(mark.writes().filter(path => write.upstream.test(path)).length, 1, `${write.action}: applied once upstream`)
    }
    const gone = await h.as('root', 'GET', `/api/clients/${clientId}`)
    t.equal(gone.statusCode, 404, 'the approved delete deleted the client')
  })
}

t.test('PATCH /api/clients/:clientId ...should pass a change of properties no rule lists straight through, and gate one that touches a listed property', async t => {
  const h = await approvalHarness(t, 'v3', { POLICY_FILE: await policyFile([{ action: 'client.update', properties: ['redirectUris', 'grantTypes'] }]) })
  const clientId = await h.newClient()
  const renamed = await h.as('alice', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Renamed' })
  t.equal(renamed.statusCode, 200, 'a property no rule lists is written at once')
  const gated = await h.as('alice', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Again', grantTypes: ['CLIENT_CREDENTIALS'] })
  t.equal(gated.statusCode, 202)
  t.match(gated.json().diff, [{ property: 'clientName' }, { property: 'grantTypes' }])
  const lock = await h.as('alice', 'PUT', `/api/clients/${clientId}/lock`, { locked: true })
  t.equal(lock.statusCode, 200, 'an action no rule names is written at once')
})

t.test('DELETE /api/clients/:clientId (APPROVALS) ...should gate the variable\'s actions and refuse a bad X-Change-Reason naming what is accepted', async t => {
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.delete, client.secret.refresh' })
  const clientId = await h.newClient()
  const mark = h.mark()
  const bad = await h.as('alice', 'DELETE', `/api/clients/${clientId}`, undefined, { 'x-change-reason': 'x'.repeat(501) })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'BFF_CHANGE_REASON_INVALID')
  t.match(bad.json().detail, /X-Change-Reason is longer than 500.*1 to 500 printable/)
  t.same(mark.writes(), [])
  t.equal((await h.as('alice', 'DELETE', `/api/clients/${clientId}`)).statusCode, 202)
  t.equal((await h.as('alice', 'POST', `/api/clients/${clientId}/secret/refresh`)).statusCode, 202)
  t.equal((await h.as('alice', 'PUT', `/api/clients/${clientId}/lock`, { locked: true })).statusCode, 200)
  const listed = await h.as('bob', 'GET', '/api/change-requests?status=pending')
  t.match(listed.json(), { total: 2, offset: 0, limit: 20, changeRequests: [{ action: 'client.secret.refresh' }, { action: 'client.delete' }] })
  t.equal((await h.as('bob', 'GET', '/api/change-requests?status=pending&limit=1&offset=1')).json().changeRequests[0].action, 'client.delete', 'paged')
})
