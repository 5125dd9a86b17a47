import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import t, { type Test } from 'tap'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { proxyRecord } from '../../src/history/proxy-records.ts'
import { INSERT_VERSION, toVersion, versionHash, versionParams, type VersionRow } from '../../src/history/stores/version-rows.ts'
import { verifyAuditTrail } from '../../src/history/verify-versions.ts'

// verifyAuditTrail on a real SQLite audit store, without the app: the trail's records and versions are
// appended as the app appends them, then rows are changed directly, as someone with write access to
// the database would (test/history/tamper.ts does the same over HTTP, on SQLite and PostgreSQL).

const A = '101'
const B = '202'
const ADMIN = { actor: 'admin', source: 'local', via: 'session' }

async function trail (t: Test) {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-verify-versions-')), 'audit.db')
  const store = openSqliteAuditStore(file)
  const db = new DatabaseSync(file)
  t.teardown(async () => { db.close(); await store.close() })
  /** One audited change of a client (intent and outcome, seq n and n + 1) and the version it makes. */
  const change = async (clientId: string, clientName: string) => {
    const state = { clientId: Number(clientId), clientName }
    const version = { clientId, state, modifiedAt: null, action: 'client.patch', ...ADMIN, external: false, restoredFrom: null }
    for (const entry of proxyRecord('client.patch', clientId, {}, version, ADMIN)) await store.append(entry)
  }
  const row = (clientId: string, version: number) => toVersion(db.prepare('SELECT * FROM client_versions WHERE client_id = ? AND version = ?').get(clientId, version) as unknown as VersionRow)
  const insert = (clientId: string, version: number, changes: Record<string, unknown>, hash?: string) => {
    const { hash: _hash, ...latest } = row(clientId, version - 1)
    const inserted = { ...latest, version, ...changes }
    db.prepare(INSERT_VERSION).run(...versionParams({ ...inserted, hash: hash ?? versionHash(inserted) }))
  }
  // A's versions 1-3 are named by outcomes 2, 4 and 6; B's versions 1-2 by outcomes 8 and 10.
  for (const name of ['A one', 'A two', 'A three']) await change(A, name)
  for (const name of ['B one', 'B two']) await change(B, name)
  return { store, db, change, row, insert, verify: () => verifyAuditTrail(store) }
}

t.test('verifyAuditTrail ...should pass an intact trail, counting the entries and the versions', async t => {
  const { verify } = await trail(t)
  t.strictSame(await verify(), { ok: true, checked: 10, versions: 5 })
})

t.test('verifyAuditTrail ...should name a version edited in place, with its own hash recomputed, dropped or inserted', async t => {
  const problem = (version: number, text: string, seq: number, versions: number, clientId = A) =>
    ({ ok: false, checked: 10, versions, firstProblem: { seq, problem: `version ${version} of client ${clientId} ${text}`, version: { clientId, version } } })

  const edited = await trail(t)
  edited.db.prepare('UPDATE client_versions SET data = replace(data, \'A two\', \'Forged\') WHERE client_id = ? AND version = 2').run(A)
  t.strictSame(await edited.verify(), problem(2, 'altered: its content does not match its hash', 4, 2), 'edited')

  const rehashed = await trail(t)
  const { hash: _hash, ...two } = rehashed.row(B, 2)
  const forged = { ...two, client: { ...two.client, clientName: 'Forged' } }
  rehashed.db.prepare('UPDATE client_versions SET data = ?, hash = ? WHERE client_id = ? AND version = 2').run(versionParams({ ...forged, hash: '' })[7]!, versionHash(forged), B)
  t.strictSame(await rehashed.verify(), problem(2, 'altered: its hash is not the one audit entry 10 holds', 10, 5, B), 'edited, its hash recomputed')

  const dropped = await trail(t)
  dropped.db.prepare('DELETE FROM client_versions WHERE client_id = ? AND version = 2').run(A)
  t.strictSame(await dropped.verify(), problem(2, 'missing: audit entry 4 names it, and no retention pruning removed it', 4, 4), 'dropped')

  const inserted = await trail(t)
  inserted.insert(A, 4, {})
  t.strictSame(await inserted.verify(), problem(4, 'inserted: no audit record names it', 0, 4), 'inserted')

  const backdated = await trail(t)
  backdated.insert(A, 4, { at: '2020-01-01T00:00:00.000Z' })
  t.strictSame(await backdated.verify(), problem(4, 'inserted: no audit record names it', 0, 4), 'inserted with a time before every entry of a chain never pruned')

  const insertedBadly = await trail(t)
  insertedBadly.insert(A, 4, {}, 'not its hash')
  t.strictSame(await insertedBadly.verify(), problem(4, 'altered: its content does not match its hash', 0, 4), 'inserted with a wrong hash')
})

t.test('verifyAuditTrail ...should answer the chain\'s own problem first, and find every version inserted when no entry is left', async t => {
  const broken = await trail(t)
  broken.db.prepare('DELETE FROM audit_entries WHERE seq = 3').run()
  t.strictSame(await broken.verify(), { ok: false, checked: 3, firstProblem: { seq: 3, problem: 'missing: entries 3 to 3 are gone' } })

  const emptied = await trail(t)
  emptied.db.prepare('DELETE FROM audit_entries').run()
  t.strictSame(await emptied.verify(), { ok: false, checked: 0, versions: 1, firstProblem: { seq: 0, problem: `version 1 of client ${A} inserted: no audit record names it`, version: { clientId: A, version: 1 } } })
})

t.test('verifyAuditTrail ...should accept versions older than the oldest entry AUDIT_RETENTION_DAYS left, checked against their own hash only', async t => {
  const pruned = await trail(t)
  await pruned.store.prune(new Date(Date.now() + 60_000).toISOString())
  t.strictSame(await pruned.verify(), { ok: true, checked: 1, versions: 5 }, 'only the checkpoint is left')
  const [oldest] = await Array.fromAsync(pruned.store.entries())
  pruned.insert(A, 4, { at: oldest!.time })
  t.match(await pruned.verify(), { ok: false, firstProblem: { seq: 0, problem: `version 4 of client ${A} inserted: no audit record names it` } }, 'a version as old as the oldest entry needs its record')
  pruned.db.prepare('DELETE FROM client_versions WHERE client_id = ? AND version = 4').run(A)
  pruned.db.prepare('UPDATE client_versions SET data = replace(data, \'A two\', \'Forged\') WHERE client_id = ? AND version = 2').run(A)
  t.match(await pruned.verify(), { ok: false, firstProblem: { seq: 0, problem: `version 2 of client ${A} altered: its content does not match its hash` } })
})

t.test('verifyAuditTrail ...should accept versions HISTORY_RETENTION_DAYS pruned, through the latest pruning of each client, and no further', async t => {
  const { store, change, db, verify } = await trail(t)
  const future = () => new Date(Date.now() + 60_000).toISOString()
  t.equal(await store.history.prune(future()), 3, 'A\'s versions 1 and 2, B\'s version 1')
  await change(A, 'A four')
  t.equal(await store.history.prune(future()), 1, 'A\'s version 3')
  t.strictSame(await verify(), { ok: true, checked: 16, versions: 2 })
  db.prepare('DELETE FROM client_versions WHERE client_id = ? AND version = 4').run(A)
  t.match(await verify(), { ok: false, firstProblem: { problem: `version 4 of client ${A} missing: audit entry 14 names it, and no retention pruning removed it` } }, 'the latest version was never pruned')
})
