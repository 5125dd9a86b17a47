import t from 'tap'
import { createServer } from 'node:http'
import { freePort } from '../helpers/server-process.ts'
import { buildTestApp, login } from '../helpers/app.ts'
import { startFaultUpstream, json } from '../helpers/fault-upstream.ts'
import { assertProblem } from '../clients/support.ts'
import { newKey, startHoldingUpstream, writesOf } from './support.ts'

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should answer 409 with Retry-After while the first is in flight, 422 for another body, then replay the first answer', async t => {
  const upstream = await startHoldingUpstream(t)
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: upstream.url, AUTHLETE_SERVICE_ID: '7', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-in-flight' })
  const editor = await login(app, 'editor')
  const key = newKey()
  const lock = (body: unknown) => app.inject({ method: 'PUT', url: '/api/clients/42/lock', headers: { ...editor.headers, 'idempotency-key': key }, payload: body as object })

  const first = lock({ locked: true })
  await upstream.firstArrived
  const retry = await lock({ locked: true })
  const problem = assertProblem(t, retry, 409)
  t.equal(problem.code, 'BFF_IDEMPOTENCY_IN_FLIGHT')
  t.equal(retry.headers['retry-after'], '1')
  const other = await lock({ locked: false })
  t.equal(assertProblem(t, other, 422).code, 'BFF_IDEMPOTENCY_KEY_REUSED', 'another body is a 422 even while the first runs')
  t.equal(writesOf(upstream.requests), 1, 'neither was forwarded')

  json(upstream.held[0]!, 200, { resultCode: 'A082001', resultMessage: 'locked' })
  const answered = await first
  t.equal(answered.statusCode, 200)
  const replay = await lock({ locked: true })
  t.equal(replay.statusCode, 200)
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.same(replay.json(), answered.json())
  t.equal(writesOf(upstream.requests), 1, 'the upstream got the change once')
})

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should keep a 502 the upstream may have acted on', async t => {
  const upstream = await startFaultUpstream(t)
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: upstream.url, AUTHLETE_SERVICE_ID: '7', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-kept', AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '1000' })
  const editor = await login(app, 'editor')
  const lock = (key: string) => app.inject({ method: 'PUT', url: '/api/clients/42/lock', headers: { ...editor.headers, 'idempotency-key': key }, payload: { locked: true } })

  // The connection is cut once the request was read: it may have been applied.
  upstream.answer((_request, response) => { response.socket?.destroy() })
  const cutKey = newKey()
  const cut = await lock(cutKey)
  t.equal(cut.statusCode, 502)
  upstream.answer((_request, response) => { json(response, 200, { resultCode: 'A082001', resultMessage: 'locked' }) })
  const cutRetry = await lock(cutKey)
  t.equal(cutRetry.statusCode, 502, 'the retry gets the same 502: the first may have locked it')
  t.equal(cutRetry.headers['idempotent-replayed'], 'true')
  t.equal(writesOf(upstream.requests), 1)

  // Authlete answered 500: it received the change, whatever it did with it.
  upstream.answer((_request, response) => { json(response, 500, { resultCode: 'A001101', resultMessage: 'internal' }) })
  const failedKey = newKey()
  t.equal((await lock(failedKey)).statusCode, 502)
  upstream.answer((_request, response) => { json(response, 200, { resultCode: 'A082001', resultMessage: 'locked' }) })
  t.equal((await lock(failedKey)).headers['idempotent-replayed'], 'true')
  t.equal(writesOf(upstream.requests), 2)
})

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should free the key when nothing reached the upstream, so that the retry runs', async t => {
  const port = await freePort()
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: `http://127.0.0.1:${port}`, AUTHLETE_SERVICE_ID: '7', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-freed', AUTHLETE_CIRCUIT_THRESHOLD: '1000' })
  const editor = await login(app, 'editor')
  const key = newKey()
  const lock = () => app.inject({ method: 'PUT', url: '/api/clients/42/lock', headers: { ...editor.headers, 'idempotency-key': key }, payload: { locked: true } })
  const refused = await lock()
  t.ok(refused.statusCode >= 500, `nothing listens: ${refused.statusCode}`)

  let received = 0
  const server = createServer((request, response) => {
    // The lock itself; the history's read of the client after it is not the change.
    if (!(request.url ?? '').includes('/client/get/')) received++
    json(response, 200, { resultCode: 'A082001', resultMessage: 'locked' })
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const retry = await lock()
  t.equal(retry.statusCode, 200, 'the retry ran')
  t.equal(retry.headers['idempotent-replayed'], undefined)
  t.equal(received, 1)
})
