import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { assertProblem } from '../clients/support.ts'
import { newKey, writesOf } from './support.ts'

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should answer 503 and forward nothing while the store of keys is down, and work again once it is back', async t => {
  const postgres = await startPostgres(t)
  const { app } = await buildTestApp(t, { AUDIT_STORE: postgres.url })
  const editor = await login(app, 'editor')
  const key = newKey()
  const lock = () => app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: { ...editor.headers, 'idempotency-key': key }, payload: { locked: true } })
  await postgres.stop()
  const before = app.sandboxUpstream.requests.length
  const refused = await lock()
  const problem = assertProblem(t, refused, 503)
  t.equal(problem.code, 'BFF_IDEMPOTENCY_STORE_UNAVAILABLE')
  t.equal(refused.headers['retry-after'], '2')
  t.notMatch(refused.body, /postgres|127\.0\.0\.1|ECONNREFUSED|idempotency_keys/, 'no internals in the answer')
  t.equal(app.sandboxUpstream.requests.length, before, 'nothing was forwarded')
  await postgres.start()
  const first = await lock()
  t.equal(first.statusCode, 200)
  t.equal((await lock()).headers['idempotent-replayed'], 'true')
  t.equal(writesOf(app.sandboxUpstream.requests.slice(before)), 1, 'locked once')
})
