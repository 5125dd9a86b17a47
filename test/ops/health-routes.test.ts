import { Writable } from 'node:stream'
import Fastify, { type FastifyError } from 'fastify'
import { Registry } from 'prom-client'
import t, { type Test } from 'tap'
import { errors } from '../../src/http/errors.ts'
import { sendProblem, toProblem } from '../../src/http/problem.ts'
import { ProblemSchema } from '../../src/http/problem-schema.ts'
import healthRoutes, { cachedProbe, failsReadiness } from '../../src/ops/health-routes.ts'
import serverInfo from '../../src/ops/server-info.ts'
import { fakeClock } from '../helpers/clock.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'

// The health routes' decisions called directly, then the routes on a small real Fastify app whose
// upstream client is a function answering as the test says. The real upstream hop (the emulator, a
// faulty upstream) is in health.test.ts.

t.test('cachedProbe ...should start one probe for the calls of one window, and a new one once the window is over', async t => {
  const clock = frozenClock(t)
  const started: string[] = []
  const probe = cachedProbe(async (caller: string) => { started.push(caller) }, 5000)
  await Promise.all([probe('a'), probe('b')])
  t.same(started, ['a'], 'calls in flight together share it')
  clock.advance(5000)
  await probe('c')
  t.same(started, ['a'], 'still fresh at the end of the window')
  clock.advance(1)
  await probe('d')
  t.same(started, ['a', 'd'], 'a millisecond later: a new probe, with the caller that started it')
  clock.advance(1)
  await probe('e')
  t.same(started, ['a', 'd'], 'the window starts again from the new probe')
})

t.test('cachedProbe ...should give every caller the failure of its probe, then start a new one at the next call', async t => {
  frozenClock(t)
  let calls = 0
  const failure = new Error('unreachable')
  const probe = cachedProbe(async () => { if (++calls === 1) throw failure }, 5000)
  const results = await Promise.allSettled([probe(undefined), probe(undefined)])
  t.same(results.map(result => result.status), ['rejected', 'rejected'])
  t.equal((results[0] as PromiseRejectedResult).reason, failure)
  t.equal(calls, 1)
  await probe(undefined)
  t.equal(calls, 2, 'a failure is not kept')
  await probe(undefined)
  t.equal(calls, 2, 'a success is')
})

t.test('failsReadiness ...should fail on refused credentials always, on anything else only when the upstream is required', async t => {
  t.equal(failsReadiness('BFF_UPSTREAM_CREDENTIALS', false), true)
  t.equal(failsReadiness('BFF_UPSTREAM_CREDENTIALS', true), true)
  for (const code of ['BFF_UPSTREAM_TIMEOUT', 'BFF_UPSTREAM_UNAVAILABLE', undefined]) {
    t.equal(failsReadiness(code, false), false, String(code))
    t.equal(failsReadiness(code, true), true, String(code))
  }
})

type Answer = () => Promise<void>

async function healthApp (t: Test, requireUpstream: boolean) {
  let answer: Answer = async () => {}
  const asked: unknown[] = []
  const logs: Array<Record<string, unknown>> = []
  const stream = new Writable({ write (chunk: Buffer, _encoding, done) { logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done() } })
  const app = Fastify({ logger: { level: 'info', stream } })
  app.addSchema(ProblemSchema)
  app.setErrorHandler<FastifyError>(async (error, request, reply) => sendProblem(reply, toProblem(error, request)))
  const metricsRegistry = new Registry()
  app.decorate('metricsRegistry', metricsRegistry)
  app.decorateRequest('upstreamCalls', null as never)
  app.addHook('onRequest', async request => { request.upstreamCalls = [] })
  app.decorate('authlete', {
    listClients: async (calls: unknown, page: unknown) => {
      asked.push([calls, page])
      await answer()
    }
  } as never)
  await app.register(serverInfo, { sandbox: false, baseUrl: 'https://user:pass@api.example.com/', apiVersion: 'v3', serviceId: '42' })
  await app.register(healthRoutes, { requireUpstream })
  await app.ready()
  t.teardown(() => app.close())
  const gauge = async () => (await metricsRegistry.getSingleMetric('bff_upstream_ready')!.get()).values.map(value => value.value)
  return { app, asked, logs, gauge, answer: (next: Answer) => { answer = next } }
}

