import type { DatabaseSync } from 'node:sqlite'
import { openSqliteFile, transactionSync, writeTransaction } from '../../ops/sqlite.ts'
import type { AuditEntry, CheckpointData, NewEntry } from '../audit-types.ts'
import { chainEntry, GENESIS_HASH, indexColumns } from '../chain.ts'
import { QUERY_BATCH, type AuditStore } from './audit-store.ts'
import { groupCommit } from './group-commit.ts'
import { ENTRY_COLUMNS, MIGRATIONS, recordQuery, toEntry, toPage, type EntryRow, type RecordRow } from './sql.ts'
import { DELETE_VERSIONS, historyReads, INSERT_VERSION, LATEST_VERSION, linkVersion, makeVersion, PRUNABLE, toVersion, versionParams, type VersionRow } from '../../history/stores/version-rows.ts'
import { proxyRecord } from '../../history/proxy-records.ts'

/**
 * One file per replica, on local disk: WAL with synchronous=FULL, so an entry that `append` returned
 * survives a crash or a power cut. BEGIN IMMEDIATE takes the write lock before reading the head, so
 * two processes on one file still build one linear chain. Concurrent appends share a transaction
 * (group commit): one fsync for the batch. While another process holds the lock, appends wait for it
 * off the event loop for `writeTimeoutMs` (AUDIT_WRITE_TIMEOUT_MS), then fail: the mutation is refused.
 */
export function openSqliteAuditStore (path: string, writeTimeoutMs = 2000): AuditStore {
  const db = openSqliteFile(path, migrate)
  const head = db.prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1')
  const insert = db.prepare(`INSERT INTO audit_entries (${ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const batch = db.prepare(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?`)

  const latestVersion = db.prepare(LATEST_VERSION)
  const insertVersion = db.prepare(INSERT_VERSION)

  // An outcome's version is numbered after the client's latest, read in the same transaction.
  const withVersion = (entry: NewEntry): NewEntry => {
    if (entry.version === undefined || entry.requestId === null) return linkVersion(entry, undefined)
    const previous = latestVersion.get(entry.version.clientId) as VersionRow | undefined
    const made = makeVersion(entry.version, previous === undefined ? undefined : toVersion(previous), entry.time, entry.requestId)
    if (made !== undefined) insertVersion.run(...versionParams(made))
    return linkVersion(entry, made)
  }

  const link = (given: NewEntry, after?: { seq: number, hash: string }): AuditEntry => {
    const entry = withVersion(given)
    const last = after ?? head.get() as { seq: number, hash: string } | undefined
    const chained = chainEntry(last === undefined ? 1 : Number(last.seq) + 1, last?.hash ?? GENESIS_HASH, entry)
    const columns = indexColumns(entry)
    insert.run(chained.seq, chained.kind, chained.requestId, chained.time, columns.actor, columns.action, columns.clientId, columns.outcome,
      JSON.stringify(chained.data), chained.prevHash, chained.hash, columns.team ?? null)
    return chained
  }

  return {
    append: groupCommit(async (entries, since) => writeTransaction(db, () => {
      let head: AuditEntry | undefined
      return entries.map(entry => (head = link(entry, head)))
    }, writeTimeoutMs, since), writeTimeoutMs),
    async query (query) {
      const { sql, params } = recordQuery(query, 'sqlite')
      return toPage(db.prepare(sql).all(...params) as unknown as RecordRow[], query)
    },
    async * entries () {
      let after = 0
      for (;;) {
        const rows = batch.all(after, QUERY_BATCH) as unknown as EntryRow[]
        for (const row of rows) yield toEntry(row)
        if (rows.length < QUERY_BATCH) return
        after = Number(rows.at(-1)!.seq)
      }
    },
    async prune (before) {
      return writeTransaction(db, () => {
        const last = head.get() as { seq: number, hash: string } | undefined
        const keep = db.prepare('SELECT MIN(seq) AS seq FROM audit_entries WHERE time >= ?').get(before) as { seq: number | null }
        const through = keep.seq === null ? last?.seq : Number(keep.seq) - 1
        const oldest = db.prepare('SELECT MIN(seq) AS seq FROM audit_entries').get() as { seq: number | null }
        if (last === undefined || through === undefined || oldest.seq === null || through < Number(oldest.seq)) return 0
        const boundary = db.prepare('SELECT hash FROM audit_entries WHERE seq = ?').get(through) as { hash: string }
        const removed = Number(db.prepare('DELETE FROM audit_entries WHERE seq <= ?').run(through).changes)
        const data: CheckpointData = { prunedThroughSeq: Number(through), prunedThroughHash: boundary.hash, prunedEntries: removed }
        link({ kind: 'checkpoint', requestId: null, time: new Date().toISOString(), data }, { seq: Number(last.seq), hash: last.hash })
        return removed
      }, writeTimeoutMs)
    },
    history: {
      ...historyReads(async <T>(sql: string, params: Array<string | number | null>) => db.prepare(sql).all(...params) as T[]),
      async prune (before) {
        return writeTransaction(db, () => {
          const prunable = db.prepare(PRUNABLE).all(before) as Array<{ client_id: string, through: number, removed: number }>
          if (prunable.length === 0) return 0
          for (const { client_id: clientId, through } of prunable) db.prepare(DELETE_VERSIONS).run(clientId, through)
          const prunedVersions = Object.fromEntries(prunable.map(row => [row.client_id, Number(row.through)]))
          let last: AuditEntry | undefined
          for (const entry of proxyRecord('history.prune', null, { prunedVersions })) last = link(entry, last)
          return prunable.reduce((sum, row) => sum + Number(row.removed), 0)
        }, writeTimeoutMs)
      }
    },
    async close () {
      if (db.isOpen) db.close()
    }
  }
}

function migrate (db: DatabaseSync): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
  transactionSync(db, () => {
    const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(row => Number(row.version)))
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      for (const statement of migration.statements) db.exec(statement)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, new Date().toISOString())
    }
  })
}
