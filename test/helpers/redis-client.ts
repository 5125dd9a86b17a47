import { Redis } from 'ioredis'
import type { Test } from 'tap'
import type { TestRedis } from './redis.ts'

/**
 * A client of `server` as the app makes one (src/ops/redis.ts): no offline queue, one try, so commands fail
 * at once while Redis is unreachable. For store tests that call a Redis-backed store directly; closed at the test's end.
 */
export async function connectRedis (t: Test, server: TestRedis): Promise<Redis> {
  const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000, lazyConnect: true })
  await redis.connect()
  t.teardown(() => { redis.disconnect() })
  return redis
}
