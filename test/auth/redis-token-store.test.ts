import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { Test } from 'tap'
import type { Redis } from 'ioredis'
import { createRedisTokenStore } from '../../src/auth/tokens/redis-token-store.ts'
import { startRedis } from '../helpers/redis.ts'
import { connectRedis } from '../helpers/redis-client.ts'
import { tokenRecord, tokenStoreContract } from './token-store-contract.ts'

// The Redis store against a real Redis, on Redis's own clock: one server for the file, emptied for each test.

const HOUR_MS = 3_600_000

const shared = await startRedis(t)
async function client (t: Test): Promise<Redis> {
  const redis = await connectRedis(t, shared)
  await redis.flushall()
  return redis
}

tokenStoreContract(t, async t => ({ store: createRedisTokenStore(await client(t)), elapse: async ms => { await sleep(ms) } }))

t.test('create ...should keep a token under bff-token:t:<id> until its expiresAt, listed in its owner\'s index (a local owner\'s under its name before sources)', async t => {
  const redis = await client(t)
  const store = createRedisTokenStore(redis)
  const local = tokenRecord()
  const oidc = tokenRecord({ source: 'oidc', username: 'bob' })
  await store.create(local, 10)
  await store.create(oidc, 10)
  t.same((await redis.keys('*')).sort(), [`bff-token:t:${local.id}`, `bff-token:t:${oidc.id}`, 'bff-token:user:alice', 'bff-token:user:oidc:bob'].sort())
  t.same(JSON.parse((await redis.get(`bff-token:t:${local.id}`))!), local)
  t.equal(await redis.pexpiretime(`bff-token:t:${local.id}`), local.expiresAt)
  t.same(await redis.smembers('bff-token:user:oidc:bob'), [oidc.id])
})

t.test('create ...should keep an owner\'s index as long as its longest-lived token', async t => {
  const redis = await client(t)
  const store = createRedisTokenStore(redis)
  const now = Date.now()
  await store.create(tokenRecord({ expiresAt: now + 2 * HOUR_MS }), 10)
  t.equal(await redis.pexpiretime('bff-token:user:alice'), now + 2 * HOUR_MS)
  await store.create(tokenRecord({ expiresAt: now + HOUR_MS }), 10)
  t.equal(await redis.pexpiretime('bff-token:user:alice'), now + 2 * HOUR_MS, 'a shorter-lived token leaves it')
  await store.create(tokenRecord({ expiresAt: now + 3 * HOUR_MS }), 10)
  t.equal(await redis.pexpiretime('bff-token:user:alice'), now + 3 * HOUR_MS, 'a longer-lived one pushes it later')
})

t.test('create ...should take a refused token back entirely, key and index entry', async t => {
  const redis = await client(t)
  const store = createRedisTokenStore(redis)
  const kept = tokenRecord()
  const refused = tokenRecord()
  await store.create(kept, 1)
  t.equal(await store.create(refused, 1), false)
  t.equal(await redis.exists(`bff-token:t:${refused.id}`), 0)
  t.same(await redis.smembers('bff-token:user:alice'), [kept.id])
})

t.test('listByUser ...should drop from the index the tokens Redis has expired, and read a token from before sources', async t => {
  const redis = await client(t)
  const store = createRedisTokenStore(redis)
  const [gone, kept] = [tokenRecord(), tokenRecord()]
  await store.create(gone!, 10)
  await store.create(kept!, 10)
  await redis.del(`bff-token:t:${gone!.id}`)
  t.same(await store.listByUser({ source: 'local', username: 'alice' }), [kept])
  t.same(await redis.smembers('bff-token:user:alice'), [kept!.id])
  const old = tokenRecord()
  const stored: Record<string, unknown> = { ...old }
  delete stored.source
  delete stored.createdBySource
  await redis.set(`bff-token:t:${old.id}`, JSON.stringify(stored))
  await redis.sadd('bff-token:user:alice', old.id)
  t.same((await store.listByUser({ source: 'local', username: 'alice' })).map(record => record.id).sort(), [kept!.id, old.id].sort())
  t.equal(await store.delete(old.id), true, 'and revoke it')
  t.same(await redis.smembers('bff-token:user:alice'), [kept!.id])
})

t.test('touch ...should keep the token\'s expiry', async t => {
  const redis = await client(t)
  const store = createRedisTokenStore(redis)
  const record = tokenRecord()
  await store.create(record, 10)
  await store.touch(record.id, { ...record, lastUsedAt: record.createdAt + 60_000 })
  t.equal(await redis.pexpiretime(`bff-token:t:${record.id}`), record.expiresAt)
})

t.test('every method ...should throw BFF_TOKEN_STORE_UNAVAILABLE (503, Retry-After 2) while Redis is down', async t => {
  const server = await startRedis(t)
  const store = createRedisTokenStore(await connectRedis(t, server))
  const record = tokenRecord()
  await store.create(record, 10)
  await server.stop()
  const unavailable = { code: 'BFF_TOKEN_STORE_UNAVAILABLE', statusCode: 503, retryAfterSeconds: 2 }
  await t.rejects(store.create(tokenRecord(), 10), unavailable)
  await t.rejects(store.get(record.id), unavailable)
  await t.rejects(store.listByUser({ source: 'local', username: 'alice' }), unavailable)
  await t.rejects(store.delete(record.id), unavailable)
  await t.rejects(store.touch(record.id, record), unavailable)
  await store.close()
})
