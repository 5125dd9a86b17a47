import type { Redis } from 'ioredis'

/** An answer as a retry gets it again: what the allow-list kept of it (stored-answer.ts). */
export interface StoredAnswer {
  status: number
  headers: Record<string, string>
  /** The body as sent, null for none. */
  body: string | null
  /** Properties whose secret value was shown once and is not kept: replayed as a marker. */
  withheld: string[]
}

/** What a key holds: a request still running, or the answer it got. */
export type IdempotencyRecord =
  | { state: 'in-flight', fingerprint: string }
  | { state: 'done', fingerprint: string, answer: StoredAnswer }

/**
 * Where keys live, shared by the replicas. Keys come hashed (scope and key together); a record past
 * its expiry is as absent as one never written.
 */
export interface IdempotencyStore {
  /**
   * Takes `key` for a request now in flight, for `leaseMs`, and answers undefined; or, when the key
   * holds an unexpired record, leaves it and answers it. Atomic: of two claims, one wins.
   */
  claim: (key: string, fingerprint: string, leaseMs: number) => Promise<IdempotencyRecord | undefined>
  /** Keeps the answer of a claimed key for `ttlMs`. */
  complete: (key: string, fingerprint: string, answer: StoredAnswer, ttlMs: number) => Promise<void>
  /** Frees a claimed key: its request was refused before anything changed, a retry runs again. */
  release: (key: string) => Promise<void>
  /** Removes the expired records (Redis expires its own). */
  prune: () => Promise<void>
  close: () => Promise<void>
}

/**
 * Redis when configured (REDIS_URL), shared by every replica; else the audit store's database
 * (AUDIT_STORE), in a table of its own.
 */
// Each loaded only when used: a SQLite deployment never loads the PostgreSQL driver.
export async function openIdempotencyStore (redis: Redis | null, auditStore: string): Promise<IdempotencyStore> {
  if (redis !== null) return (await import('./redis-idempotency-store.ts')).createRedisIdempotencyStore(redis)
  if (auditStore.startsWith('sqlite:')) return (await import('./sqlite-idempotency-store.ts')).openSqliteIdempotencyStore(auditStore.slice('sqlite:'.length))
  return await (await import('./postgres-idempotency-store.ts')).openPostgresIdempotencyStore(auditStore)
}

/** A stored row or value as a record: the answer is kept as JSON text, and only once the request is done. */
export function toRecord (state: string, fingerprint: string, answer: string | null): IdempotencyRecord {
  return state === 'done' && answer !== null
    ? { state: 'done', fingerprint, answer: JSON.parse(answer) as StoredAnswer }
    : { state: 'in-flight', fingerprint }
}
