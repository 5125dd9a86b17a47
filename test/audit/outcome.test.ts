import { execFileSync } from 'node:child_process'
import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'
import { freePort } from '../helpers/server-process.ts'
import { AuditWriteRefused } from '../../src/audit/stores/audit-store.ts'

// A mutation the upstream received but whose answer never came whole may have been made: its record
// says `unknown`, not `failure`, and can be found with ?outcome=unknown.

async function setup (t: Test, baseUrl: string) {
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: baseUrl, AUTHLETE_SERVICE_ID: '9', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-unknown', AUTHLETE_TIMEOUT_MS: '400'
  })
  return { app, admin: await login(app, 'admin') }
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should record the outcome `unknown` when the upstream received the call but its answer timed out or was cut', async t => {
  const fault = await startFaultUpstream(t)
  const { app, admin } = await setup(t, fault.url)
  const lock = () => app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })

  fault.answer(() => {}) // received, never answered
  t.equal((await lock()).statusCode, 504)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    response.write('{"resultCode":')
    setTimeout(() => response.socket?.destroy(), 20)
  })
  t.equal((await lock()).statusCode, 502)
  fault.answer((_request, response) => { response.writeHead(500, { 'content-type': 'application/json' }); response.end('{"resultCode":"A001101","resultMessage":"down"}') })
  t.equal((await lock()).statusCode, 502)

  const records = (await app.inject({ url: '/api/audit', headers: admin.headers })).json().records as Array<{ outcome: string, status: number }>
  t.same(records.map(record => [record.outcome, record.status]), [['failure', 502], ['unknown', 502], ['unknown', 504]], 'newest first: a 500 answered is a failure; a cut or timed-out answer is unknown')
  const unknown = (await app.inject({ url: '/api/audit?outcome=unknown', headers: admin.headers })).json().records as Array<{ outcome: string }>
  t.equal(unknown.length, 2, '?outcome=unknown finds them')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should record `failure` when the upstream could not be reached at all', async t => {
  const port = await freePort()
  // Nothing listens there: the connection is refused, so the call certainly never arrived.
  const { app, admin } = await setup(t, `http://127.0.0.1:${port}`)
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })).statusCode, 503)
  const records = (await app.inject({ url: '/api/audit', headers: admin.headers })).json().records as Array<{ outcome: string }>
  t.same(records.map(record => record.outcome), ['failure'])
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should record `failure` with the result code when the upstream refuses the call with 400', async t => {
  const fault = await startFaultUpstream(t)
  const { app, admin } = await setup(t, fault.url)
  fault.answer((_request, response) => { response.writeHead(400, { 'content-type': 'application/json' }); response.end('{"resultCode":"A215301","resultMessage":"[A215301] The request is malformed."}') })
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })).statusCode, 400)
  const records = (await app.inject({ url: '/api/audit', headers: admin.headers })).json().records
  t.match(records, [{ outcome: 'failure', status: 400, resultCode: 'A215301' }])
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer the upstream\'s result, count bff_audit_write_failures_total{kind="outcome"} and log an error when the outcome cannot be written', async t => {
  const fault = await startFaultUpstream(t)
  const { app, config, logs } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '9', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-outcome', AUTHLETE_TIMEOUT_MS: '2000'
  })
  const admin = await login(app, 'admin')
  const files = [config.AUDIT_STORE.slice('sqlite:'.length), `${config.AUDIT_STORE.slice('sqlite:'.length)}-wal`]
  t.teardown(() => execFileSync('chattr', ['-i', ...files]))
  // The intent is written; then, while the upstream works, the audit files become unwritable.
  fault.answer((_request, response) => {
    execFileSync('chattr', ['+i', ...files])
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{"resultCode":"A215001","resultMessage":"locked"}')
  })
  const answer = await app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })
  execFileSync('chattr', ['-i', ...files])
  t.equal(answer.statusCode, 200, 'the change was made upstream: the caller is told')
  t.equal(answer.json().resultCode, 'A215001')
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_audit_write_failures_total\{kind="outcome"\} 1$/m)
  t.match(logs.map(line => JSON.parse(line)).filter(line => line.level === 50), [{ msg: /outcome not recorded/, upstreamStatus: 200, err: { message: 'disk I/O error' } }], 'an error is logged, with the answer the caller got and the store\'s reason')
  const records = (await app.inject({ url: '/api/audit?outcome=pending', headers: admin.headers })).json().records as Array<{ action: string }>
  t.same(records.map(record => record.action), ['client.lock'], 'the record stays pending: its outcome is unknown')
})

// A refusal at the store's deadline may be committed yet: a second try could write the outcome twice.
// The store's own errors cannot be timed against one outcome, so the fault is made in the store's place.
t.test('PUT /api/clients/:clientIdentifier/lock ...should try an outcome the store refused at its deadline once, and an outcome that failed otherwise twice', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const store = app.auditTrail
  const append = store.append.bind(store)
  const tries: string[] = []
  let fault: Error | undefined
  store.append = async entry => {
    if (entry.kind !== 'outcome') return await append(entry)
    const failure = fault
    fault = undefined
    tries.push(failure?.name ?? 'written')
    if (failure !== undefined) throw failure
    return await append(entry)
  }
  const lock = async (locked: boolean) => await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked }, headers: admin.headers })
  const outcomes = async () => ((await app.inject({ url: '/api/audit?clientId=portal', headers: admin.headers })).json().records as Array<{ outcome: string }>).map(record => record.outcome)

  fault = new AuditWriteRefused('refused at the deadline', Promise.resolve(true))
  t.equal((await lock(true)).statusCode, 200, 'the change was made: the caller is told')
  t.same(tries, ['AuditWriteRefused'], 'tried once')
  t.same(await outcomes(), ['pending'], 'the record stays pending')

  tries.length = 0
  fault = new Error('disk I/O error')
  t.equal((await lock(false)).statusCode, 200)
  t.same(tries, ['Error', 'written'], 'tried twice')
  t.same(await outcomes(), ['success', 'pending'], 'the second try wrote it')
})
