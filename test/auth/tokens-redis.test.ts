import t from 'tap'
import { Redis } from 'ioredis'
import { buildTestApp, login, tokenSecret } from '../helpers/app.ts'
import { startRedis } from '../helpers/redis.ts'

// API_TOKEN_STORE=redis: tokens shared by two app instances (replicas) through one real Redis.

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

t.test('GET /api/clients ...should accept on replica B a token made on replica A, refuse it on A once B revoked it, and keep only its hash in Redis', async t => {
  const redis = await startRedis(t)
  const env = { API_TOKEN_STORE: 'redis', REDIS_URL: redis.url }
  const [a, b] = await Promise.all([buildTestApp(t, env), buildTestApp(t, env)])
  const editorOnA = await login(a.app, 'editor')
  const created = await a.app.inject({ method: 'POST', url: '/auth/tokens', headers: editorOnA.headers, payload: { name: 'ci', roles: ['editor'], expiresInDays: 2 } })
  t.equal(created.statusCode, 201)
  const { id, token } = created.json() as { id: string, token: string }

  t.equal((await b.app.inject({ url: '/api/clients', headers: bearer(token) })).statusCode, 200, 'B accepts it')
  const editorOnB = await login(b.app, 'editor')
  t.match((await b.app.inject({ url: '/auth/tokens', headers: { cookie: editorOnB.cookie } })).json(), { tokens: [{ id, name: 'ci' }] }, 'and lists it')

  const inspect = new Redis(redis.url)
  inspect.on('error', () => {})
  t.teardown(() => { inspect.disconnect() })
  const secret = tokenSecret(token)
  for (const key of await inspect.keys('bff-token:*')) {
    const value = await inspect.type(key) === 'string' ? await inspect.get(key) : (await inspect.smembers(key)).join(',')
    t.notOk(`${key} ${value}`.includes(secret), `${key} does not hold the secret`)
    const ttl = await inspect.pttl(key)
    t.ok(ttl > 2 * 86_400_000 - 60_000 && ttl <= 2 * 86_400_000, `${key} expires with the token (PTTL ${ttl})`)
  }

  t.equal((await b.app.inject({ method: 'DELETE', url: `/auth/tokens/${id}`, headers: editorOnB.headers })).statusCode, 204)
  const refused = await a.app.inject({ url: '/api/clients', headers: bearer(token) })
  t.equal(refused.statusCode, 401, 'A refuses it at once')
  t.equal(refused.json().code, 'BFF_BAD_API_TOKEN')
  t.same(await inspect.keys('bff-token:*'), [], 'nothing left behind')
})

t.test('GET /api/clients ...should answer 503 to a bearer token while the token store (Redis) is down, never 200 nor a fall-through to the cookie', async t => {
  const redis = await startRedis(t)
  const { app, logs } = await buildTestApp(t, { API_TOKEN_STORE: 'redis', REDIS_URL: redis.url })
  const admin = await login(app, 'admin')
  const { token } = (await app.inject({ method: 'POST', url: '/auth/tokens', headers: admin.headers, payload: { name: 'ci', roles: ['admin'], expiresInDays: 1 } })).json()
  await redis.stop()
  for (const headers of [bearer(token), { ...bearer(token), cookie: admin.cookie }]) {
    const response = await app.inject({ url: '/api/clients', headers })
    t.equal(response.statusCode, 503)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    t.equal(response.json().code, 'BFF_TOKEN_STORE_UNAVAILABLE')
    t.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After')
    t.notMatch(response.body, /redis|127\.0\.0\.1|ECONNREFUSED/i)
  }
  const write = await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload: { clientName: 'x' } })
  t.equal(write.statusCode, 503)
  t.equal(app.sandboxUpstream.requests.filter(request => request.method === 'POST').length, 0, 'nothing was created upstream')
  const secret = tokenSecret(token)
  for (const line of logs) t.notOk(line.includes(secret), 'the token is in no log line')
})
