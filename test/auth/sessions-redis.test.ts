import t from 'tap'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login, sessionCookie, type TestApp } from '../helpers/app.ts'
import { startRedis, type TestRedis } from '../helpers/redis.ts'
import { allRecords } from '../audit/trail.ts'

// SESSION_STORE=redis: two app instances (replicas) sharing one real Redis and one SESSION_SECRET.

const PROBLEM = /^application\/problem\+json/

async function twoReplicas (t: Test, env: Record<string, string> = {}): Promise<{ redis: TestRedis, a: TestApp, b: TestApp, inspect: Redis }> {
  const redis = await startRedis(t)
  const shared = { SESSION_STORE: 'redis', REDIS_URL: redis.url, SESSION_SECRET: 's'.repeat(40), API_TOKEN_STORE: 'memory', ...env }
  const [a, b] = await Promise.all([buildTestApp(t, shared), buildTestApp(t, shared)])
  const inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  inspect.on('error', () => {}) // the tests stop Redis on purpose
  await inspect.connect()
  t.teardown(() => { inspect.disconnect() })
  return { redis, a, b, inspect }
}

async function status (app: FastifyInstance, url: string, cookie: string): Promise<number> {
  return (await app.inject({ url, headers: { cookie } })).statusCode
}

/** The session id inside a `name=value` cookie (value = id.signature, URL-encoded). */
function sessionId (cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
  return value.slice(0, value.lastIndexOf('.'))
}

/** Polls until the app answers something other than 503 (Redis reconnected), or gives up after 15 s. */
async function untilReachable (app: FastifyInstance, cookie: string): Promise<number> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const code = await status(app, '/auth/session', cookie)
    if (code !== 503) return code
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return 503
}

t.test('GET /auth/session ...should serve on replica B a session signed in on replica A, and B should accept its CSRF token', async t => {
  const { a, b } = await twoReplicas(t)
  const editor = await login(a.app, 'editor')
  const onB = await b.app.inject({ url: '/auth/session', headers: { cookie: editor.cookie } })
  t.equal(onB.statusCode, 200)
  t.match(onB.json(), { username: 'editor', roles: ['editor'], csrfToken: editor.csrfToken })
  t.equal(await status(b.app, '/api/clients', editor.cookie), 200)
  const created = await b.app.inject({ method: 'POST', url: '/api/clients', headers: editor.headers, payload: { clientName: 'Made on B' } })
  t.equal(created.statusCode, 201, 'a change on B with the CSRF token A handed out')
  const forged = await b.app.inject({ method: 'POST', url: '/api/clients', headers: { cookie: editor.cookie, 'x-csrf-token': 'guess' }, payload: { clientName: 'x' } })
  t.equal(forged.statusCode, 403, 'and only with it')
})

t.test('POST /auth/logout ...should end the session on every replica', async t => {
  const { a, b } = await twoReplicas(t)
  const viewer = await login(a.app, 'viewer')
  t.equal(await status(b.app, '/auth/session', viewer.cookie), 200)
  t.equal((await b.app.inject({ method: 'POST', url: '/auth/logout', headers: viewer.headers })).statusCode, 204)
  // Replay of the cookie on the replica that issued it.
  t.equal(await status(a.app, '/auth/session', viewer.cookie), 401)
  t.equal(await status(a.app, '/api/clients', viewer.cookie), 401)
  t.equal(await status(b.app, '/api/clients', viewer.cookie), 401)
})

t.test('DELETE /auth/sessions ...should end all of a user\'s sessions on every replica, answer how many, and be audited', async t => {
  const { a, b } = await twoReplicas(t)
  const editors = [await login(a.app, 'editor'), await login(a.app, 'editor'), await login(b.app, 'editor')]
  const viewer = await login(a.app, 'viewer')
  const admin = await login(b.app, 'admin')

  const listed = await a.app.inject({ url: '/auth/sessions?username=editor', headers: { cookie: admin.cookie } })
  t.equal(listed.statusCode, 200, 'replica A lists sessions made on both')
  t.equal(listed.json().sessions.length, 3)
  for (const editor of editors) t.notOk(listed.body.includes(sessionId(editor.cookie)), 'no session id in the list')

  const revoked = await a.app.inject({ method: 'DELETE', url: '/auth/sessions?username=editor', headers: admin.headers })
  t.equal(revoked.statusCode, 200)
  t.same(revoked.json(), { revoked: 3 })
  for (const [i, editor] of editors.entries()) {
    t.equal(await status(a.app, '/api/clients', editor.cookie), 401, `editor session ${i} refused on A`)
    t.equal(await status(b.app, '/api/clients', editor.cookie), 401, `editor session ${i} refused on B`)
  }
  t.equal(await status(b.app, '/api/clients', viewer.cookie), 200, 'other users keep theirs')
  t.same((await b.app.inject({ url: '/auth/sessions?username=editor', headers: { cookie: admin.cookie } })).json(), { sessions: [] })
  t.same((await b.app.inject({ method: 'DELETE', url: '/auth/sessions?username=editor', headers: admin.headers })).json(), { revoked: 0 })

  const [record] = (await allRecords(a.app)).filter(entry => entry.action === 'auth.sessions.revoke')
  t.match(record, { actor: 'admin', via: 'session', route: 'DELETE /auth/sessions', outcome: 'success', status: 200 })
})

