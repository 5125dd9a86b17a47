import { performance } from 'node:perf_hooks'
import t from 'tap'
import { groupCommit, type AppendMany } from '../../src/audit/stores/group-commit.ts'
import { AuditWriteRefused, CommitOutcomeUnknown } from '../../src/audit/stores/audit-store.ts'
import type { AuditEntry, NewEntry } from '../../src/audit/audit-types.ts'

const entry = (requestId: string): NewEntry => ({ kind: 'outcome', requestId, time: '2026-11-23T00:00:00.000Z', data: { status: 200, outcome: 'success', resultCode: null, durationMs: 1 } })
const commit = (entries: NewEntry[]) => entries.map((e, i) => ({ ...e, seq: i, prevHash: '', hash: e.requestId! }) as AuditEntry)
const TIMEOUT_MS = 2000

/** A store whose first transaction stalls until `release` is called (a frozen database), then fails or commits. */
function stalledFirstBatch (outcome: 'commit' | 'fail' | 'lost-commit') {
  const batches: string[][] = []
  let release!: () => void
  const stalled = new Promise<void>(resolve => { release = resolve })
  const appendMany: AppendMany = async entries => {
    batches.push(entries.map(e => e.requestId!))
    if (batches.length === 1) {
      await stalled
      if (outcome === 'fail') throw new Error('connection lost')
      if (outcome === 'lost-commit') throw new CommitOutcomeUnknown(new Error('Query read timeout'))
    }
    return commit(entries)
  }
  return { batches, release, appendMany }
}

t.test('groupCommit ...should commit concurrent appends in shared batches, each caller getting its own entry', async t => {
  const batches: string[][] = []
  let release!: () => void
  const firstInFlight = new Promise<void>(resolve => { release = resolve })
  const append = groupCommit(async entries => {
    batches.push(entries.map(e => e.requestId!))
    if (batches.length === 1) await firstInFlight
    return commit(entries)
  }, TIMEOUT_MS)
  const first = append(entry('r0'))
  while (batches.length === 0) await new Promise(resolve => setImmediate(resolve))
  // These arrive while the first transaction is in flight: they share the next one.
  const rest = Array.from({ length: 49 }, (_, i) => append(entry(`r${i + 1}`)))
  release()
  const committed = await Promise.all([first, ...rest])
  t.same(committed.map(e => e.hash), Array.from({ length: 50 }, (_, i) => `r${i}`), 'every caller gets its own entry')
  t.same(batches, [['r0'], Array.from({ length: 49 }, (_, i) => `r${i + 1}`)], 'two transactions for 50 appends, in arrival order, none lost or repeated')
})

t.test('groupCommit ...should refuse every caller of a failed batch and go on with the next', async t => {
  let calls = 0
  const append = groupCommit(async entries => {
    if (calls++ === 0) throw new Error('disk full')
    return entries.map(e => ({ ...e, seq: 1, prevHash: '', hash: 'ok' }) as AuditEntry)
  }, TIMEOUT_MS)
  const first = await Promise.allSettled([append(entry('a')), append(entry('b'))])
  t.same(first.map(result => result.status), ['rejected', 'rejected'])
  t.equal((await append(entry('c'))).hash, 'ok', 'a later append still commits')
})

t.test('groupCommit ...should refuse each caller at its deadline behind a stalled batch, drop the queued ones unwritten, and say which stalled entries were committed late', async t => {
  const store = stalledFirstBatch('commit')
  const timeoutMs = 1000
  const append = groupCommit(store.appendMany, timeoutMs)
  const started = performance.now()
  const inFlight = append(entry('stalled'))
  while (store.batches.length === 0) await new Promise(resolve => setImmediate(resolve))
  const queued = Array.from({ length: 5 }, (_, i) => append(entry(`queued${i}`)))
  const refused = await Promise.allSettled([inFlight, ...queued])
  const waited = performance.now() - started
  t.ok(refused.every(result => result.status === 'rejected' && result.reason instanceof AuditWriteRefused), 'every caller is refused while the batch stalls')
  t.ok(waited >= timeoutMs && waited < timeoutMs * 1.5, `refused at the deadline (${Math.round(waited)} ms), not when the batch ends`)
  const [stalledError, ...queuedErrors] = refused.map(result => (result as PromiseRejectedResult).reason as AuditWriteRefused)
  for (const error of queuedErrors) t.equal(await error.mayBeCommitted, false, 'an entry still queued is certainly not written')
  store.release()
  t.equal(await stalledError!.mayBeCommitted, true, 'the stalled entry was committed once the database woke up')
  t.equal((await append(entry('after'))).hash, 'after')
  t.same(store.batches, [['stalled'], ['after']], 'the entries refused in the queue never reached the database')
})

