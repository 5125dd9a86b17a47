import t, { type Test } from 'tap'
import { Client, Pool } from 'undici'
import { connect, type Socket } from 'node:net'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { CLIENT, exited, signIn, sleep, slowAuthlete, startServer, waitFor, type RawAnswer } from '../helpers/shutdown-server.ts'

// SIGTERM on a real `node src/server.ts`: in-flight requests finish (with their audit records), new
// ones are turned away, and the process exits 0 within SHUTDOWN_TIMEOUT, or 1 once it is exceeded.

/**
 * A connection on which a request has begun (the request line and headers, less the blank line that
 * ends them), so the server counts it as busy, not idle; `finish()` completes the request and reads
 * the answer. This is how a request that arrives on an open keep-alive connection during the drain is
 * produced without racing the server's closing of idle connections.
 */
async function beginRequest (url: string, path: string, headers: Record<string, string> = {}): Promise<{ finish: () => Promise<RawAnswer> }> {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  let received = ''
  socket.on('data', chunk => { received += chunk.toString('latin1') })
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const lines = [`GET ${path} HTTP/1.1`, `host: ${hostname}:${port}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)]
  socket.write(lines.join('\r\n') + '\r\n')
  return {
    finish: async () => {
      socket.write('\r\n')
      // A draining answer carries `connection: close`: the server ends the connection after it.
      await Promise.race([closed, sleep(5000).then(() => { throw new Error(`no answer (or the connection stayed open): ${JSON.stringify(received)}`) })])
      const [head = '', body = ''] = received.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const answerHeaders: Record<string, string> = {}
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        answerHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      return { status: Number(statusLine.split(' ')[1]), headers: answerHeaders, body }
    }
  }
}

function assertDraining (t: Test, answer: RawAnswer, what: string): void {
  t.equal(answer.status, 503, `${what}: 503`)
  t.match(answer.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`)
  t.equal(JSON.parse(answer.body).code, 'BFF_DRAINING', `${what}: BFF_DRAINING`)
  t.equal(answer.headers['retry-after'], '1', `${what}: Retry-After`)
  t.equal(answer.headers.connection, 'close', `${what}: connection: close`)
}

