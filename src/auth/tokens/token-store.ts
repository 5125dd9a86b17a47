import type { Redis } from 'ioredis'
import type { Role } from '../roles.ts'
import type { IdentitySource, Principal } from '../identity.ts'
import { createMemoryTokenStore } from './memory-token-store.ts'
import { createRedisTokenStore } from './redis-token-store.ts'
import { openSqliteTokenStore } from './sqlite-token-store.ts'

export interface ApiTokenRecord {
  id: string
  /** The owner's source; absent in tokens from before sources existed, which are local (see tokenOwner()). */
  source?: IdentitySource
  /** The owner: every use of the token acts as, and is audited as, this user. */
  username: string
  name: string
  roles: Role[]
  /** ACCESS_MODEL=teams: the teams the token may act for, a subset of its creator's (src/teams). */
  teams?: string[]
  /** Who created it: the owner, or the admin who made it for them. */
  createdBy: string
  /** The creator's source (absent: local, as for `source`). */
  createdBySource?: IdentitySource
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
  /** Stores the token unless its owner already holds `maxPerOwner` unexpired ones; answers whether it did. */
  create: (record: ApiTokenRecord, maxPerOwner: number) => Promise<boolean>
  get: (id: string) => Promise<ApiTokenRecord | undefined>
  /** A user's unexpired tokens. */
  listByUser: (owner: Principal) => Promise<ApiTokenRecord[]>
  /** Answers whether there was such a token. */
  delete: (id: string) => Promise<boolean>
  /** Records a use (lastUsedAt), only if the token still exists: a use racing a revocation must not bring it back. */
  touch: (id: string, record: ApiTokenRecord) => Promise<void>
  close: () => Promise<void>
}

/** Whose token it is; a token written before sources existed is a local user's. */
export function tokenOwner (record: ApiTokenRecord): Principal {
  return { source: record.source ?? 'local', username: record.username }
}

/**
 * When a token stops working: its expiresAt, and for an OIDC or gateway owner at most `maxExternalMs`
 * (API_TOKEN_MAX_HOURS_EXTERNAL) after it was made, tokens made before that limit existed included.
 * Nothing tells the proxy when the provider or gateway takes someone out of a group: such a token
 * must not keep the roles and teams of its making for long.
 */
export function tokenExpiry (record: ApiTokenRecord, maxExternalMs: number): number {
  return tokenOwner(record).source === 'local' ? record.expiresAt : Math.min(record.expiresAt, record.createdAt + maxExternalMs)
}

/** Who made the token. */
export function tokenCreator (record: ApiTokenRecord): Principal {
  return { source: record.createdBySource ?? 'local', username: record.createdBy }
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
