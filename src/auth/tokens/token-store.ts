import type { Redis } from 'ioredis'
import type { Role } from '../roles.ts'
import { createMemoryTokenStore } from './memory-token-store.ts'
import { createRedisTokenStore } from './redis-token-store.ts'
import { openSqliteTokenStore } from './sqlite-token-store.ts'

export interface ApiTokenRecord {
  id: string
  /** The owner: every use of the token acts as, and is audited as, this user. */
  username: string
  name: string
  roles: Role[]
  /** ACCESS_MODEL=teams: the teams the token may act for, a subset of its creator's (src/teams). */
  teams?: string[]
  /** Who created it: the owner, or the admin who made it for them. */
  createdBy: string
  /** Milliseconds since the epoch, like expiresAt and lastUsedAt. */
  createdAt: number
  expiresAt: number
  /** Updated at most once a minute (src/auth/tokens/bearer-authenticator.ts). */
  lastUsedAt: number | null
  /** SHA-256 of the token value; the value itself is never stored. */
  hash: string
}

/**
 * Where API tokens live. Revoking deletes the record: the audit trail keeps the history. Every
 * method throws errors.TokenStoreUnavailable when the store cannot be reached, so a token that
 * cannot be checked is refused, never taken as valid.
 */
export interface TokenStore {
  create: (record: ApiTokenRecord) => Promise<void>
  get: (id: string) => Promise<ApiTokenRecord | undefined>
  /** A user's unexpired tokens. */
  listByUser: (username: string) => Promise<ApiTokenRecord[]>
  /** Answers whether there was such a token. */
  delete: (id: string) => Promise<boolean>
  /** Records a use (lastUsedAt), only if the token still exists: a use racing a revocation must not bring it back. */
  touch: (id: string, record: ApiTokenRecord) => Promise<void>
  close: () => Promise<void>
}

/** API_TOKEN_STORE: `sqlite:<path>` (one replica), `redis` (shared by replicas, the app's REDIS_URL) or `memory` (tests). */
export function openTokenStore (spec: string, redis: Redis | null): TokenStore {
  if (spec === 'memory') return createMemoryTokenStore()
  if (spec === 'redis') {
    // config.ts requires REDIS_URL with API_TOKEN_STORE=redis.
    if (redis === null) throw new Error('API_TOKEN_STORE=redis needs REDIS_URL')
    return createRedisTokenStore(redis)
  }
  return openSqliteTokenStore(spec.slice('sqlite:'.length))
}