const UPSTREAM = { mode: 'authlete', url: 'https://api.example.com', apiVersion: 'v3', serviceId: '42' }

t.test('GET /healthz ...should answer 200 {status: ok} without asking the upstream', async t => {
  const { app, asked } = await healthApp(t, false)
  const answer = await app.inject({ url: '/healthz' })
  t.equal(answer.statusCode, 200)
  t.same(answer.json(), { status: 'ok' })
  t.same(asked, [])
})

t.test('GET /readyz ...should ask the upstream for one client and answer ready, with the upstream ok and bff_upstream_ready 1', async t => {
  const { app, asked, gauge } = await healthApp(t, false)
  t.same(await gauge(), [0], 'not probed yet')
  const answer = await app.inject({ url: '/readyz' })
  t.equal(answer.statusCode, 200)
  t.same(answer.json(), { status: 'ready', upstream: { ...UPSTREAM, status: 'ok' }, version: app.serverInfo.version })
  t.same(asked, [[[], { start: 0, end: 1 }]])
  t.same(await gauge(), [1])
})

t.test('GET /readyz ...should stay ready when the upstream is unavailable, reporting its code, bff_upstream_ready 0 and a warning', async t => {
  const { app, gauge, logs, answer } = await healthApp(t, false)
  answer(async () => { throw new errors.UpstreamTimeout() })
  const response = await app.inject({ url: '/readyz' })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'ready', upstream: { ...UPSTREAM, status: 'unavailable', code: 'BFF_UPSTREAM_TIMEOUT' }, version: app.serverInfo.version })
  t.same(await gauge(), [0])
  t.match(logs.find(line => line.code === 'BFF_UPSTREAM_TIMEOUT'), { level: 40, msg: /READY_REQUIRES_UPSTREAM is off/ })
  answer(async () => {})
  t.equal((await app.inject({ url: '/readyz' })).json().upstream.status, 'ok', 'asked again at once')
  t.same(await gauge(), [1])
})

t.test('GET /readyz ...should answer 502 when the upstream refuses the credentials, whatever READY_REQUIRES_UPSTREAM says', async t => {
  for (const requireUpstream of [false, true]) {
    const { app, gauge, answer } = await healthApp(t, requireUpstream)
    answer(async () => { throw new errors.UpstreamCredentials() })
    const response = await app.inject({ url: '/readyz' })
    t.equal(response.statusCode, 502)
    t.equal(response.json().code, 'BFF_UPSTREAM_CREDENTIALS')
    t.same(await gauge(), [0])
  }
})

t.test('GET /readyz with READY_REQUIRES_UPSTREAM=true ...should fail with the upstream\'s own problem while it is unavailable', async t => {
  const clock = fakeClock(t)
  const { app, gauge, answer } = await healthApp(t, true)
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
  t.same(await gauge(), [1])
  clock.advance(5001)
  answer(async () => { throw new errors.UpstreamUnavailable() })
  const unavailable = await app.inject({ url: '/readyz' })
  t.equal(unavailable.statusCode, 503)
  t.equal(unavailable.json().code, 'BFF_UPSTREAM_UNAVAILABLE')
  answer(async () => { throw new errors.UpstreamTimeout() })
  t.same(await gauge(), [0], 'bff_upstream_ready falls back to 0')
  const timeout = await app.inject({ url: '/readyz' })
  t.equal(timeout.statusCode, 504)
  t.equal(timeout.json().code, 'BFF_UPSTREAM_TIMEOUT')
  t.same(await gauge(), [0])
  answer(async () => {})
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
  t.same(await gauge(), [1])
})
