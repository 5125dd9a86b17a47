import { performance } from 'node:perf_hooks'
import type { AuditEntry, NewEntry } from '../audit-types.ts'

const MAX_BATCH = 256

interface Waiting { entry: NewEntry, queuedAt: number, resolve: (entry: AuditEntry) => void, reject: (error: unknown) => void }

/** Commits the entries in one transaction; `since` is when the oldest of them began to wait. */
export type AppendMany = (entries: NewEntry[], since: number) => Promise<AuditEntry[]>

/**
 * Group commit: appends that arrive while a commit is being prepared or is in flight share the next
 * transaction, so concurrent mutations pay for one durable flush between them instead of one each.
 * Every caller still resolves only after its own entry is committed; if a batch fails, every caller
 * in it is refused (none of their mutations is forwarded). Each waits at most the store's write
 * timeout in all: a batch's wait for a lock counts from when its oldest entry was queued.
 */
export function groupCommit (appendMany: AppendMany): (entry: NewEntry) => Promise<AuditEntry> {
  let queue: Waiting[] = []
  let running = false

  async function drain (): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH)
      queue = queue.slice(batch.length)
      try {
        const committed = await appendMany(batch.map(waiting => waiting.entry), batch[0]!.queuedAt)
        batch.forEach((waiting, index) => waiting.resolve(committed[index]!))
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
    running = false
  }

  return entry => new Promise<AuditEntry>((resolve, reject) => {
    queue.push({ entry, queuedAt: performance.now(), resolve, reject })
    if (running) return
    running = true
    // One turn of the event loop lets the requests already read off their sockets join the batch.
    setImmediate(() => { drain().catch(() => {}) })
  })
}
