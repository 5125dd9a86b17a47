import { execFileSync } from 'node:child_process'
import { DatabaseSync } from 'node:sqlite'
import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { allRecords, verify } from './trail.ts'

const PORTAL = '26478243745571'
const sqliteFile = (store: string) => store.slice('sqlite:'.length)

t.test('PUT /api/clients/:clientIdentifier/secret ...should record who, what, target and outcome, and no secret value', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const response = await app.inject({
    method: 'PUT', url: '/api/clients/portal/secret', payload: { clientSecret: 'never-in-the-trail-42-of-32-characters' }, headers: { ...admin.headers, 'user-agent': 'audit-test/1' }
  })
  t.equal(response.statusCode, 200)
  const [record] = await allRecords(app)
  t.match(record, {
    requestId: response.headers['x-request-id'],
    actor: 'admin',
    roles: ['admin'],
    action: 'client.secret.update',
    route: 'PUT /api/clients/:clientIdentifier/secret',
    clientId: 'portal',
    clientIp: '127.0.0.1',
    userAgent: 'audit-test/1',
    changedProperties: ['clientSecret'],
    outcome: 'success',
    status: 200,
    resultCode: response.json().resultCode
  })
  const everything = JSON.stringify([...await allRecords(app)]) + (await Array.fromAsync(app.auditTrail.entries())).map(entry => JSON.stringify(entry)).join()
  t.notMatch(everything, 'never-in-the-trail-42-of-32-characters')
  t.notMatch(everything, response.json().newClientSecret)
  t.notMatch(everything, response.json().oldClientSecret)
})

t.test('PATCH /api/clients/:clientId ...should record the names of the changed properties only', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  await app.inject({ method: 'PATCH', url: `/api/clients/${PORTAL}`, payload: { clientName: 'Renamed portal', description: null }, headers: editor.headers })
  const [record] = await allRecords(app)
  t.same(record?.changedProperties, ['clientName', 'description'])
  t.notMatch(JSON.stringify(record), 'Renamed portal')
})

t.test('PUT /api/clients/:clientId/registration ...should record metadata names, not the registration access token', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const token = app.sandboxUpstream.seed.registrationAccessToken
  await app.inject({ method: 'PUT', url: `/api/clients/${app.sandboxUpstream.seed.dynamicClientId}/registration`, payload: { registrationAccessToken: token, metadata: { client_name: 'n' } }, headers: editor.headers })
  const [record] = await allRecords(app)
  t.same(record?.changedProperties, ['metadata.client_name'])
  t.notMatch(JSON.stringify(await Array.fromAsync(app.auditTrail.entries())), token)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should refuse with 503 and forward nothing when the SQLite file cannot be written', async t => {
  const { app, config, logs } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, headers: admin.headers })).statusCode, 200)
  // Tests run as root, which ignores file modes; the immutable flag makes the files unwritable even for root.
  const files = [sqliteFile(config.AUDIT_STORE), `${sqliteFile(config.AUDIT_STORE)}-wal`]
  execFileSync('chattr', ['+i', ...files])
  t.teardown(() => execFileSync('chattr', ['-i', ...files]))
  const before = app.sandboxUpstream.requests.length
  const refused = await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: false }, headers: admin.headers })
  t.equal(refused.statusCode, 503)
  t.equal(refused.json().code, 'BFF_AUDIT_UNAVAILABLE')
  t.equal(app.sandboxUpstream.requests.length, before, 'nothing was forwarded')
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_audit_write_failures_total\{kind="intent"\} 1$/m, 'counted as an intent not written')
  const errorsLogged = logs.map(line => JSON.parse(line)).filter(line => line.level === 50)
  t.match(errorsLogged, [
    { msg: 'audit trail: intent not recorded, mutation refused', err: { message: 'disk I/O error' } },
    { msg: 'request failed', err: { code: 'BFF_AUDIT_UNAVAILABLE', message: /: disk I\/O error$/ } }
  ], 'an error is logged with the store\'s reason, and the refusal with it as its cause')
  execFileSync('chattr', ['-i', ...files])
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: false }, headers: admin.headers })).statusCode, 200, 'recovers once writable')
  t.same((await allRecords(app)).map(record => record.outcome), ['success', 'success'], 'the refused call left no record')
})

t.test('POST /api/clients ...should refuse with 503 and forward nothing while another process holds the SQLite write lock', async t => {
  const { app, config } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const other = new DatabaseSync(sqliteFile(config.AUDIT_STORE))
  other.exec('BEGIN EXCLUSIVE')
  t.teardown(() => { if (other.isOpen) other.close() })
  const before = app.sandboxUpstream.requests.length
  const refused = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Locked out' }, headers: editor.headers })
  t.equal(refused.statusCode, 503)
  t.equal(app.sandboxUpstream.requests.length, before, 'nothing was forwarded')
  other.exec('ROLLBACK')
  other.close()
  t.equal((await allRecords(app)).length, 0)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should leave 200 complete records and an intact chain after 200 concurrent mutations', async t => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'warn' })
  const editor = await login(app, 'editor')
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: i % 2 === 0 }, headers: editor.headers })))
  t.same([...new Set(answers.map(answer => answer.statusCode))], [200])
  const records = await allRecords(app)
  t.equal(records.length, 200)
  t.equal(records.filter(record => record.outcome === 'success' && record.status === 200).length, 200)
  t.same(new Set(records.map(record => record.requestId)), new Set(answers.map(answer => answer.headers['x-request-id'])))
  t.match(await verify(app), { ok: true, checked: 400 })
})

t.test('GET /api/audit/verify ...should name the first edited or deleted entry', async t => {
  const { app, config } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  for (const locked of [true, false, true]) await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked }, headers: admin.headers })
  const intact = await app.inject({ url: '/api/audit/verify', headers: admin.headers })
  t.match(intact.json(), { ok: true, checked: 6 })
  const db = new DatabaseSync(sqliteFile(config.AUDIT_STORE))
  t.teardown(() => db.close())
  db.prepare('UPDATE audit_entries SET data = replace(data, \'"admin"\', \'"someone-else"\') WHERE seq = 3').run()
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: false, firstProblem: { seq: 3, problem: /altered/ } })
  db.prepare('UPDATE audit_entries SET data = replace(data, \'"someone-else"\', \'"admin"\') WHERE seq = 3').run()
  db.prepare('UPDATE audit_entries SET actor = \'someone-else\' WHERE seq = 5').run()
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: false, firstProblem: { seq: 5, problem: /query columns/ } })
  db.prepare('UPDATE audit_entries SET actor = \'admin\' WHERE seq = 5').run()
  db.prepare('DELETE FROM audit_entries WHERE seq = 4').run()
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: false, firstProblem: { seq: 4, problem: /missing/ } })
  db.prepare('DELETE FROM audit_entries WHERE seq = 6').run()
  t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: false, firstProblem: { seq: 4 } }, 'the first problem is named')
})
