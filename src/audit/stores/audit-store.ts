import type { AuditPage, AuditQuery, NewEntry, AuditEntry } from '../audit-types.ts'
import type { StoredEntry } from '../chain.ts'

/**
 * Where the trail lives. `append` is the one write: it takes the chain's head, links the entry to it
 * and commits durably before resolving, serialised so that the chain stays linear even with several
 * writers (processes or replicas) on one store.
 */
export interface AuditStore {
  append: (entry: NewEntry) => Promise<AuditEntry>
  query: (query: AuditQuery) => Promise<AuditPage>
  /** Every entry in seq order, read in batches. */
  entries: () => AsyncIterable<StoredEntry>
  /** Removes the entries older than `before` and appends the checkpoint that vouches for it. */
  prune: (before: string) => Promise<number>
  close: () => Promise<void>
}

export const QUERY_BATCH = 500
