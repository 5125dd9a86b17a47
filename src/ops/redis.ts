import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Redis (REDIS_URL), or null when each replica keeps its state to itself. */
    redis: Redis | null
  }
}

const ERROR_LOG_INTERVAL_MS = 10_000
// What a 503 of a Redis-backed store tells clients: long enough for a failover, short for a blip.
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2

/**
 * Runs a call of a Redis-backed store; any failure becomes `Unavailable` (a 503 with Retry-After).
 * Only the message is kept as the cause: ioredis attaches the failed command, whose arguments are the
 * stored data (sessions, token records) and must not reach a log.
 */
export async function whileRedisAnswers<T> (work: () => Promise<T>, Unavailable: new (options: { cause: Error }) => Error): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const cause = new Error(error instanceof Error ? error.message : String(error))
    throw Object.assign(new Unavailable({ cause }), { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS })
  }
}

// Commands fail at once while Redis is unreachable (no offline queue, one try): callers decide
// whether to fail open or closed instead of hanging on a queue. A Redis that keeps the connection
// open but does not answer (paused, partitioned, stuck) would otherwise hold every rate-limited
// request forever: commands give up after COMMAND_TIMEOUT_MS (test/ops/rate-limits-redis.test.ts).
const COMMAND_TIMEOUT_MS = 1000
// ioredis waits 50 ms more before each reconnection attempt, up to 2 s: a Redis back after a few
// seconds was used again only 4 s later. Tries every 500 ms at most: one cheap connect each.
const MAX_RECONNECT_DELAY_MS = 500
const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS)

async function redisPlugin (app: FastifyInstance, { url }: { url?: string }): Promise<void> {
  if (url === undefined) {
    app.decorate('redis', null)
    return
  }
  // Loaded only when configured: the driver is a sizeable part of the process's memory.
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: COMMAND_TIMEOUT_MS, retryStrategy: reconnectDelay })
  let lastLogged = 0
  redis.on('error', (error: Error) => {
    if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return
    lastLogged = Date.now()
    app.log.warn({ err: error }, 'redis unreachable')
  })
  await redis.connect().catch((error: unknown) => { app.log.error({ err: error }, 'redis unreachable at start; retrying in the background') })
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { redis.disconnect() })
}

export default fp(redisPlugin, { name: 'redis', fastify: '5.x' })
