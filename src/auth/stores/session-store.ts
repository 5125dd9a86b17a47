import type { Role } from '../roles.ts'

export interface SessionRecord {
  username: string
  roles: Role[]
  csrfToken: string
  createdAt: number
  lastSeenAt: number
  /** Absolute end of the session (ms since epoch), whatever its activity. */
  maxExpiresAt: number
}

/**
 * Where sessions live. Keys are hashes of the cookie's session id, never the id itself, so a dump of
 * the store cannot be replayed as cookies. `ttlMs` lets a shared store expire entries on its own.
 */
export interface SessionStore {
  get: (key: string) => Promise<SessionRecord | undefined>
  set: (key: string, record: SessionRecord, ttlMs: number) => Promise<void>
  delete: (key: string) => Promise<void>
  close: () => Promise<void>
  /** How many unexpired sessions the store holds (for metrics); optional: not every store can say cheaply. */
  count?: () => Promise<number>
}
