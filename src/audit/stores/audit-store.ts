import type { AuditPage, AuditQuery, NewEntry, AuditEntry } from '../audit-types.ts'
import type { StoredEntry } from '../chain.ts'
import type { HistoryStore } from '../../history/history-types.ts'

/**
 * Where the trail lives. `append` is the one write: it takes the chain's head, links the entry to it
 * and commits durably before resolving, serialised so that the chain stays linear even with several
 * writers (processes or replicas) on one store. It rejects when the entry is not durable within the
 * store's write timeout (AUDIT_WRITE_TIMEOUT_MS) of being queued, whatever the database does.
 */
export interface AuditStore {
  append: (entry: NewEntry) => Promise<AuditEntry>
  query: (query: AuditQuery) => Promise<AuditPage>
  /** Every entry in seq order, read in batches. */
  entries: () => AsyncIterable<StoredEntry>
  /** Removes the entries older than `before` and appends the checkpoint that vouches for it. */
  prune: (before: string) => Promise<number>
  /** The client versions written with outcome entries (src/history). */
  history: HistoryStore
  close: () => Promise<void>
}

export const QUERY_BATCH = 500

/**
 * An append refused though its entry was, or may yet be, committed: the caller must act as if it was
 * not (a mutation is not forwarded), and `mayBeCommitted` says later whether the trail holds it after
 * all. Thrown when the entry was not durable within the write timeout (an entry still waiting its
 * turn is dropped and never written; one already sent may be committed by a database that stalled and
 * woke up), and when a COMMIT was sent but its answer never came.
 */
export class AuditWriteRefused extends Error {
  /** True once the entry was committed late, or when that cannot be known; false if it certainly was not. */
  readonly mayBeCommitted: Promise<boolean>

  constructor (message: string, mayBeCommitted: Promise<boolean>, options?: ErrorOptions) {
    super(message, options)
    this.name = 'AuditWriteRefused'
    this.mayBeCommitted = mayBeCommitted
  }
}

/** A store's COMMIT whose answer never came (a dropped link, a query timeout): it may have been applied. */
export class CommitOutcomeUnknown extends Error {
  constructor (cause: unknown) {
    super('the commit was sent but its answer never came', { cause })
    this.name = 'CommitOutcomeUnknown'
  }
}
