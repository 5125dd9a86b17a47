import { performance } from 'node:perf_hooks'
import type { AuditEntry, NewEntry } from '../audit-types.ts'
import { AuditWriteRefused, CommitOutcomeUnknown } from './audit-store.ts'

const MAX_BATCH = 256

interface Waiting {
  entry: NewEntry
  queuedAt: number
  /** The batch holding the entry is done: committed gives the entry, otherwise `error` says why. */
  settle: (committed: AuditEntry | undefined, error?: unknown) => void
}

/** Commits the entries in one transaction; `since` is when the oldest of them began to wait. */
export type AppendMany = (entries: NewEntry[], since: number) => Promise<AuditEntry[]>

/**
 * Group commit: appends that arrive while a commit is being prepared or is in flight share the next
 * transaction, so concurrent mutations pay for one durable flush between them instead of one each.
 * Every caller still resolves only after its own entry is committed; if a batch fails, every caller
 * in it is refused (none of their mutations is forwarded).
 *
 * Each caller waits at most `timeoutMs` from being queued, whatever the database does: a stalled
 * batch (a frozen server, a failover) holds the ones behind it, which are refused at their own
 * deadline and dropped from the queue, never written. A caller whose entry was in the stalled batch
 * is refused too, with an AuditWriteRefused whose `mayBeCommitted` says if the entry was committed
 * after all. So is every caller of a batch whose COMMIT went unanswered.
 */
export function groupCommit (appendMany: AppendMany, timeoutMs: number): (entry: NewEntry) => Promise<AuditEntry> {
  let queue: Waiting[] = []
  let running = false
  const notDurable = `the audit entry was not durable within ${timeoutMs} ms`

  async function drain (): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH)
      queue = queue.slice(batch.length)
      try {
        const committed = await appendMany(batch.map(waiting => waiting.entry), batch[0]!.queuedAt)
        batch.forEach((waiting, index) => { waiting.settle(committed[index]!) })
      } catch (error) {
        for (const waiting of batch) waiting.settle(undefined, error)
      }
    }
    running = false
  }

  return entry => new Promise<AuditEntry>((resolve, reject) => {
    let lateSettle: ((committed: boolean) => void) | undefined
    const waiting: Waiting = {
      entry,
      queuedAt: performance.now(),
      settle: (committed, error) => {
        clearTimeout(deadline)
        const unknown = error instanceof CommitOutcomeUnknown
        if (lateSettle !== undefined) lateSettle(committed !== undefined || unknown)
        else if (committed !== undefined) resolve(committed)
        else reject(unknown ? new AuditWriteRefused(error.message, Promise.resolve(true), { cause: error }) : error)
      }
    }
    const deadline = setTimeout(() => {
      const queued = queue.indexOf(waiting)
      if (queued >= 0) {
        queue.splice(queued, 1)
        reject(new AuditWriteRefused(notDurable, Promise.resolve(false)))
      } else {
        reject(new AuditWriteRefused(notDurable, new Promise(resolve => { lateSettle = resolve })))
      }
    }, timeoutMs)
    queue.push(waiting)
    if (running) return
    running = true
    // One turn of the event loop lets the requests already read off their sockets join the batch.
    setImmediate(() => { drain().catch(() => {}) })
  })
}