t.test('SIGTERM ...should finish the requests in flight, with their audit records, turn new ones away and exit 0', async t => {
  const upstream = await startFaultUpstream(t)
  slowAuthlete(upstream)
  const server = await startServer(t, upstream, { SHUTDOWN_DELAY: '0', SHUTDOWN_TIMEOUT: '10' })
  const pool = new Pool(server.url, { connections: 128, keepAliveTimeout: 30_000 })
  t.teardown(() => pool.destroy())
  const session = await signIn(pool)
  t.equal((await (await pool.request({ method: 'GET', path: '/readyz' })).body.json() as { status: string }).status, 'ready', 'ready before SIGTERM')
  const upstreamBefore = upstream.requests.length

  // Connections with a request begun on them, finished during the drain.
  const lateReadyz = await beginRequest(server.url, '/readyz')
  const lateHealthz = await beginRequest(server.url, '/healthz')
  const lateApi = await beginRequest(server.url, '/api/clients/1234', { cookie: session.cookie! })

  type Settled = { index: number, kind: 'read' | 'lock', status?: number, requestId?: string, body?: string, error?: Error }
  let settledCount = 0
  const inFlight: Array<Promise<Settled>> = Array.from({ length: 100 }, async (_, index) => {
    const kind = index % 2 === 0 ? 'read' as const : 'lock' as const
    try {
      const response = await pool.request(kind === 'read'
        ? { method: 'GET', path: '/api/clients/1234', headers: session }
        : { method: 'PUT', path: '/api/clients/1234/lock', headers: { ...session, 'content-type': 'application/json' }, body: '{"locked":true}' })
      const body = await response.body.text()
      return { index, kind, status: response.statusCode, requestId: String(response.headers['x-request-id']), body }
    } catch (error) {
      return { index, kind, error: error as Error }
    } finally {
      settledCount++
    }
  })

  // SIGTERM once every call has been received (the server logs each one as it comes in: a call
  // still in the listen backlog would only be reset, as at any server that stops listening) and at
  // least 20 are at the upstream; the others are between the proxy and the upstream (audit intent,
  // AUTHLETE_CONNECTIONS queue) or already there, all still unanswered.
  const arrived = () => server.output().split('\n').filter(line => line.includes('"msg":"incoming request"') && /"url":"\/api\/clients\/1234(\/lock)?"/.test(line)).length
  await waitFor('the 100 calls at the proxy and 20 at the upstream', () => arrived() >= 100 && upstream.requests.length - upstreamBefore >= 20)
  const exit = exited(server)
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  await waitFor('the draining log line', () => server.output().includes('"msg":"draining"'))

  // Right after SIGTERM, with the calls still in flight (the upstream answers 500 ms late).
  assertDraining(t, await lateReadyz.finish(), 'GET /readyz')
  const healthz = await lateHealthz.finish()
  t.equal(healthz.status, 200, 'GET /healthz still answers')
  t.same(JSON.parse(healthz.body), { status: 'ok' })
  assertDraining(t, await lateApi.finish(), 'GET /api/clients/1234 arriving on an open connection')
  t.ok(settledCount < 100, `the checks above ran while calls were in flight (${100 - settledCount} still were)`)

  // A new connection after SIGTERM: the listening socket is closed as soon as the drain starts
  // (server.close()), so it is refused (ECONNREFUSED); in the instant before that it would have been
  // accepted and answered 503 BFF_DRAINING. Either is a clean refusal a load balancer retries elsewhere.
  try {
    const late = await fetch(`${server.url}/api/clients/1234`, { headers: { cookie: session.cookie! } })
    t.equal(late.status, 503, 'a new connection accepted during the drain is answered 503')
    t.equal((await late.json() as { code: string }).code, 'BFF_DRAINING')
    t.comment('a new connection after SIGTERM: accepted and answered 503 BFF_DRAINING')
  } catch (error) {
    t.equal(((error as Error).cause as NodeJS.ErrnoException | undefined)?.code, 'ECONNREFUSED', 'a new connection is refused')
    t.comment('a new connection after SIGTERM: refused (ECONNREFUSED)')
  }

  const settled = await Promise.all(inFlight)
  const { code, signal, at } = await exit
  t.comment(`exited ${at - signalled} ms after SIGTERM`)
  t.equal(code, 0, 'the process exits 0')
  t.equal(signal, null)
  t.ok(at - signalled < 10_000, 'within SHUTDOWN_TIMEOUT')
  t.notMatch(server.output(), 'shutdown timed out')

  const failed = settled.filter(result => result.error !== undefined)
  t.same(failed.map(result => `${result.kind} #${result.index}: ${result.error!.message}`), [], 'no call was cut off (no socket hang up, no reset)')
  for (const result of settled.filter(result => result.error === undefined)) {
    if (result.status === 200) continue
    t.equal(result.status, 503, `${result.kind} #${result.index}: 200 or 503`)
    t.match(JSON.parse(result.body!), { status: 503, code: /^BFF_/ }, `${result.kind} #${result.index}: a problem document`)
  }
  const answered = settled.filter(result => result.status === 200)
  t.comment(`${answered.length} of 100 answered 200, ${settled.filter(result => result.status === 503).length} answered 503`)
  t.ok(answered.length >= 20, 'the calls the upstream had received were answered')

  // Every lock answered 200 has a complete record; nothing is left pending.
  const store = openSqliteAuditStore(server.auditFile)
  t.teardown(() => store.close())
  const { records } = await store.query({ action: 'client.lock', limit: 1000 })
  const byRequest = new Map(records.map(record => [record.requestId, record]))
  const locked = answered.filter(result => result.kind === 'lock')
  t.ok(locked.length > 0, `${locked.length} locks answered 200`)
  for (const result of locked) {
    t.match(byRequest.get(result.requestId!), { outcome: 'success', status: 200, resultCode: 'A215001', actor: 'admin', clientId: '1234' }, `lock ${result.requestId}: complete record`)
  }
  t.same((await store.query({ outcome: 'pending', limit: 1000 })).records, [], 'no record is left pending')
})

