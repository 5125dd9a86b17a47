import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import t, { type Test } from 'tap'
import { verifyChain } from '../../src/audit/chain.ts'
import { openAuditStore } from '../../src/audit/stores/open-audit-store.ts'
import { all, auditStoreContract, intent, type FreshStore } from './store-contract.ts'

// The audit store on a real SQLite file in a temporary directory: fast enough to hold every
// behaviour of the store and the shared SQL (sql.ts); postgres-store.test.ts runs the same contract.

async function freshFile (t: Test): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'bff-audit-store-')), 'nested', 'audit.db')
}

const fresh: FreshStore = async t => {
  const file = await freshFile(t)
  return {
    spec: `sqlite:${file}`,
    sql: async (text, params = []) => {
      const db = new DatabaseSync(file)
      try {
        return db.prepare(text).all(...params) as Array<Record<string, unknown>>
      } finally {
        db.close()
      }
    }
  }
}

auditStoreContract(t, 'sqlite', fresh)

t.test('AuditStore(sqlite) append ...should be refused within the write timeout while another connection holds the write lock, and commit once it is released', async t => {
  const file = await freshFile(t)
  const writeTimeoutMs = 300
  const store = await openAuditStore(`sqlite:${file}`, writeTimeoutMs)
  t.teardown(() => store.close())
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  const holder = new DatabaseSync(file)
  t.teardown(() => { if (holder.isOpen) holder.close() })
  holder.exec('BEGIN IMMEDIATE')
  const started = performance.now()
  await t.rejects(store.append(intent('r2', '2026-01-01T10:00:01.000Z')), /database is locked/, 'the entry could not be written')
  const waited = performance.now() - started
  // The lock is tried again after pauses of up to 50 ms (src/ops/sqlite.ts) until the next would pass the deadline.
  t.ok(waited >= writeTimeoutMs - 50, `refused near the deadline (${Math.round(waited)} ms), not at once`)
  await t.rejects(store.prune('2027-01-01T00:00:00.000Z'), /locked/, 'pruning waits for the lock as long, then fails')
  holder.exec('COMMIT')
  t.equal((await store.append(intent('r3', '2026-01-01T10:00:02.000Z'))).seq, 2, 'the refused entry left no trace')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 2 })
  t.same((await all(store.entries())).map(entry => entry.requestId), ['r1', 'r3'])
})

t.test('openSqliteAuditStore ...should create the file where the spec says, with the indexes the queries use', async t => {
  const file = await freshFile(t)
  const store = await openAuditStore(`sqlite:${file}`)
  t.teardown(() => store.close())
  const db = new DatabaseSync(file, { readOnly: true })
  t.teardown(() => db.close())
  const indexes = (db.prepare('SELECT name FROM sqlite_master WHERE type = \'index\' AND tbl_name = \'audit_entries\' AND sql IS NOT NULL ORDER BY name').all() as Array<{ name: string }>).map(row => row.name)
  t.same(indexes, ['audit_entries_actor', 'audit_entries_client', 'audit_entries_request', 'audit_entries_team', 'audit_entries_time'])
  t.same(db.prepare('PRAGMA journal_mode').get(), { journal_mode: 'wal' })
})
