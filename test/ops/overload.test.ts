import Fastify, { type FastifyError } from 'fastify'
import { Client } from 'undici'
import t, { type Test } from 'tap'
import overload, { refusedUnderPressure, shutdownVerdict, type OverloadOptions } from '../../src/ops/overload.ts'

// The refusals of src/ops/overload.ts: the decisions called directly, then the plugin on a small
// real Fastify app (inject). Real overload and real shutdowns are in gateway.test.ts, shutdown.test.ts
// and drain.test.ts.

t.test('shutdownVerdict ...should serve everything while the replica is neither unready nor draining', async t => {
  for (const url of ['/readyz', '/healthz', '/metrics', '/api/clients', '/readyz?x=1']) t.equal(shutdownVerdict(url, false, false), 'serve', url)
})

t.test('shutdownVerdict ...should refuse only /readyz from the signal on, whatever its query', async t => {
  t.equal(shutdownVerdict('/readyz', true, false), 'refuse')
  t.equal(shutdownVerdict('/readyz?probe=1', true, false), 'refuse')
  for (const url of ['/healthz', '/metrics', '/api/clients', '/readyz/x', '/api/readyz', '/']) t.equal(shutdownVerdict(url, true, false), 'serve', url)
})

t.test('shutdownVerdict ...should refuse everything but liveness and metrics once draining', async t => {
  for (const unready of [true, false]) {
    for (const url of ['/readyz', '/api/clients', '/api/clients?q=1', '/healthz/x', '/']) t.equal(shutdownVerdict(url, unready, true), 'refuse', url)
    for (const url of ['/healthz', '/metrics', '/healthz?verbose', '/metrics?name=x']) t.equal(shutdownVerdict(url, unready, true), 'serve', url)
  }
})

t.test('refusedUnderPressure ...should refuse on heap or event-loop pressure, never liveness or metrics', async t => {
  for (const type of ['heapUsedBytes', 'eventLoopDelay', 'rssBytes']) {
    t.equal(refusedUnderPressure('/api/clients', type, 1000, 0), true, type)
    t.equal(refusedUnderPressure('/healthz', type, 1000, 0), false, type)
    t.equal(refusedUnderPressure('/metrics?x', type, 1000, 0), false, type)
  }
})

t.test('refusedUnderPressure ...should not count the event-loop delay before the warm-up ends, the heap at once', async t => {
  t.equal(refusedUnderPressure('/api/clients', 'eventLoopDelay', 999, 1000), false, 'one millisecond before')
  t.equal(refusedUnderPressure('/api/clients', 'eventLoopDelay', 1000, 1000), true, 'from the end on')
  t.equal(refusedUnderPressure('/api/clients', 'eventLoopDelay', 5000, Infinity), false, 'not yet ready')
  t.equal(refusedUnderPressure('/api/clients', 'heapUsedBytes', 999, 1000), true)
})

async function appWith (t: Test, options: Partial<OverloadOptions> = {}, keepAliveTimeout?: number) {
  const app = Fastify({ keepAliveTimeout })
  await app.register(overload, { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 0, warmupSeconds: 0, ...options })
  // The app's error handler writes a problem; this one shows what the plugin refused with.
  app.setErrorHandler<FastifyError>(async (error, _request, reply) => reply.code(error.statusCode ?? 500).send({ code: error.code, retryAfterSeconds: (error as { retryAfterSeconds?: number }).retryAfterSeconds }))
  for (const url of ['/readyz', '/healthz', '/metrics', '/api/clients']) app.get(url, async () => ({ ok: true }))
  await app.ready()
  t.teardown(() => app.close())
  return app
}

t.test('overload plugin ...should start neither unready nor draining, and keep connections open', async t => {
  const app = await appWith(t)
  t.equal(app.unready, false)
  t.equal(app.draining, false)
  const answer = await app.inject({ url: '/readyz' })
  t.equal(answer.statusCode, 200)
  t.not(answer.headers.connection, 'close')
})

