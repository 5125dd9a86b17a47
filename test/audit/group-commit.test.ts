import t from 'tap'
import { groupCommit } from '../../src/audit/stores/group-commit.ts'
import type { AuditEntry, NewEntry } from '../../src/audit/audit-types.ts'

const entry = (requestId: string): NewEntry => ({ kind: 'outcome', requestId, time: '2026-11-23T00:00:00.000Z', data: { status: 200, outcome: 'success', resultCode: null, durationMs: 1 } })

t.test('groupCommit ...should commit concurrent appends in shared batches, each caller getting its own entry', async t => {
  const batches: string[][] = []
  const append = groupCommit(async entries => {
    batches.push(entries.map(e => e.requestId!))
    await new Promise(resolve => setTimeout(resolve, 5))
    return entries.map((e, i) => ({ ...e, seq: i, prevHash: '', hash: e.requestId! }) as AuditEntry)
  })
  const committed = await Promise.all(Array.from({ length: 50 }, (_, i) => append(entry(`r${i}`))))
  t.same(committed.map(e => e.hash), Array.from({ length: 50 }, (_, i) => `r${i}`), 'every caller gets its own entry')
  t.ok(batches.length < 50, `${batches.length} transactions for 50 appends`)
  t.same(batches.flat(), committed.map(e => e.requestId), 'in arrival order, none lost or repeated')
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
