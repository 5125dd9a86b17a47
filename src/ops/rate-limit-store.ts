import { createRequire } from 'node:module'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { errors } from '../http/errors.ts'

type Counter = { current: number, ttl: number }
type Callback = (error: Error | null, result?: Counter) => void
interface CounterStore { incr: (key: string, callback: Callback, timeWindow: number, max: number) => void }

// The plugin's own stores, not exported by name from its entry point.
const require = createRequire(import.meta.url)
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => CounterStore
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => CounterStore

// When the counters cannot be reached: reads go on (with a warning: the upstream is protected by its
// own limits for reads), anything that changes state or checks a password is refused.
const FAIL_OPEN = new Set(['read'])

/**
 * A store class for @fastify/rate-limit in which every limiter (bucket) shares one set of counters,
 * its keys prefixed by the bucket, so a budget spans all the routes that spend it.
 */
export function createBucketStore (log: FastifyBaseLogger, redis?: Redis) {
  const counters: CounterStore = redis === undefined ? new LocalStore(false, false, 100_000) : new RedisStore(false, false, redis, 'bff-rate:')
  // Login counters have an LRU of their own: a flood of other requests from many addresses must not
  // push a guesser's login counter out (and with it the guesses already counted).
  const loginCounters: CounterStore = redis === undefined ? new LocalStore(false, false, 100_000) : counters

  return class BucketStore {
    readonly bucket: string
    constructor (params: object) {
      this.bucket = (params as { bucket?: string }).bucket ?? 'global'
    }

    incr (key: string, callback: Callback, timeWindow: number, max: number): void {
      const store = this.bucket.startsWith('login') ? loginCounters : counters
      store.incr(`${this.bucket}:${key}`, (error, result) => {
        // A copy: the memory store hands out the very object it keeps counting in, so a caller that
        // reads it after an await would see later requests' increments (all of a burst refused).
        if (error === null) return callback(null, { current: result!.current, ttl: result!.ttl })
        if (FAIL_OPEN.has(this.bucket)) {
          log.warn({ bucket: this.bucket, err: error }, 'rate limit counters unreachable: letting reads through')
          return callback(null, { current: 0, ttl: timeWindow })
        }
        // Like every other 503 of a store that is down: a hint for clients when to come back.
        callback(Object.assign(new errors.RateLimitUnavailable(this.bucket, { cause: error }), { retryAfterSeconds: 5 }))
      }, timeWindow, max)
    }

    child (params: object): BucketStore {
      return new BucketStore(params)
    }
  }
}