t.test('overload plugin ...should answer /readyz 503 BFF_DRAINING (retry after 1 s) once unready, serve the rest, and close every connection', async t => {
  const app = await appWith(t)
  app.unready = true
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { code: 'BFF_DRAINING', retryAfterSeconds: 1 })
  t.equal(ready.headers.connection, 'close')
  t.equal((await app.inject({ url: '/readyz?probe=1' })).statusCode, 503, 'a probe with a query is the readiness route too')
  const api = await app.inject({ url: '/api/clients' })
  t.equal(api.statusCode, 200)
  t.equal(api.headers.connection, 'close', 'the next request comes on a new connection')
})

t.test('overload plugin ...should refuse every request but liveness and metrics once draining, closing their connections', async t => {
  const app = await appWith(t)
  app.draining = true
  const api = await app.inject({ url: '/api/clients' })
  t.equal(api.statusCode, 503)
  t.same(api.json(), { code: 'BFF_DRAINING', retryAfterSeconds: 1 })
  t.equal(api.headers.connection, 'close')
  for (const url of ['/healthz', '/metrics', '/healthz?probe=1']) {
    const answer = await app.inject({ url })
    t.equal(answer.statusCode, 200, url)
    t.equal(answer.headers.connection, 'close', url)
  }
})

t.test('overload plugin ...should refuse with 503 BFF_OVERLOADED (retry after 10 s) while the heap is over its limit, and still answer liveness', async t => {
  const app = await appWith(t, { maxHeapUsedBytes: 1 })
  // under-pressure measures the heap once a second: wait for its first sample, several at most.
  let refused
  for (const deadline = Date.now() + 5000; Date.now() < deadline && refused === undefined;) {
    const answer = await app.inject({ url: '/api/clients' })
    if (answer.statusCode === 503) refused = answer
    else await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.same(refused?.json(), { code: 'BFF_OVERLOADED', retryAfterSeconds: 10 })
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 200)
})

t.test('overload plugin ...should leave other keep-alive connections open after an answer while serving', async t => {
  const app = await appWith(t, {}, 10_000)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const idle = new Client(url, { keepAliveTimeout: 10_000 })
  const other = new Client(url)
  t.teardown(async () => { await idle.destroy(); await other.destroy() })
  let connects = 0
  idle.on('connect', () => { connects++ })
  const get = async (client: Client) => await client.request({ method: 'GET', path: '/api/clients' }).then(async answer => { await answer.body.dump(); return answer.statusCode })
  t.equal(await get(idle), 200)
  t.equal(await get(other), 200)
  t.equal(await get(idle), 200)
  t.equal(connects, 1, 'the idle connection was kept for its next request')
})

t.test('overload plugin ...should close the idle keep-alive connections once an answer is sent while draining', async t => {
  const keepAliveTimeout = 10_000
  const app = await appWith(t, {}, keepAliveTimeout)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const idle = new Client(url, { keepAliveTimeout })
  const other = new Client(url)
  t.teardown(async () => { await idle.destroy(); await other.destroy() })
  t.equal((await idle.request({ method: 'GET', path: '/api/clients' }).then(async answer => { await answer.body.dump(); return answer.statusCode })), 200)
  const closed = new Promise<string>(resolve => idle.once('disconnect', () => resolve('closed by the drain')))
  app.draining = true
  const liveness = await other.request({ method: 'GET', path: '/healthz' })
  await liveness.body.dump()
  t.equal(liveness.headers.connection, 'close')
  // Without the drain, the idle connection would stay open for the server's keep-alive timeout.
  const kept = new Promise<string>(resolve => setTimeout(() => resolve('still open'), keepAliveTimeout / 2).unref())
  t.equal(await Promise.race([closed, kept]), 'closed by the drain')
})

t.test('overload plugin ...should refuse with 503 BFF_OVERLOADED once the event loop was slow, when there is no warm-up', async t => {
  const app = await appWith(t, { maxEventLoopDelayMs: 1, warmupSeconds: 0 })
  // Stall the event loop between under-pressure's once-a-second samples until one sees it, several at most.
  let refused
  for (const deadline = Date.now() + 5000; Date.now() < deadline && refused === undefined;) {
    for (const until = Date.now() + 30; Date.now() < until;) { /* busy */ }
    const answer = await app.inject({ url: '/api/clients' })
    if (answer.statusCode === 503) refused = answer
    else await new Promise(resolve => setTimeout(resolve, 20))
  }
  t.same(refused?.json(), { code: 'BFF_OVERLOADED', retryAfterSeconds: 10 })
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
})