t.test('POST /auth/login ...should give a new session id at every login, so a planted or earlier cookie is worth nothing afterwards', async t => {
  const { a, b } = await twoReplicas(t)
  const first = await login(a.app, 'viewer')
  // The attacker's own session cookie, planted in the victim's browser, then the victim logs in with it.
  const again = await b.app.inject({ method: 'POST', url: '/auth/login', headers: { cookie: first.cookie }, payload: { username: 'admin', password: 'admin-password-e07d' } })
  t.equal(again.statusCode, 200)
  const second = sessionCookie(again)
  t.not(sessionId(second), sessionId(first.cookie), 'a new id')
  t.equal(await status(a.app, '/auth/session', first.cookie), 401, 'the planted cookie ended on A')
  t.equal(await status(b.app, '/auth/session', first.cookie), 401, 'and on B')
  t.equal(await status(a.app, '/auth/session', second), 200)
})

t.test('GET /auth/session ...should enforce the idle timeout and the absolute lifetime server-side with Redis', async t => {
  const realNow = Date.now
  let offset = 0
  Date.now = () => realNow() + offset
  t.teardown(() => { Date.now = realNow })
  const { a, b, inspect } = await twoReplicas(t, { SESSION_IDLE_TIMEOUT: '300', SESSION_MAX_AGE: '900' })
  const idle = await login(a.app, 'viewer')
  const busy = await login(a.app, 'editor')
  const ttl = await inspect.pttl(`bff-session:s:${(await inspect.zrange('bff-session:user:viewer', 0, '-1'))[0]}`)
  t.ok(ttl > 290_000 && ttl <= 300_000, `Redis expires the session itself after the idle timeout (PTTL ${ttl})`)
  for (let minute = 1; minute <= 4; minute++) {
    offset += 200_000
    t.equal(await status([a, b][minute % 2]!.app, '/auth/session', busy.cookie), 200, `used every 200 s: alive at ${minute * 200} s`)
  }
  t.equal(await status(b.app, '/auth/session', idle.cookie), 401, 'idle for 800 s: gone')
  offset += 150_000
  t.equal(await status(a.app, '/auth/session', busy.cookie), 401, 'past the absolute lifetime of 900 s, however busy')
})

t.test('Redis keys ...should hold only hashes of session ids, each with an expiry, and logout should leave no index entry behind', async t => {
  const { a, b, inspect } = await twoReplicas(t)
  const sessions = [await login(a.app, 'viewer'), await login(b.app, 'viewer'), await login(b.app, 'admin')]
  const keys = await inspect.keys('*')
  t.ok(keys.length >= 4, `keys: ${keys.join(', ')}`)
  for (const key of keys) {
    const ttl = await inspect.pttl(key)
    if (key.startsWith('bff-session:')) t.ok(ttl > 0, `${key} expires (PTTL ${ttl})`)
    const dump = key + JSON.stringify(await inspect.type(key) === 'string' ? await inspect.get(key) : await inspect.zrange(key, 0, '-1'))
    for (const session of sessions) t.notOk(dump.includes(sessionId(session.cookie)), `${key} does not hold a session id`)
  }
  await b.app.inject({ method: 'POST', url: '/auth/logout', headers: sessions[0]!.headers })
  await a.app.inject({ method: 'POST', url: '/auth/logout', headers: sessions[1]!.headers })
  t.equal(await inspect.exists('bff-session:user:viewer'), 0, 'the user index is gone with its last session')
  t.equal(await inspect.zcard('bff-session:all'), 1, 'only the admin session is left in the global index')
  t.match((await a.app.inject({ url: '/metrics' })).body, /bff_sessions_active 1\b/, 'and the metric counts it')
})

