import t from 'tap'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { allRecords, verify } from './trail.ts'
import { abortableLock, forwardedLocks, lock, noPendingRecord, setup, unreadByServer, until, WRITE_TIMEOUT_MS } from './deadline.ts'

// The intent hook forwarded a mutation whatever became of its caller: one who gave up while the audit
// store was slow still had the change made, recorded as an answered `success`. Now a caller gone
// before the intent is durable has nothing forwarded (`abandoned`), and one gone after the mutation
// was forwarded is named in the outcome (`callerGone: true`).

// One cluster for the file (each test its own database).
const postgres = await startPostgres(t)

t.test('PUT /api/clients/:clientIdentifier/lock ...should not forward a mutation whose caller disconnected before its intent was durable, and record it `abandoned`', async t => {
  // A write timeout far above the freeze: the intent is committed once the database wakes up.
  const { app, url, editor, logs } = await setup(t, postgres, { AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS * 10) })
  t.equal((await lock(url, editor)).status, 200)
  const forwardedBefore = forwardedLocks(app)

  await postgres.freeze()
  const call = abortableLock(app, url, editor, 'portal')
  await until(() => unreadByServer(postgres), WRITE_TIMEOUT_MS * 10, 'the intent\'s batch reached the frozen database')
  await call.abort()
  await postgres.thaw()

  await until(async () => (await allRecords(app)).length === 2 && await noPendingRecord(app), WRITE_TIMEOUT_MS * 10, 'the abandoned call is recorded')
  t.equal((await lock(url, editor)).status, 200, 'a later mutation, so a late send would have happened by now')
  t.equal(forwardedLocks(app) - forwardedBefore, 1, 'only the later mutation was forwarded')
  const [, abandoned] = await allRecords(app)
  t.match(abandoned, { outcome: 'abandoned', status: 499, callerGone: true, action: 'client.lock', resultCode: null })
  t.match(logs().filter(line => line.reqId === abandoned!.requestId), [{ level: 30, code: 'BFF_CALLER_GONE', status: 499 }], 'the log says the caller was gone')
  t.same(logs().filter(line => line.level >= 50), [], 'nothing logged as an error: answering nobody is no fault')
  t.match(await verify(app), { ok: true, checked: 6 })
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should record `callerGone: true` with the outcome when the caller disconnected after the mutation was forwarded', async t => {
  const upstream = await startFaultUpstream(t)
  const held: Array<() => void> = []
  upstream.answer((request, response) => {
    if (request.method === 'POST') held.push(() => { json(response, 200, { resultCode: 'A215001', resultMessage: 'locked' }) })
    else json(response, 200, { clientId: 1234, clientName: 'Slow' })
  })
  const { app, url, editor } = await setup(t, postgres, { AUTHLETE_BASE_URL: upstream.url, AUTHLETE_SERVICE_ID: '5', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-caller-gone' })
  const call = abortableLock(app, url, editor, '1234')
  await until(() => held.length === 1, WRITE_TIMEOUT_MS * 2, 'the mutation reached the upstream')
  await call.abort()
  held[0]!()

  await until(async () => (await allRecords(app)).length === 1 && await noPendingRecord(app), WRITE_TIMEOUT_MS * 2, 'the outcome is recorded')
  const [record] = await allRecords(app)
  t.match(record, { outcome: 'success', status: 200, resultCode: 'A215001', callerGone: true }, 'the change was made, and nobody received the answer')

  const stayed = fetch(`${url}/api/clients/1234/lock`, { method: 'PUT', headers: { ...editor.headers, 'content-type': 'application/json' }, body: '{"locked":true}' })
  await until(() => held.length === 2, WRITE_TIMEOUT_MS * 2, 'the second mutation reached the upstream')
  held[1]!()
  t.equal((await stayed).status, 200)
  const [latest] = await allRecords(app)
  t.equal(latest!.outcome, 'success')
  t.notOk('callerGone' in latest!, 'a caller who stayed: no callerGone')
})
