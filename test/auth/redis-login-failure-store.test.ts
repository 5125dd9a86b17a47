import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { Test } from 'tap'
import type { Redis } from 'ioredis'
import { createRedisLoginFailureStore } from '../../src/auth/login-failures/redis-login-failure-store.ts'
import type { LoginKey } from '../../src/auth/login-failures/login-failure-store.ts'
import { startRedis } from '../helpers/redis.ts'
import { connectRedis } from '../helpers/redis-client.ts'
import { loginFailureStoreContract } from './login-failure-store-contract.ts'

// The Redis store against a real Redis, on Redis's own clock: one server for the file, emptied for each test.

const shared = await startRedis(t)
async function client (t: Test): Promise<Redis> {
  const redis = await connectRedis(t, shared)
  await redis.flushall()
  return redis
}

loginFailureStoreContract(t, async t => {
  const redis = await client(t)
  return { store: createRedisLoginFailureStore(redis), elapse: async ms => { await sleep(ms) } }
})

const WINDOWS = { pairMs: 60_000, userMs: 900_000 }
const key = (username: string, address: string, device = false): LoginKey => ({ username, address, device })

t.test('add ...should keep its counters under bff-login: keys that name no username nor address, the address list as long as the longest window', async t => {
  const redis = await client(t)
  const store = createRedisLoginFailureStore(redis)
  await store.add(key('alice', '192.0.2.1'), WINDOWS)
  await store.add(key('alice', 'device:one', true), WINDOWS)
  const keys = (await redis.keys('*')).sort()
  t.equal(keys.length, 4, keys.join(' '))
  t.same(keys.map(name => name.slice(0, 'bff-login:x:'.length)).sort(), ['bff-login:a:', 'bff-login:p:', 'bff-login:p:', 'bff-login:u:'])
  t.notMatch(keys.join(' '), /alice|192\.0\.2\.1|device/, 'hashed')
  const list = keys.find(name => name.startsWith('bff-login:a:'))!
  t.same((await redis.smembers(list)).sort(), keys.filter(name => name.startsWith('bff-login:p:')), 'the username\'s address list names its pair counters')
  const ttl = await redis.pttl(list)
  t.ok(ttl > 890_000 && ttl <= 900_000, `the list lives as long as the username's window: ${ttl}`)
})

t.test('refund ...should never create a counter, and clearUser leave no key behind', async t => {
  const redis = await client(t)
  const store = createRedisLoginFailureStore(redis)
  await store.refund(key('alice', '192.0.2.1'), false)
  await store.refund(key('alice', 'device:one', true), false)
  await store.refund(key('alice', '192.0.2.1'), true)
  t.same(await redis.keys('*'), [], 'refunds of nothing')
  await store.add(key('alice', '192.0.2.1'), WINDOWS)
  await store.add(key('alice', 'device:one', true), WINDOWS)
  await store.refund(key('alice', '192.0.2.1'), true)
  t.equal((await redis.keys('bff-login:p:*')).length, 1, 'a success drops its pair counter\'s key')
  t.equal((await redis.smembers((await redis.keys('bff-login:a:*'))[0]!)).length, 1, 'and takes it off the address list')
  await store.clearUser('alice')
  t.same(await redis.keys('*'), [])
})

t.test('add, refund and clearUser ...should throw BFF_RATE_LIMIT_UNAVAILABLE (503, Retry-After 2) while Redis is down', async t => {
  const server = await startRedis(t)
  const store = createRedisLoginFailureStore(await connectRedis(t, server))
  await server.stop()
  const unavailable = { code: 'BFF_RATE_LIMIT_UNAVAILABLE', statusCode: 503, retryAfterSeconds: 2, message: 'The rate limiter cannot be reached, so this login request is refused' }
  await t.rejects(store.add(key('alice', '192.0.2.1'), WINDOWS), unavailable)
  await t.rejects(store.refund(key('alice', '192.0.2.1'), false), unavailable)
  await t.rejects(store.clearUser('alice'), unavailable)
})
