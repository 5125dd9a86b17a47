import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import pg from 'pg'
import { buildTestApp, login, type Login } from '../helpers/app.ts'
import { startRedis } from '../helpers/redis.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { startSandboxUpstream } from '../../src/sandbox/emulator.ts'
import { WITHHELD } from '../../src/idempotency/stored-answer.ts'
import { newKey, startHoldingUpstream, writesOf } from './support.ts'

const NEW_CLIENT = { clientName: 'Made once', redirectUris: ['https://app.example.com/cb'] }

/** Two replicas on one emulator (a real HTTP hop each), sharing `env`'s stores; an admin session on each. */
async function twoReplicas (t: Test, env: Record<string, string>) {
  const upstream = await startSandboxUpstream()
  t.teardown(() => upstream.close())
  const shared = {
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: upstream.credentials.serviceId,
    AUTHLETE_SERVICE_ACCESS_TOKEN: upstream.credentials.accessToken,
    SESSION_SECRET: 'a session secret both replicas share, 32+ characters',
    ...env
  }
  const replicas = [await buildTestApp(t, shared), await buildTestApp(t, shared)]
  const creates = () => upstream.requests.filter(request => request.path.endsWith('/client/create')).length
  return { replicas: replicas.map(replica => replica.app), creates }
}

const create = (app: Awaited<ReturnType<typeof buildTestApp>>['app'], session: Login, key: string) =>
  app.inject({ method: 'POST', url: '/api/clients', headers: { ...session.headers, 'idempotency-key': key }, payload: NEW_CLIENT })

t.test('POST /api/clients with an Idempotency-Key ...should be answered on the other replica sharing Redis with the first answer, and keep no secret in Redis', async t => {
  const redis = await startRedis(t)
  const { replicas: [a, b], creates } = await twoReplicas(t, { REDIS_URL: redis.url, SESSION_STORE: 'redis' })
  const session = await login(a!, 'admin')
  const key = newKey()
  const first = await create(a!, session, key)
  t.equal(first.statusCode, 201)
  const retry = await create(b!, session, key)
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers['idempotent-replayed'], 'true', 'replica B replays replica A\'s answer')
  t.equal(retry.headers.location, first.headers.location)
  t.equal(retry.json().clientId, first.json().clientId)
  t.equal(retry.json().clientSecret, WITHHELD)
  t.equal(creates(), 1, 'the client was created once')

  const reader = new Redis(redis.url)
  t.teardown(() => reader.disconnect())
  const keys = await reader.keys('bff-idempotency:*')
  t.equal(keys.length, 1)
  const stored = await reader.get(keys[0]!)
  t.notOk(stored!.includes(first.json().clientSecret as string), 'the secret is not in Redis')
  const ttl = await reader.pttl(keys[0]!)
  t.ok(ttl > 23 * 3_600_000 && ttl <= 24 * 3_600_000, `kept for IDEMPOTENCY_TTL_HOURS (24): ${ttl} ms`)
})

t.test('POST /api/clients with an Idempotency-Key ...should be answered on the other replica sharing PostgreSQL with the first answer, and keep no secret in the table', async t => {
  const postgres = await startPostgres(t)
  const { replicas: [a, b], creates } = await twoReplicas(t, { AUDIT_STORE: postgres.url })
  const key = newKey()
  const first = await create(a!, await login(a!, 'admin'), key)
  t.equal(first.statusCode, 201)
  const retry = await create(b!, await login(b!, 'admin'), key)
  t.equal(retry.headers['idempotent-replayed'], 'true', 'the same user on replica B gets replica A\'s answer')
  t.equal(retry.json().clientId, first.json().clientId)
  t.equal(creates(), 1)
  const other = await create(b!, await login(b!, 'admin'), newKey())
  t.equal(other.statusCode, 201)
  t.equal(creates(), 2, 'a new key is a new client')

  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  t.teardown(() => client.end())
  const { rows } = await client.query<{ answer: string }>('SELECT answer FROM idempotency_keys')
  t.equal(rows.length, 2)
  for (const secret of [first.json().clientSecret, other.json().clientSecret] as string[]) {
    t.notOk(rows.some(row => row.answer.includes(secret)), 'no secret in the table')
  }
})

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should run a retry again once IDEMPOTENCY_TTL_HOURS have passed', async t => {
  const ttlHours = 0.002
  const { app } = await buildTestApp(t, { IDEMPOTENCY_TTL_HOURS: String(ttlHours) })
  const editor = await login(app, 'editor')
  const key = newKey()
  const lock = () => app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: { ...editor.headers, 'idempotency-key': key }, payload: { locked: true } })
  const sent = () => app.sandboxUpstream.requests.filter(request => request.path.includes('/lock_flag/')).length
  t.equal((await lock()).statusCode, 200)
  // The answer was stored before it was sent: the TTL runs from before this point.
  const storedBy = Date.now()
  const replay = await lock()
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(sent(), 1)
  await new Promise(resolve => setTimeout(resolve, storedBy + ttlHours * 3_600_000 - Date.now() + 50))
  const after = await lock()
  t.equal(after.statusCode, 200)
  t.equal(after.headers['idempotent-replayed'], undefined, 'expired: run again')
  t.equal(sent(), 2)
})

t.test('DELETE /api/clients/:clientId with an Idempotency-Key ...should answer 409 on the other replica sharing Redis while the first runs, then the first answer', async t => {
  const redis = await startRedis(t)
  const upstream = await startHoldingUpstream(t)
  const env = { AUTHLETE_BASE_URL: upstream.url, AUTHLETE_SERVICE_ID: '7', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-replicas', REDIS_URL: redis.url, SESSION_STORE: 'redis', SESSION_SECRET: 'a session secret both replicas share, 32+ characters' }
  const [a, b] = [(await buildTestApp(t, env)).app, (await buildTestApp(t, env)).app]
  const session = await login(a, 'admin')
  const key = newKey()
  const remove = (app: typeof a) => app.inject({ method: 'DELETE', url: '/api/clients/42', headers: { ...session.headers, 'idempotency-key': key } })
  const first = remove(a)
  await upstream.firstArrived
  const meanwhile = await remove(b)
  t.equal(meanwhile.statusCode, 409)
  t.equal(meanwhile.json().code, 'BFF_IDEMPOTENCY_IN_FLIGHT')
  t.equal(meanwhile.headers['retry-after'], '1')
  upstream.held[0]!.writeHead(204).end()
  t.equal((await first).statusCode, 204)
  const retry = await remove(b)
  t.equal(retry.statusCode, 204)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(writesOf(upstream.requests), 1, 'deleted once')
})
