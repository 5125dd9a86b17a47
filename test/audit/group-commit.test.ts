import t from 'tap'
import { groupCommit } from '../../src/audit/stores/group-commit.ts'
import type { AuditEntry, NewEntry } from '../../src/audit/audit-types.ts'

const entry = (requestId: string): NewEntry => ({ kind: 'outcome', requestId, time: '2026-11-23T00:00:00.000Z', data: { status: 200, outcome: 'success', resultCode: null, durationMs: 1 } })

t.test('groupCommit ...should commit concurrent appends in shared batches, each caller getting its own entry', async t => {
  const batches: string[][] = []
  let release!: () => void
  const firstInFlight = new Promise<void>(resolve => { release = resolve })
  const append = groupCommit(async entries => {
    batches.push(entries.map(e => e.requestId!))
    if (batches.length === 1) await firstInFlight
    return entries.map((e, i) => ({ ...e, seq: i, prevHash: '', hash: e.requestId! }) as AuditEntry)
  })
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
  })
  const first = await Promise.allSettled([append(entry('a')), append(entry('b'))])
  t.same(first.map(result => result.status), ['rejected', 'rejected'])
  t.equal((await append(entry('c'))).hash, 'ok', 'a later append still commits')
})
