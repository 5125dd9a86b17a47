import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { PASSWORDS } from '../helpers/users.ts'
import { startRedis } from '../helpers/redis.ts'

// Rate-limit counters in Redis (REDIS_URL): shared by every replica, and what happens when Redis
// goes away. The in-memory store is tested in test/ops/rate-limits.test.ts.

const PORTAL = '26478243745571'

const lockCalls = (app: FastifyInstance): number =>
  app.sandboxUpstream.requests.filter(request => request.path.includes('/client/lock_flag/update/')).length

function lock (app: FastifyInstance, headers: Record<string, string>): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'PUT',
    url: '/api/clients/portal/lock',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: '{"locked":true}'
  })
}

/** Runs `count` tasks, at most `concurrency` at a time. */
async function bounded<T> (count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next++
      results[index] = await task(index)
    }
  }))
  return results
}

function tally (responses: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const response of responses) counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1
  return counts
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should share one write budget per user across two instances counting in the same Redis', async t => {
  const redis = await startRedis(t)
  const env = { REDIS_URL: redis.url, RATE_LIMIT_WRITE: '10/1m' }
  const [first, second] = await Promise.all([buildTestApp(t, env), buildTestApp(t, env)])
  const sessions = await Promise.all([login(first.app, 'editor'), login(second.app, 'editor')])

  const responses = await Promise.all(Array.from({ length: 12 }, (_, index) => {
    const instance = index % 2 // interleaved: 6 calls on each instance
    return lock([first, second][instance]!.app, sessions[instance]!.headers)
  }))

  t.same(tally(responses), { 200: 10, 429: 2 }, 'exactly 10 of the 12 calls are let through, whichever instance took them')
  t.equal(lockCalls(first.app) + lockCalls(second.app), 10, 'the two upstreams together saw exactly 10 lock calls')
  for (const response of responses.filter(response => response.statusCode === 429)) {
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    const problem = response.json()
    t.equal(problem.code, 'BFF_RATE_LIMITED')
    t.equal(problem.status, 429)
    const retryAfter = Number(response.headers['retry-after'])
    t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After within the window: ${response.headers['retry-after']}`)
    t.equal(response.headers['ratelimit-limit'], '10')
    t.equal(response.headers['ratelimit-remaining'], '0')
    const reset = Number(response.headers['ratelimit-reset'])
    t.ok(reset >= 1 && reset <= 60, `ratelimit-reset within the window: ${response.headers['ratelimit-reset']}`)
  }
  for (const response of responses.filter(response => response.statusCode === 200)) {
    t.equal(response.headers['ratelimit-limit'], '10', 'allowed calls carry the budget too')
  }
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should let exactly the budget through to the upstream out of 10,000 concurrent calls by one user', async t => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, { REDIS_URL: redis.url, RATE_LIMIT_WRITE: '50/1m' })
  const editor = await login(app, 'editor')
  const started = Date.now()
  const responses = await bounded(10_000, 100, () => lock(app, editor.headers))
  t.comment(`10,000 lock calls through Redis-backed counters in ${Date.now() - started} ms`)
  t.same(tally(responses), { 200: 50, 429: 9950 })
  t.equal(lockCalls(app), 50, 'the upstream saw exactly 50 lock calls')
  const { records } = await app.auditTrail.query({ limit: 1000 })
  t.equal(records.filter(record => record.action === 'client.lock').length, 50, 'refused calls never reach the audit trail')
})

t.test('GET /api/clients/:clientId ...should keep answering, with a warning, while Redis is down, and writes, secrets and logins should be refused until it is back', async t => {
  const redis = await startRedis(t)
  const { app, logs } = await buildTestApp(t, { REDIS_URL: redis.url, RATE_LIMIT_READ: '100/1m', RATE_LIMIT_WRITE: '100/1m', RATE_LIMIT_SECRET: '100/1m' })
  const [editor, admin] = await Promise.all([login(app, 'editor'), login(app, 'admin')])
  const read = () => app.inject({ url: `/api/clients/${PORTAL}`, headers: editor.headers })
  const refresh = () => app.inject({ method: 'POST', url: '/api/clients/portal/secret/refresh', headers: admin.headers })
  const signIn = () => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: PASSWORDS.viewer } })

  // The counters are in use before Redis goes away.
  t.equal((await read()).headers['ratelimit-remaining'], '99')
  t.equal((await lock(app, editor.headers)).statusCode, 200)
  t.equal((await refresh()).statusCode, 200)
  t.notOk(logs.some(line => line.includes('rate limit counters unreachable')), 'no warning while Redis answers')

  await redis.stop()
  const before = app.sandboxUpstream.requests.length

  const answer = await read()
  t.equal(answer.statusCode, 200, 'reads fail open')
  t.equal(answer.json().clientId, Number(PORTAL))
  t.ok(logs.some(line => line.includes('rate limit counters unreachable')), 'a warning is logged')
  const readsSent = app.sandboxUpstream.requests.length - before

  for (const [name, send] of [['lock', () => lock(app, editor.headers)], ['secret refresh', refresh], ['login', signIn]] as const) {
    const response = await send()
    t.equal(response.statusCode, 503, `${name} fails closed`)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    t.equal(response.json().code, 'BFF_RATE_LIMIT_UNAVAILABLE', name)
    t.equal(response.headers['retry-after'], '5', `${name}: Retry-After`)
    t.notOk('set-cookie' in response.headers, `${name}: no session handed out`)
  }
  t.equal(app.sandboxUpstream.requests.length - before, readsSent, 'nothing but the read reached the upstream')
  const { records } = await app.auditTrail.query({ limit: 100 })
  t.equal(records.length, 2, 'the refused mutations left no audit record (only the two made before)')

  await redis.start()
  // ioredis reconnects in the background (50 ms, 100 ms, ... between tries): poll.
  const deadline = Date.now() + 10_000
  let status = 0
  while (Date.now() < deadline) {
    status = (await lock(app, editor.headers)).statusCode
    if (status === 200) break
    t.equal(status, 503, 'refused, never let through, until the counters are back')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(status, 200, 'writes work again once Redis is back')
  t.equal((await refresh()).statusCode, 200, 'secret refresh too')
  t.equal((await signIn()).statusCode, 200, 'and logins')
  const fresh = await read()
  t.equal(fresh.statusCode, 200)
  t.equal(fresh.headers['ratelimit-remaining'], '99', 'reads are counted again (the restarted Redis is empty)')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should be refused within about a second, not held, while Redis keeps its connections open but does not answer', async t => {
  const redis = await startRedis(t)
  const { app, logs } = await buildTestApp(t, { REDIS_URL: redis.url })
  const editor = await login(app, 'editor')
  const read = () => app.inject({ url: `/api/clients/${PORTAL}`, headers: editor.headers })
  t.equal((await lock(app, editor.headers)).statusCode, 200)

  redis.pause() // like a partitioned network or a stuck Redis: no error, no answer
  t.teardown(() => { try { redis.resume() } catch {} })
  const before = app.sandboxUpstream.requests.length
  let started = Date.now()
  const write = await lock(app, editor.headers)
  const waited = Date.now() - started
  t.equal(write.statusCode, 503)
  t.equal(write.json().code, 'BFF_RATE_LIMIT_UNAVAILABLE')
  t.ok(waited < 3000, `refused after ${waited} ms`)
  started = Date.now()
  const answer = await read()
  t.equal(answer.statusCode, 200, 'reads fail open')
  t.ok(Date.now() - started < 3000, `read answered after ${Date.now() - started} ms`)
  t.ok(logs.some(line => line.includes('rate limit counters unreachable')), 'a warning is logged')
  t.notOk(app.sandboxUpstream.requests.slice(before).some(request => request.path.includes('/client/lock_flag/update/')), 'the refused lock never reached the upstream')

  redis.resume()
  const deadline = Date.now() + 10_000
  let status = 0
  while (Date.now() < deadline && status !== 200) {
    status = (await lock(app, editor.headers)).statusCode
    if (status !== 200) await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(status, 200, 'writes work again once Redis answers')
})