t.test('SIGTERM ...should exit 1 once SHUTDOWN_TIMEOUT is exceeded by a call that never ends', async t => {
  const upstream = await startFaultUpstream(t)
  upstream.answer((request, response) => {
    if (request.url?.includes('/client/get/list') === true) json(response, 200, { start: 0, end: 1, totalCount: 1, clients: [CLIENT] })
    // anything else: never answered
  })
  const server = await startServer(t, upstream, { SHUTDOWN_DELAY: '0', SHUTDOWN_TIMEOUT: '1' })
  const pool = new Pool(server.url, { connections: 4 })
  t.teardown(() => pool.destroy())
  const session = await signIn(pool)
  const hanging = pool.request({ method: 'GET', path: '/api/clients/1234', headers: session }).then(
    response => response.statusCode,
    (error: Error) => error.message
  )
  await waitFor('the call at the upstream', () => upstream.requests.some(request => request.url.includes('/client/get/1234')))

  const exit = exited(server)
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  const { code, at } = await exit
  const elapsed = at - signalled
  t.comment(`exited ${elapsed} ms after SIGTERM`)
  t.equal(code, 1, 'exit code 1')
  // The last log lines get up to 250 ms of SHUTDOWN_TIMEOUT to be written.
  t.ok(elapsed >= 700 && elapsed < 3000, `after about SHUTDOWN_TIMEOUT (1 s): ${elapsed} ms`)
  t.match(server.output(), 'shutdown timed out')
  t.type(await hanging, 'string', 'the hanging call was cut when the process exited')
})

