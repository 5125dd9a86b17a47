import type { Role } from '../roles.ts'
import type { IdentitySource, Principal } from '../identity.ts'

export interface SessionRecord {
  /** Absent in sessions from before sources existed: see sessionSource(). */
  source?: IdentitySource
  username: string
  roles: Role[]
  /** ACCESS_MODEL=teams: the user's teams (src/teams). */
  teams?: string[]
  csrfToken: string
  createdAt: number
  lastSeenAt: number
  /** Absolute end of the session (ms since epoch), whatever its activity. */
  maxExpiresAt: number
  /** Set for OIDC logins: what the provider's logout (RP-initiated or back-channel) refers to. */
  provider?: {
    issuer: string
    subject: string
    /** The provider's `sid` claim, when it sends one. */
    sessionId?: string
    /** Kept only as the id_token_hint of RP-initiated logout; never shown or logged. */
    idToken?: string
  }
}

/**
 * Where sessions live. Keys are hashes of the cookie's session id, never the id itself, so a dump of
 * the store cannot be replayed as cookies. `ttlMs` lets a shared store expire entries on its own.
 */
export interface SessionStore {
  get: (key: string) => Promise<SessionRecord | undefined>
  set: (key: string, record: SessionRecord, ttlMs: number) => Promise<void>
  /**
   * Writes a newer lastSeenAt (and ttl) only if the session still exists: a use that read the session
   * just before another replica revoked it must not bring it back.
   */
  touch: (key: string, record: SessionRecord, ttlMs: number) => Promise<void>
  delete: (key: string) => Promise<void>
  /** A user's unexpired sessions (for the admin's list). */
  listByUser: (user: Principal) => Promise<Array<{ key: string, record: SessionRecord }>>
  /** Ends every session of a user; answers how many there were. */
  deleteByUser: (user: Principal) => Promise<number>
  /** Ends the sessions an OIDC provider's back-channel logout names (`sid` if given, else every session of `subject`). */
  deleteByProviderSession: (issuer: string, subject: string | undefined, sessionId: string | undefined) => Promise<number>
  close: () => Promise<void>
  /** How many unexpired sessions the store holds (for metrics); optional: not every store can say cheaply. */
  count?: () => Promise<number>
}

/** A session's source; one written before sources existed is an OIDC one when it has a provider. */
export function sessionSource (record: SessionRecord): IdentitySource {
  return record.source ?? (record.provider === undefined ? 'local' : 'oidc')
}

/** Whose session it is: the pair the stores index and the admin routes name. */
export function sessionPrincipal (record: SessionRecord): Principal {
  return { source: sessionSource(record), username: record.username }
}
