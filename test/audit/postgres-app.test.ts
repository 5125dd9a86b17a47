import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { verifyChain } from '../../src/audit/chain.ts'

t.test('PUT /api/clients/:clientIdentifier/lock ...should keep one linear chain when two replicas write 200 mutations to PostgreSQL', async t => {
  const postgres = await startPostgres(t)
  const replicas = await Promise.all([0, 1].map(() => buildTestApp(t, { AUDIT_STORE: postgres.url, LOG_LEVEL: 'warn' })))
  const sessions = await Promise.all(replicas.map(({ app }) => login(app, 'editor')))
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => {
    const replica = i % 2
    return replicas[replica]!.app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: i % 3 === 0 }, headers: sessions[replica]!.headers })
  }))
  t.same([...new Set(answers.map(answer => answer.statusCode))], [200])
  const { app } = replicas[0]!
  const page = await app.auditTrail.query({ limit: 500 })
  t.equal(page.records.length, 200)
  t.equal(page.records.filter(record => record.outcome === 'success').length, 200, 'every record is complete')
  t.same(new Set(page.records.map(record => record.requestId)), new Set(answers.map(answer => answer.headers['x-request-id'])))
  t.same(await verifyChain(app.auditTrail.entries()), { ok: true, checked: 400 })
})

t.test('POST /api/clients ...should refuse with 503 and forward nothing while PostgreSQL is down, and recover', async t => {
  const postgres = await startPostgres(t)
  const { app } = await buildTestApp(t, { AUDIT_STORE: postgres.url })
  const editor = await login(app, 'editor')
  await postgres.stop()
  const before = app.sandboxUpstream.requests.length
  const refused = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'While down' }, headers: editor.headers })
  t.equal(refused.statusCode, 503)
  t.equal(refused.json().code, 'BFF_AUDIT_UNAVAILABLE')
  t.notMatch(refused.body, /postgres|127\.0\.0\.1|ECONNREFUSED/, 'no internals in the answer')
  t.equal(app.sandboxUpstream.requests.length, before, 'nothing was forwarded')
  await postgres.start()
  const accepted = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'After' }, headers: editor.headers })
  t.equal(accepted.statusCode, 201)
  const { records } = await app.auditTrail.query({ limit: 10 })
  t.same(records.map(record => record.outcome), ['success'], 'the refused call left no record')
})

t.test('GET /api/audit/verify ...should detect an edited PostgreSQL row', async t => {
  const postgres = await startPostgres(t)
  const { app } = await buildTestApp(t, { AUDIT_STORE: postgres.url })
  const admin = await login(app, 'admin')
  for (const locked of [true, false]) await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked }, headers: admin.headers })
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  t.teardown(() => client.end())
  await client.query('UPDATE audit_entries SET data = replace(data, \'"portal"\', \'"other"\') WHERE seq = 3')
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: false, firstProblem: { seq: 3, problem: /altered/ } })
})
