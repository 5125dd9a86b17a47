import t, { type Test } from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { startRedis } from '../helpers/redis.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { openIdempotencyStore, type IdempotencyStore, type StoredAnswer } from '../../src/idempotency/stores/idempotency-store.ts'

// The three stores behind one interface, each against a real server or file: the same claims, answers
// and expiries. Leases and TTLs are milliseconds here, as the stores take them.

const LEASE_MS = 300
const TTL_MS = 400
const ANSWER: StoredAnswer = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', location: '/api/clients/1' }, body: '{"clientId":1}', withheld: [] }

const stores: Record<string, (t: Test) => Promise<IdempotencyStore>> = {
  sqlite: async () => await openIdempotencyStore(null, `sqlite:${join(await mkdtemp(join(tmpdir(), 'bff-idem-')), 'audit.db')}`),
  postgres: async t => await openIdempotencyStore(null, (await startPostgres(t)).url),
  redis: async t => {
    const redis = new Redis((await startRedis(t)).url)
    t.teardown(() => redis.disconnect())
    return await openIdempotencyStore(redis, 'sqlite:unused')
  }
}

for (const [name, open] of Object.entries(stores)) {
  t.test(`idempotency store (${name}) ...should claim a key once, keep its answer, free it, and let leases and answers expire`, async t => {
    const store = await open(t)
    t.teardown(() => store.close())
    t.equal(await store.claim('k1', 'f1', LEASE_MS), undefined, 'a new key is claimed')
    t.same(await store.claim('k1', 'f2', LEASE_MS), { state: 'in-flight', fingerprint: 'f1' }, 'a second claim gets the first in flight')
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim('race', 'f', LEASE_MS)))
    t.equal(claims.filter(claim => claim === undefined).length, 1, 'of concurrent claims one wins')

    await store.complete('k1', 'f1', ANSWER, TTL_MS)
    const completedAt = Date.now()
    t.same(await store.claim('k1', 'f1', LEASE_MS), { state: 'done', fingerprint: 'f1', answer: ANSWER }, 'the answer is kept')

    t.equal(await store.claim('k2', 'f', LEASE_MS), undefined)
    await store.release('k2')
    t.equal(await store.claim('k2', 'f', LEASE_MS), undefined, 'a released key is claimed again')
    const claimedAt = Date.now()

    await sleep(claimedAt + LEASE_MS - Date.now() + 20)
    t.equal(await store.claim('k2', 'g', LEASE_MS), undefined, 'a lapsed lease is taken over')
    await sleep(completedAt + TTL_MS - Date.now() + 20)
    t.equal(await store.claim('k1', 'other', LEASE_MS), undefined, 'an expired answer is gone')
    t.equal(await store.claim('k3', 'f', 60_000), undefined)
    await store.prune()
    t.same(await store.claim('k3', 'other', LEASE_MS), { state: 'in-flight', fingerprint: 'f' }, 'pruning keeps what has not expired')
  })
}
