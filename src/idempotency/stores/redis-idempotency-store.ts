import type { Redis } from 'ioredis'
import { toRecord, type IdempotencyStore } from './idempotency-store.ts'

const PREFIX = 'bff-idempotency:'
// A claim that loses to a record which then expires before it is read tries again, at most this often.
const CLAIM_ATTEMPTS = 3

/** One string key per record, expired by Redis itself; SET NX makes the claim atomic across replicas. */
export function createRedisIdempotencyStore (redis: Redis): IdempotencyStore {
  const keyOf = (key: string): string => `${PREFIX}${key}`
  return {
    async claim (key, fingerprint, leaseMs) {
      for (let attempt = 1; ; attempt++) {
        if (await redis.set(keyOf(key), JSON.stringify({ state: 'in-flight', fingerprint }), 'PX', leaseMs, 'NX') === 'OK') return undefined
        const held = await redis.get(keyOf(key))
        if (held !== null) {
          const record = JSON.parse(held) as { state: string, fingerprint: string, answer?: string }
          return toRecord(record.state, record.fingerprint, record.answer ?? null)
        }
        if (attempt === CLAIM_ATTEMPTS) throw new Error('idempotency key kept expiring while claimed')
      }
    },
    async complete (key, fingerprint, answer, ttlMs) {
      await redis.set(keyOf(key), JSON.stringify({ state: 'done', fingerprint, answer: JSON.stringify(answer) }), 'PX', ttlMs)
    },
    async release (key) {
      await redis.del(keyOf(key))
    },
    async prune () {},
    // The connection is the app's (src/ops/redis.ts), closed with it.
    async close () {}
  }
}
