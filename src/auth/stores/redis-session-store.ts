import { hash } from 'node:crypto'
import type { ChainableCommander, Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'
import { whileRedisAnswers } from '../../ops/redis.ts'
import type { Principal } from '../identity.ts'
import { sessionPrincipal, type SessionRecord, type SessionStore } from './session-store.ts'

const PREFIX = 'bff-session:'
const ALL = `${PREFIX}all`
// Index members are trimmed once their score (the session's expiry) is this far behind the clock,
// so a replica whose clock runs ahead never drops another replica's live session from an index.
const TRIM_AFTER_MS = 60_000

/**
 * Sessions shared by every replica (Redis or Valkey 7+). A session is one string key, stored under the
 * hash of its cookie id (the key the session manager hands in) and expired by Redis itself. Sorted-set
 * indexes (all sessions, per user, per OIDC provider subject and sid), scored by expiry, let any
 * replica list and revoke; each index expires with its last member and drops members it outlived.
 * Every failure to reach Redis is a SessionStoreUnavailable (503): a session that cannot be checked is
 * never taken as valid, nor as absent.
 */
export function createRedisSessionStore (redis: Redis): SessionStore {
  const sessionKey = (key: string): string => `${PREFIX}s:${key}`

  const write = async (key: string, record: SessionRecord, ttlMs: number, onlyIfPresent: boolean): Promise<void> => {
    const now = Date.now()
    const expiresAt = now + ttlMs
    const json = JSON.stringify(record)
    const tx = redis.multi()
    if (onlyIfPresent) tx.set(sessionKey(key), json, 'PX', ttlMs, 'XX')
    else tx.set(sessionKey(key), json, 'PX', ttlMs)
    for (const index of indexesOf(record)) {
      if (onlyIfPresent) tx.zadd(index, 'XX', expiresAt, key)
      else tx.zadd(index, expiresAt, key)
      // NX gives a new index an expiry; GT only ever pushes it later (Redis 7).
      tx.pexpireat(index, expiresAt, 'NX').pexpireat(index, expiresAt, 'GT')
      tx.zremrangebyscore(index, '-inf', now - TRIM_AFTER_MS)
    }
    await run(tx)
  }

  /** The sessions under these keys that still exist, read in one round trip. */
  const read = async (keys: string[]): Promise<Array<{ key: string, record: SessionRecord }>> => {
    if (keys.length === 0) return []
    const values = await redis.mget(keys.map(sessionKey))
    return keys.flatMap((key, i) => values[i] === null || values[i] === undefined ? [] : [{ key, record: JSON.parse(values[i]) as SessionRecord }])
  }

  /**
   * Deletes the sessions and their entries in every index; answers how many sessions were still there.
   * `listedIn` is the index the keys came from: it also drops the keys whose session already expired.
   */
  const remove = async (keys: string[], listedIn?: string): Promise<number> => {
    if (keys.length === 0) return 0
    const found = await read(keys)
    const tx = redis.multi().del(...keys.map(sessionKey))
    for (const { key, record } of found) for (const index of indexesOf(record)) tx.zrem(index, key)
    if (listedIn !== undefined) tx.zrem(listedIn, ...keys)
    const results = await run(tx)
    return results[0] as number
  }

  const removeAllIn = async (index: string): Promise<number> => await remove(await redis.zrange(index, 0, '-1'), index)

  return {
    get: async key => guard(async () => {
      const value = await redis.get(sessionKey(key))
      return value === null ? undefined : JSON.parse(value) as SessionRecord
    }),
    set: async (key, record, ttlMs) => guard(() => write(key, record, ttlMs, false)),
    touch: async (key, record, ttlMs) => guard(() => write(key, record, ttlMs, true)),
    delete: async key => guard(async () => { await remove([key]) }),
    listByUser: async user => guard(async () => await read(await redis.zrange(userIndex(user), 0, '-1'))),
    deleteByUser: async user => guard(async () => await removeAllIn(userIndex(user))),
    deleteByProviderSession: async (issuer, subject, sessionId) => guard(async () => {
      if (sessionId !== undefined) return await removeAllIn(providerIndex('sid', issuer, sessionId))
      if (subject !== undefined) return await removeAllIn(providerIndex('sub', issuer, subject))
      return 0
    }),
    count: async () => guard(async () => await redis.zcount(ALL, Date.now(), '+inf')),
    // The connection is the app's (src/ops/redis.ts), closed with it.
    async close () {}
  }
}

// Local users keep the index name they had before sources existed (a local username has no colon, so
// no external pair can take it); external users' names are prefixed by their source.
function userIndex ({ source, username }: Principal): string {
  return source === 'local' ? `${PREFIX}user:${username}` : `${PREFIX}user:${source}:${username}`
}

// Issuer and value hashed together: neither can contain a separator that makes two pairs one key.
function providerIndex (kind: 'sub' | 'sid', issuer: string, value: string): string {
  return `${PREFIX}${kind}:${hash('sha256', JSON.stringify([issuer, value]), 'base64url')}`
}

function indexesOf (record: SessionRecord): string[] {
  const indexes = [ALL, userIndex(sessionPrincipal(record))]
  const { provider } = record
  if (provider !== undefined) {
    indexes.push(providerIndex('sub', provider.issuer, provider.subject))
    if (provider.sessionId !== undefined) indexes.push(providerIndex('sid', provider.issuer, provider.sessionId))
  }
  return indexes
}

async function run (tx: ChainableCommander): Promise<unknown[]> {
  const results = await tx.exec()
  if (results === null) throw new Error('transaction aborted')
  for (const [error] of results) if (error !== null) throw error
  return results.map(([, value]) => value)
}

async function guard<T> (work: () => Promise<T>): Promise<T> {
  return await whileRedisAnswers(work, errors.SessionStoreUnavailable)
}
