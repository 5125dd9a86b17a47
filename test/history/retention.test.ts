import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'

t.test('HISTORY_RETENTION_DAYS ...should prune old versions but never the latest of a client that exists, and verify still passes', async t => {
  const { app, config } = await buildTestApp(t)
  t.equal(config.HISTORY_RETENTION_DAYS, 400, 'the default')
  const admin = await login(app, 'admin')
  const kept = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Kept 1' }, headers: admin.headers })).json().clientId)
  for (const clientName of ['Kept 2', 'Kept 3']) await app.inject({ method: 'PATCH', url: `/api/clients/${kept}`, payload: { clientName }, headers: admin.headers })
  const gone = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Gone' }, headers: admin.headers })).json().clientId)
  await app.inject({ method: 'DELETE', url: `/api/clients/${gone}`, headers: admin.headers })

  t.equal(await app.auditTrail.history.prune(new Date(Date.now() - 86_400_000).toISOString()), 0, 'nothing is older than a day')
  // A cutoff past every version: all of them are "old".
  const removed = await app.auditTrail.history.prune(new Date(Date.now() + 60_000).toISOString())
  t.equal(removed, 4, 'versions 1 and 2 of the kept client, both of the deleted one')
  const { versions } = (await app.inject({ url: `/api/clients/${kept}/history`, headers: admin.headers })).json()
  t.match(versions, [{ version: 3, client: undefined }])
  t.equal(versions.length, 1, 'the latest version of a client that exists stays')
  t.same((await app.inject({ url: '/api/history/deleted', headers: admin.headers })).json().clients, [])
  const records = (await app.inject({ url: '/api/audit?action=history.prune', headers: admin.headers })).json().records
  t.equal(records.length, 1, 'the pruning is itself in the audit trail')
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: true, versions: 1 }, 'pruned versions are not "missing"')
})
