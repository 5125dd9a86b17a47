import type { Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'
import { whileRedisAnswers } from '../../ops/redis.ts'
import type { ApiTokenRecord, TokenStore } from './token-store.ts'

const PREFIX = 'bff-token:'

/**
 * Tokens shared by every replica. A token is one string key that Redis expires at the token's
 * expiry; a per-user set of ids (expiring with its last token) serves the lists.
 */
export function createRedisTokenStore (redis: Redis): TokenStore {
  const tokenKey = (id: string): string => `${PREFIX}t:${id}`
  const userIndex = (username: string): string => `${PREFIX}user:${username}`
  const parse = (value: string | null | undefined): ApiTokenRecord | undefined => value === null || value === undefined ? undefined : JSON.parse(value) as ApiTokenRecord

  return {
    create: async record => guard(async () => {
      const index = userIndex(record.username)
      const results = await redis.multi()
        .set(tokenKey(record.id), JSON.stringify(record), 'PXAT', record.expiresAt, 'NX')
        .sadd(index, record.id)
        // NX gives a new index an expiry; GT only ever pushes it later (Redis 7).
        .pexpireat(index, record.expiresAt, 'NX')
        .pexpireat(index, record.expiresAt, 'GT')
        .exec()
      for (const [error] of results ?? [[new Error('transaction aborted')]]) if (error !== null) throw error
    }),
    get: async id => guard(async () => parse(await redis.get(tokenKey(id)))),
    listByUser: async username => guard(async () => {
      const index = userIndex(username)
      const ids = await redis.smembers(index)
      if (ids.length === 0) return []
      const values = await redis.mget(ids.map(tokenKey))
      const gone = ids.filter((_, i) => values[i] === null)
      if (gone.length > 0) await redis.srem(index, ...gone)
      return values.map(parse).filter(record => record !== undefined)
    }),
    delete: async id => guard(async () => {
      const record = parse(await redis.get(tokenKey(id)))
      if (record === undefined) return false
      const results = await redis.multi().del(tokenKey(id)).srem(userIndex(record.username), id).exec()
      return results?.[0]?.[1] === 1
    }),
    // XX: never recreates a revoked token; KEEPTTL: the expiry stays the token's.
    touch: async (id, record) => guard(async () => { await redis.set(tokenKey(id), JSON.stringify(record), 'KEEPTTL', 'XX') }),
    // The connection is the app's (src/redis.ts), closed with it.
    async close () {}
  }
}

async function guard<T> (work: () => Promise<T>): Promise<T> {
  return await whileRedisAnswers(work, errors.TokenStoreUnavailable)
}