t.test('SIGTERM with SHUTDOWN_DELAY ...should fail /readyz at once, serve everything else under load until the delay ends, then drain without resetting a request', async t => {
  const upstream = await startFaultUpstream(t)
  slowAuthlete(upstream)
  const DELAY_MS = 4000
  const server = await startServer(t, upstream, { SHUTDOWN_DELAY: String(DELAY_MS / 1000), SHUTDOWN_TIMEOUT: '10', LOG_LEVEL: 'info' })
  // Enough connections for every call to be sent at once: none waits in this client's own queue.
  const pool = new Pool(server.url, { connections: 100, keepAliveTimeout: 30_000 })
  t.teardown(() => pool.destroy())
  const session = await signIn(pool)

  type Outcome = { kind: 'read' | 'lock', status?: number, code?: string, requestId?: string, error?: string, sentAt: number }
  const outcomes: Array<Promise<Outcome>> = []
  const send = (kind: 'read' | 'lock'): void => {
    const sentAt = Date.now()
    outcomes.push(pool.request(kind === 'read'
      ? { method: 'GET', path: '/api/clients/1234', headers: session }
      : { method: 'PUT', path: '/api/clients/1234/lock', headers: { ...session, 'content-type': 'application/json' }, body: '{"locked":true}' }
    ).then(async response => {
      const body = await response.body.text()
      return { kind, sentAt, status: response.statusCode, code: response.statusCode === 200 ? undefined : JSON.parse(body).code, requestId: String(response.headers['x-request-id']) }
    }, (error: Error) => ({ kind, sentAt, error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` })))
  }
  let signalled = 0
  // A fresh connection each time, as a gateway's health check or a new client opens.
  const onNewConnection = async (path: string): Promise<{ status: number, code?: string }> => {
    const client = new Client(server.url)
    try {
      const response = await client.request({ method: 'GET', path, headers: { cookie: session.cookie! } })
      const body = await response.body.json() as { code?: string }
      return { status: response.statusCode, code: body.code }
    } catch (error) {
      throw new Error(`${path} on a new connection, ${Date.now() - signalled} ms after SIGTERM: ${(error as Error).message}`)
    } finally {
      await client.destroy()
    }
  }

  // Load: 4 calls every 50 ms, half reads, half audited locks; the upstream answers each 500 ms late.
  const load = { running: true }
  t.teardown(() => { load.running = false })
  const loaded = (async () => {
    while (load.running) {
      for (let i = 0; i < 4; i++) send(i % 2 === 0 ? 'read' : 'lock')
      await sleep(50)
    }
  })()
  await sleep(700)
  const exit = exited(server)
  signalled = Date.now()
  server.child.kill('SIGTERM')
  await waitFor('the shutting-down log line', () => server.output().includes('shutting down'))
  t.comment(`logged ${Date.now() - signalled} ms after SIGTERM`)

  const readyz = await onNewConnection('/readyz')
  t.same(readyz, { status: 503, code: 'BFF_DRAINING' }, '/readyz answers 503 at once')
  t.equal((await onNewConnection('/healthz')).status, 200, '/healthz still answers')
  t.equal((await onNewConnection('/api/clients/1234')).status, 200, 'an API call on a new connection is served normally')
  while (Date.now() - signalled < DELAY_MS / 2) await sleep(10)
  t.equal((await onNewConnection('/api/clients/1234')).status, 200, 'still served normally, later in the delay')
  t.same(await onNewConnection('/readyz'), { status: 503, code: 'BFF_DRAINING' }, '/readyz still answers 503')
  // No check of how long those took: a loaded machine may slow them, and their answers already say
  // they were served within SHUTDOWN_DELAY (once it ends, a new connection is refused or gets 503).
  // The gateway has seen the failing readiness and stops sending, just before the delay ends: the
  // calls still in flight (the upstream takes 500 ms) straddle the start of the drain.
  while (Date.now() - signalled < DELAY_MS - 300) await sleep(10)
  load.running = false
  await loaded

  const settled = await Promise.all(outcomes)
  const { code, at } = await exit
  t.comment(`${settled.length} calls under load; exited ${at - signalled} ms after SIGTERM`)
  t.equal(code, 0, 'the process exits 0')
  t.ok(at - signalled >= DELAY_MS, 'not before SHUTDOWN_DELAY')
  t.ok(at - signalled < 10_000, 'within SHUTDOWN_TIMEOUT')
  t.same(settled.filter(outcome => outcome.error !== undefined).map(outcome => `${outcome.kind} at +${outcome.sentAt - signalled} ms: ${outcome.error}`), [], 'no call was reset or cut')
  t.same([...new Set(settled.map(outcome => outcome.status))], [200], 'every call sent during the delay was served normally')
  const inFlightAtDrain = settled.filter(outcome => outcome.sentAt - signalled > DELAY_MS - 500)
  t.ok(inFlightAtDrain.length > 0, `${inFlightAtDrain.length} calls were still in flight when the drain began`)

  const store = openSqliteAuditStore(server.auditFile)
  t.teardown(() => store.close())
  const { records } = await store.query({ action: 'client.lock', limit: 10_000 })
  const byRequest = new Map(records.map(record => [record.requestId, record]))
  const locks = settled.filter(outcome => outcome.kind === 'lock')
  t.same(locks.filter(outcome => byRequest.get(outcome.requestId!)?.outcome !== 'success').map(outcome => outcome.requestId), [], `all ${locks.length} locks have a complete record`)
  t.same((await store.query({ outcome: 'pending', limit: 1000 })).records, [], 'no record is left pending')
  try {
    await fetch(`${server.url}/healthz`)
    t.fail('the listener should be closed')
  } catch (error) {
    t.equal(((error as Error).cause as NodeJS.ErrnoException | undefined)?.code, 'ECONNREFUSED', 'after the drain, new connections are refused')
  }
})
