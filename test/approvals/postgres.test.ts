import t from 'tap'
import { startPostgres } from '../helpers/postgres.ts'
import { approvalHarness, policyFile } from './support.ts'

t.test('POST /api/change-requests/:id/approve (PostgreSQL, two replicas) ...should apply a change once when its last approvals race on two replicas', async t => {
  const postgres = await startPostgres(t)
  const shared = { AUDIT_STORE: postgres.url, LOG_LEVEL: 'warn', SESSION_SECRET: 'one-session-secret-for-both-replicas-0123456789', POLICY_FILE: await policyFile([{ action: 'client.delete', quorum: 2 }, { action: 'client.lock' }]) }
  const first = await approvalHarness(t, 'v3', shared)
  // The second replica forwards to the first one's emulator: one Authlete, two proxies, one database.
  const { url, credentials } = first.app.sandboxUpstream
  const second = await approvalHarness(t, 'v3', { ...shared, AUTHLETE_BASE_URL: url, AUTHLETE_SERVICE_ID: credentials.serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: credentials.accessToken })
  const mark = first.mark()
  const rounds = 4
  for (let round = 0; round < rounds; round++) {
    const clientId = await first.newClient()
    const asked = await first.as('alice', 'DELETE', `/api/clients/${clientId}`)
    t.equal((await second.as('bob', 'GET', `/api/change-requests/${asked.json().id}`)).json().status, 'pending', 'the other replica sees the request')
    const approve = `/api/change-requests/${asked.json().id}/approve`
    const answers = await Promise.all([first.as('bob', 'POST', approve), second.as('carol', 'POST', approve)])
    t.same(answers.map(answer => answer.statusCode), [200, 200])
    t.same(answers.map(answer => answer.json().status).sort(), ['approved-applied', 'pending'], 'both counted; the later one applied')

    const lockId = await first.newClient()
    const lock = await second.as('alice', 'PUT', `/api/clients/${lockId}/lock`, { locked: true })
    const lockApprove = `/api/change-requests/${lock.json().id}/approve`
    const racing = await Promise.all([first.as('bob', 'POST', lockApprove), second.as('carol', 'POST', lockApprove)])
    t.same(racing.map(answer => answer.statusCode).sort(), [200, 409], 'quorum 1: one approval applies, the other finds it decided')
  }
  const deletes = mark.writes().filter(path => path.includes('client/delete'))
  const locks = mark.writes().filter(path => path.includes('lock_flag'))
  t.equal(deletes.length, rounds, 'each delete applied once')
  t.equal(locks.length, rounds, 'each lock applied once')
  const listed = (await second.as('bob', 'GET', '/api/change-requests?status=approved-applied&limit=3&offset=1')).json()
  t.match(listed, { total: rounds * 2, offset: 1, limit: 3 })
  t.equal(listed.changeRequests.length, 3, 'paged in PostgreSQL too')
  t.equal((await first.as('bob', 'GET', '/api/change-requests?status=pending')).json().total, 0)
})
