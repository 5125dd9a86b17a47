import pg from 'pg'
import t, { type Test } from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { NewEntry } from '../../src/audit/audit-types.ts'
import { chainEntry, GENESIS_HASH, verifyChain } from '../../src/audit/chain.ts'
import type { AuditStore } from '../../src/audit/stores/audit-store.ts'
import { MIGRATIONS } from '../../src/audit/stores/sql.ts'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { openPostgresAuditStore } from '../../src/audit/stores/postgres-audit-store.ts'
import { startPostgres } from '../helpers/postgres.ts'

const INTENT = { actor: 'old', roles: ['admin'], action: 'client.lock', route: 'PUT /api/clients/:clientIdentifier/lock', clientId: '1', subject: null, clientIp: '127.0.0.1', userAgent: null, changedProperties: ['locked'] }
const OLD: NewEntry = { kind: 'intent', requestId: 'r-old', time: '2026-01-01T00:00:00.000Z', data: INTENT }
const NEW: NewEntry = { kind: 'intent', requestId: 'r-new', time: '2026-01-02T00:00:00.000Z', data: { ...INTENT, actor: 'new', source: 'local', team: 'acme' } }
// A version 1 database, as the previous release left it: its schema and one chained entry.
const V1_ROW = chainEntry(1, GENESIS_HASH, OLD)
const V1_INSERT = 'INSERT INTO audit_entries (seq, kind, request_id, time, actor, action, client_id, outcome, data, prev_hash, hash) VALUES (1, \'intent\', \'r-old\', \'2026-01-01T00:00:00.000Z\', \'old\', \'client.lock\', \'1\', NULL, ?, ?, ?)'

async function checkMigrated (t: Test, store: AuditStore): Promise<void> {
  await store.append(NEW)
  t.same((await store.query({ team: 'acme', limit: 10 })).records.map(record => record.actor), ['new'], 'the team column is queried')
  t.same((await store.query({ limit: 10, visibleTo: { teams: ['globex'], actor: { source: 'local', username: 'new' } } })).records.map(record => record.actor), ['new'], 'a team admin: their own actions')
  t.same((await store.query({ limit: 10, actor: 'old' })).records.map(record => record.actor), ['old'], 'an entry from before sources were recorded: a local user\'s')
  // The new call was refused for acme: an admin of globex sees it as a call on a missing client.
  await store.append({ kind: 'outcome', requestId: 'r-new', time: NEW.time, data: { status: 404, outcome: 'denied', resultCode: 'A1', durationMs: 1 } })
  const asGlobex = (outcome: 'denied' | 'failure') => store.query({ limit: 10, outcome, visibleTo: { teams: ['globex'], actor: { source: 'local', username: 'new' } } })
  t.same((await asGlobex('denied')).records, [], 'not denied for them')
  t.match((await asGlobex('failure')).records, [{ actor: 'new', outcome: 'failure', resultCode: null, team: undefined }], 'a failure, without team or result code')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 3 }, 'the old entry still verifies beside the new one')
}

t.test('AuditStore(sqlite) open ...should migrate a version 1 file to the team column and keep its chain', async t => {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-audit-v1-')), 'audit.db')
  const db = new DatabaseSync(path)
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
  for (const statement of MIGRATIONS[0]!.statements) db.exec(statement)
  db.prepare('INSERT INTO schema_migrations VALUES (1, ?)').run(new Date().toISOString())
  db.prepare(V1_INSERT).run(JSON.stringify(V1_ROW.data), V1_ROW.prevHash, V1_ROW.hash)
  db.close()
  const store = openSqliteAuditStore(path)
  t.teardown(() => store.close())
  await checkMigrated(t, store)
})

t.test('AuditStore(postgres) open ...should migrate a version 1 database to the team column and keep its chain', async t => {
  const server = await startPostgres(t)
  const client = new pg.Client({ connectionString: server.url })
  await client.connect()
  await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
  for (const statement of MIGRATIONS[0]!.statements) await client.query(statement)
  await client.query('INSERT INTO schema_migrations VALUES (1, $1)', [new Date().toISOString()])
  await client.query(V1_INSERT.replace('?, ?, ?', '$1, $2, $3'), [JSON.stringify(V1_ROW.data), V1_ROW.prevHash, V1_ROW.hash])
  await client.end()
  const store = await openPostgresAuditStore(server.url)
  t.teardown(() => store.close())
  await checkMigrated(t, store)
})
