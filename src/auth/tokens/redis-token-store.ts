import type { Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'
import { whileRedisAnswers } from '../../ops/redis.ts'
import type { Principal } from '../identity.ts'
import { tokenOwner, type ApiTokenRecord, type TokenStore } from './token-store.ts'

const PREFIX = 'bff-token:'

/**
 * Tokens shared by every replica. A token is one string key that Redis expires at the token's
 * expiry; a per-user set of ids (expiring with its last token) serves the lists.
 */
export function createRedisTokenStore (redis: Redis): TokenStore {
  const tokenKey = (id: string): string => `${PREFIX}t:${id}`
  // Local owners keep the index name they had before sources existed (local names have no colon).
  const userIndex = ({ source, username }: Principal): string => source === 'local' ? `${PREFIX}user:${username}` : `${PREFIX}user:${source}:${username}`
  const parse = (value: string | null | undefined): ApiTokenRecord | undefined => value === null || value === undefined ? undefined : JSON.parse(value) as ApiTokenRecord

  const listByUser = async (owner: Principal): Promise<ApiTokenRecord[]> => {
    const index = userIndex(owner)
    const ids = await redis.smembers(index)
    if (ids.length === 0) return []
    const values = await redis.mget(ids.map(tokenKey))
    const gone = ids.filter((_, i) => values[i] === null)
    if (gone.length > 0) await redis.srem(index, ...gone)
    return values.map(parse).filter(record => record !== undefined)
  }

  return {
    // Written, then counted: of tokens racing past the limit on several replicas, each sees the others
    // and takes itself back, so the limit may refuse one too many, never allow one too many.
    create: async (record, maxPerOwner) => guard(async () => {
      const index = userIndex(tokenOwner(record))
      const results = await redis.multi()
        .set(tokenKey(record.id), JSON.stringify(record), 'PXAT', record.expiresAt, 'NX')
        .sadd(index, record.id)
        // NX gives a new index an expiry; GT only ever pushes it later (Redis 7).
        .pexpireat(index, record.expiresAt, 'NX')
        .pexpireat(index, record.expiresAt, 'GT')
        .exec()
      for (const [error] of results ?? [[new Error('transaction aborted')]]) if (error !== null) throw error
      if ((await listByUser(tokenOwner(record))).length <= maxPerOwner) return true
      await redis.multi().del(tokenKey(record.id)).srem(index, record.id).exec()
      return false
    }),
    get: async id => guard(async () => parse(await redis.get(tokenKey(id)))),
    listByUser: async owner => guard(async () => await listByUser(owner)),
    delete: async id => guard(async () => {
      const record = parse(await redis.get(tokenKey(id)))
      if (record === undefined) return false
      const results = await redis.multi().del(tokenKey(id)).srem(userIndex(tokenOwner(record)), id).exec()
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