t.test('GET /api/clients ...should answer 503 problem+json with Retry-After while Redis is down, never 200, and recover when it is back', async t => {
  const { redis, a, b } = await twoReplicas(t)
  const editor = await login(a.app, 'editor')
  await redis.stop()
  const before = a.app.sandboxUpstream.requests.length
  const attempts = [
    { app: a.app, method: 'GET' as const, url: '/api/clients', headers: { cookie: editor.cookie } },
    { app: b.app, method: 'GET' as const, url: '/auth/session', headers: { cookie: editor.cookie } },
    { app: a.app, method: 'POST' as const, url: '/api/clients', headers: editor.headers, payload: { clientName: 'During the outage' } },
    { app: b.app, method: 'GET' as const, url: '/auth/sessions?username=editor', headers: { cookie: editor.cookie } }
  ]
  for (const { app, method, url, headers, payload } of attempts) {
    const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
    t.equal(response.statusCode, 503, `${method} ${url}`)
    t.match(response.headers['content-type'], PROBLEM)
    t.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After')
    t.match(response.json(), { status: 503, code: 'BFF_SESSION_STORE_UNAVAILABLE' })
    t.notMatch(response.body, /redis|127\.0\.0\.1|ECONNREFUSED|Stream|csrf/i, 'no internals')
    t.notOk(response.headers['set-cookie'], 'no cookie')
  }
  t.equal(a.app.sandboxUpstream.requests.length, before, 'nothing reached the upstream')
  // Login: the login rate limiter (in the same Redis) may be the one to refuse first; refused it is.
  const loginAttempt = await a.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: 'viewer-password-8c1f' } })
  t.equal(loginAttempt.statusCode, 503, 'POST /auth/login')
  t.notOk(loginAttempt.headers['set-cookie'], 'no cookie')
  t.equal(await status(a.app, '/api/clients', 'bff_session=forged.value'), 401, 'a forged cookie is still just a 401')

  await redis.start()
  // The restarted Redis is empty (no persistence in the test): the old session is gone, not revived.
  t.equal(await untilReachable(a.app, editor.cookie), 401, 'A reconnects; the lost session is a 401')
  t.equal(await untilReachable(b.app, editor.cookie), 401, 'so does B')
  const again = await login(b.app, 'editor')
  t.equal(await status(a.app, '/api/clients', again.cookie), 200, 'a new login works across replicas again')
  for (const line of [...a.logs, ...b.logs]) t.notOk(line.includes(editor.csrfToken) || line.includes(sessionId(editor.cookie)), 'no session secret in the logs')
})

t.test('GET /auth/session ...should answer 503 within seconds while Redis hangs, then serve the same session once it answers again', async t => {
  const { redis, a, b } = await twoReplicas(t)
  const viewer = await login(a.app, 'viewer')
  redis.pause()
  let resumed = false
  t.teardown(() => { if (!resumed) redis.resume() })
  const started = Date.now()
  const hung = await b.app.inject({ url: '/api/clients', headers: { cookie: viewer.cookie } })
  t.equal(hung.statusCode, 503)
  t.equal(hung.json().code, 'BFF_SESSION_STORE_UNAVAILABLE')
  t.ok(Date.now() - started < 3000, `refused after ${Date.now() - started} ms, not held`)
  redis.resume()
  resumed = true
  t.equal(await untilReachable(b.app, viewer.cookie), 200, 'the same session, still valid')
  t.equal(await status(a.app, '/api/clients', viewer.cookie), 200)
})

t.test('POST /auth/backchannel-logout store side ...should end by OIDC sid or sub the sessions another replica created, and only those', async t => {
  const { a, b, inspect } = await twoReplicas(t)
  const issuer = 'https://sso.example.com'
  const record = (username: string, subject: string, sessionId?: string) => {
    const now = Date.now()
    return { username, roles: ['viewer' as const], csrfToken: 'c', createdAt: now, lastSeenAt: now, maxExpiresAt: now + 60_000, provider: { issuer, subject, ...(sessionId === undefined ? {} : { sessionId }) } }
  }
  await a.app.sessionStore.set('k1', record('alice', 'sub-alice', 'sid-1'), 60_000)
  await a.app.sessionStore.set('k2', record('alice', 'sub-alice', 'sid-2'), 60_000)
  await a.app.sessionStore.set('k3', record('bob', 'sub-bob', 'sid-3'), 60_000)
  await a.app.sessionStore.set('k4', { ...record('carol', 'sub-alice', 'sid-1'), provider: { issuer: 'https://other.example.com', subject: 'sub-alice', sessionId: 'sid-1' } }, 60_000)

  t.equal(await b.app.sessionStore.deleteByProviderSession(issuer, 'sub-alice', 'sid-1'), 1, 'the sid names one session')
  t.equal(await b.app.sessionStore.get('k1'), undefined)
  t.ok(await b.app.sessionStore.get('k2'), 'alice\'s other session lives')
  t.ok(await b.app.sessionStore.get('k4'), 'the same sid at another issuer lives')
  t.equal(await b.app.sessionStore.deleteByProviderSession(issuer, 'sub-alice', undefined), 1, 'the sub names the rest of alice\'s')
  t.equal(await b.app.sessionStore.get('k2'), undefined)
  t.ok(await b.app.sessionStore.get('k3'), 'bob is untouched')
  t.equal(await b.app.sessionStore.deleteByProviderSession(issuer, undefined, undefined), 0)
  t.same((await a.app.sessionStore.listByUser({ source: 'oidc', username: 'alice' })), [], 'alice has none left')
  t.equal(await inspect.exists('bff-session:user:oidc:alice'), 0, 'and no index entry')
  // A request that read k1 just before the revocation touches it afterwards: it must stay revoked.
  await a.app.sessionStore.touch('k1', record('alice', 'sub-alice', 'sid-1'), 60_000)
  t.equal(await b.app.sessionStore.get('k1'), undefined, 'a late touch does not bring a revoked session back')
  t.same(await inspect.zrange('bff-session:user:oidc:alice', 0, '-1'), [], 'nor its index entry')
})