t.test('groupCommit ...should say a stalled entry was not committed when its batch fails after the deadline', async t => {
  const store = stalledFirstBatch('fail')
  const append = groupCommit(store.appendMany, 100)
  const refused = await append(entry('stalled')).then(() => undefined, (error: unknown) => error)
  if (!(refused instanceof AuditWriteRefused)) throw new Error('not refused with AuditWriteRefused')
  store.release()
  t.equal(await refused.mayBeCommitted, false)
})

t.test('groupCommit ...should refuse the callers of a COMMIT that went unanswered, saying their entries may be committed', async t => {
  const store = stalledFirstBatch('lost-commit')
  const append = groupCommit(store.appendMany, TIMEOUT_MS)
  const pending = append(entry('lost')).catch((error: unknown) => error)
  store.release()
  const refused = await pending
  t.type(refused, AuditWriteRefused, 'refused before its deadline: the mutation is not forwarded')
  t.equal((refused as AuditWriteRefused).message, 'the commit was sent but its answer never came')
  t.type((refused as AuditWriteRefused).cause, CommitOutcomeUnknown, 'the cause is kept for the log')
  t.equal(await (refused as AuditWriteRefused).mayBeCommitted, true)
})

t.test('groupCommit ...should commit at most 256 entries a transaction, the oldest first, telling the store when the oldest was queued', async t => {
  const batches: Array<{ ids: string[], since: number }> = []
  const append = groupCommit(async (entries, since) => {
    batches.push({ ids: entries.map(e => e.requestId!), since })
    return commit(entries)
  }, TIMEOUT_MS)
  const before = performance.now()
  const committed = await Promise.all(Array.from({ length: 513 }, (_, i) => append(entry(`r${i}`))))
  t.same(committed.map(e => e.hash), Array.from({ length: 513 }, (_, i) => `r${i}`))
  t.same(batches.map(batch => batch.ids.length), [256, 256, 1])
  t.same(batches.flatMap(batch => batch.ids), Array.from({ length: 513 }, (_, i) => `r${i}`), 'in arrival order')
  const since = batches.map(batch => batch.since)
  t.ok(since[0]! >= before && since[0]! <= since[1]! && since[1]! <= since[2]!, 'each batch gives when its oldest entry was queued (performance.now())')
})

t.test('groupCommit ...should refuse with the store\'s own error, and name the write timeout when the deadline passes', async t => {
  const failure = new Error('disk full')
  const failing = groupCommit(async () => { throw failure }, TIMEOUT_MS)
  await t.rejects(failing(entry('a')), failure, 'the very error, for the caller to classify')
  const store = stalledFirstBatch('commit')
  const append = groupCommit(store.appendMany, 50)
  await t.rejects(append(entry('stalled')), { name: 'AuditWriteRefused', message: 'the audit entry was not durable within 50 ms' })
  store.release()
})

t.test('groupCommit ...should say a stalled entry may be committed when its COMMIT goes unanswered after the deadline', async t => {
  const store = stalledFirstBatch('lost-commit')
  const append = groupCommit(store.appendMany, 50)
  const refused = await append(entry('stalled')).then(() => undefined, (error: unknown) => error)
  if (!(refused instanceof AuditWriteRefused)) throw new Error('not refused with AuditWriteRefused')
  store.release()
  t.equal(await refused.mayBeCommitted, true)
})
