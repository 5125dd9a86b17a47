import pg from 'pg'
import type { PoolClient } from 'pg'
import { performance } from 'node:perf_hooks'
import type { AuditEntry, CheckpointData, NewEntry } from '../audit-types.ts'
import { chainEntry, GENESIS_HASH, indexColumns } from '../chain.ts'
import { CommitOutcomeUnknown, QUERY_BATCH, type AuditStore } from './audit-store.ts'
import { groupCommit } from './group-commit.ts'
import { ENTRY_COLUMNS, MIGRATIONS, recordQuery, toEntry, toPage, type EntryRow, type RecordRow } from './sql.ts'
import { DELETE_VERSIONS, historyReads, INSERT_VERSION, LATEST_VERSION, linkVersion, makeVersion, PRUNABLE, toVersion, versionParams, type VersionRow } from '../../history/stores/version-rows.ts'
import { proxyRecord } from '../../history/proxy-records.ts'

// Transaction-scoped advisory lock keys (per database): one serialises every write to the chain,
// the other lets several replicas starting together run the migrations once.
const CHAIN_LOCK = '7236011541877001'
const MIGRATION_LOCK = '7236011541877002'
// A batch stops waiting for the chain's lock this share of the write timeout before its oldest
// caller's deadline: the database rolls the batch back before the callers get their 503, rather than
// take the lock just after and commit intents whose mutations were refused.
const LOCK_MARGIN_SHARE = 0.1

const HEAD = 'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1'
const INSERT = `INSERT INTO audit_entries (${ENTRY_COLUMNS}) VALUES`
const COLUMN_COUNT = ENTRY_COLUMNS.split(',').length
const BATCH = `SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`

interface Head { seq: number, hash: string }

/**
 * One database shared by every replica. Each write runs in a transaction that first takes an
 * advisory lock, then reads the head and inserts the entry linked to it, so concurrent replicas
 * still build one linear chain; COMMIT (with the default synchronous_commit = on) returns only once
 * the entry is flushed to the WAL. Concurrent appends share a transaction (group commit). A lost
 * connection never crashes the process: the pending call rejects (the caller answers 503) and the
 * pool reconnects on the next one. An append is refused `writeTimeoutMs` (AUDIT_WRITE_TIMEOUT_MS) after
 * it was queued, however long the database takes; the batch's wait for the chain's lock ends then too.
 */
export async function openPostgresAuditStore (connectionString: string, writeTimeoutMs = 2000): Promise<AuditStore> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: 10_000,
    query_timeout: 15_000,
    lock_timeout: writeTimeoutMs,
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'authlete-bff-audit'
  })
  // An idle connection that dies (server restart, network) emits here; it is simply dropped.
  pool.on('error', () => {})
  try {
    await migrate(pool, writeTimeoutMs)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }

  // The entries are linked after `last` (the head, read under the chain's lock) and inserted with one
  // statement: a batch costs one round trip, so a full queue is durable well within the write timeout.
  // An outcome's version is numbered after the client's latest, read under the chain's lock; the
  // versions of one batch are inserted one by one, so a second one of a client sees the first.
  const withVersion = async (client: PoolClient, entry: NewEntry): Promise<NewEntry> => {
    if (entry.version === undefined || entry.requestId === null) return linkVersion(entry, undefined)
    const previous = (await client.query<VersionRow>(numberPlaceholders(LATEST_VERSION), [entry.version.clientId])).rows[0]
    const made = makeVersion(entry.version, previous === undefined ? undefined : toVersion(previous), entry.time, entry.requestId)
    if (made !== undefined) await client.query(numberPlaceholders(INSERT_VERSION), versionParams(made))
    return linkVersion(entry, made)
  }

  const link = async (client: PoolClient, given: NewEntry[], last: Head | undefined): Promise<AuditEntry[]> => {
    const entries: NewEntry[] = []
    for (const entry of given) entries.push(await withVersion(client, entry))
    let head = last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: Number(last.seq), hash: last.hash }
    const chained = entries.map(entry => {
      const linked = chainEntry(head.seq + 1, head.hash, entry)
      head = linked
      return linked
    })
    const rows = chained.map((_, row) => `(${Array.from({ length: COLUMN_COUNT }, (_, column) => `$${row * COLUMN_COUNT + column + 1}`).join(', ')})`)
    await client.query(`${INSERT} ${rows.join(', ')}`, chained.flatMap(entry => {
      const columns = indexColumns(entry)
      return [entry.seq, entry.kind, entry.requestId, entry.time, columns.actor, columns.action, columns.clientId, columns.outcome,
        JSON.stringify(entry.data), entry.prevHash, entry.hash, columns.team ?? null]
    }))
    return chained
  }

  return {
    append: groupCommit(async (entries, since) => transaction(pool, CHAIN_LOCK, since + writeTimeoutMs * (1 - LOCK_MARGIN_SHARE), async client => {
      return await link(client, entries, (await client.query<Head>(HEAD)).rows[0])
    }), writeTimeoutMs),
    async query (query) {
      const { sql, params } = recordQuery(query, 'postgres')
      const { rows } = await pool.query<RecordRow>(numberPlaceholders(sql), params)
      return toPage(rows, query)
    },
    async * entries () {
      let after = 0
      for (;;) {
        const { rows } = await pool.query<EntryRow>(BATCH, [after, QUERY_BATCH])
        for (const row of rows) yield toEntry(row)
        if (rows.length < QUERY_BATCH) return
        after = Number(rows.at(-1)!.seq)
      }
    },
    async prune (before) {
      return transaction(pool, CHAIN_LOCK, performance.now() + writeTimeoutMs, async client => {
        const last = (await client.query<Head>(HEAD)).rows[0]
        const keep = (await client.query<{ seq: string | null }>('SELECT MIN(seq) AS seq FROM audit_entries WHERE time >= $1', [before])).rows[0]!
        const through = keep.seq === null ? (last === undefined ? undefined : Number(last.seq)) : Number(keep.seq) - 1
        const oldest = (await client.query<{ seq: string | null }>('SELECT MIN(seq) AS seq FROM audit_entries')).rows[0]!
        if (last === undefined || through === undefined || oldest.seq === null || through < Number(oldest.seq)) return 0
        const boundary = (await client.query<{ hash: string }>('SELECT hash FROM audit_entries WHERE seq = $1', [through])).rows[0]!
        const removed = (await client.query('DELETE FROM audit_entries WHERE seq <= $1', [through])).rowCount ?? 0
        const data: CheckpointData = { prunedThroughSeq: through, prunedThroughHash: boundary.hash, prunedEntries: removed }
        await link(client, [{ kind: 'checkpoint', requestId: null, time: new Date().toISOString(), data }], last)
        return removed
      })
    },
    history: {
      ...historyReads(async <T>(sql: string, params: Array<string | number | null>) => (await pool.query(numberPlaceholders(sql), params)).rows as T[]),
      async prune (before) {
        return transaction(pool, CHAIN_LOCK, performance.now() + writeTimeoutMs, async client => {
          const prunable = (await client.query<{ client_id: string, through: number, removed: string }>(numberPlaceholders(PRUNABLE), [before])).rows
          if (prunable.length === 0) return 0
          for (const { client_id: clientId, through } of prunable) await client.query(numberPlaceholders(DELETE_VERSIONS), [clientId, through])
          const prunedVersions = Object.fromEntries(prunable.map(row => [row.client_id, Number(row.through)]))
          await link(client, proxyRecord('history.prune', null, { prunedVersions }), (await client.query<Head>(HEAD)).rows[0])
          return prunable.reduce((sum, row) => sum + Number(row.removed), 0)
        })
      }
    },
    async close () {
      if (!pool.ended && !pool.ending) await pool.end()
    }
  }
}

/** The shared SQL writes its placeholders `?`; PostgreSQL numbers them. */
export function numberPlaceholders (sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/**
 * Runs `work` in a transaction holding the advisory lock `lock` (released by COMMIT or ROLLBACK),
 * waiting for it until `lockDeadline` (a `performance.now()` time) at most. On any failure the
 * connection is discarded rather than returned to the pool: after a timeout or a dropped link its
 * state is unknown. A COMMIT that fails may have been applied (its answer was lost): that failure is
 * a CommitOutcomeUnknown.
 */
async function transaction<T> (pool: pg.Pool, lock: string, lockDeadline: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  // While checked out, the pool does not listen for the client's errors; an unheard one would crash.
  const ignore = (): void => {}
  client.on('error', ignore)
  try {
    await client.query('BEGIN')
    // One round trip: the select list is evaluated in order, so the lock wait sees the new timeout.
    await client.query('SELECT set_config(\'lock_timeout\', $1, true), pg_advisory_xact_lock($2)', [`${Math.max(1, Math.ceil(lockDeadline - performance.now()))}ms`, lock])
    const result = await work(client)
    await client.query('COMMIT').catch((error: unknown) => { throw new CommitOutcomeUnknown(error) })
    client.removeListener('error', ignore)
    client.release()
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    client.removeListener('error', ignore)
    client.release(error instanceof Error ? error : true)
    throw error
  }
}

async function migrate (pool: pg.Pool, lockTimeoutMs: number): Promise<void> {
  await transaction(pool, MIGRATION_LOCK, performance.now() + lockTimeoutMs, async client => {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(row => Number(row.version)))
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      for (const statement of migration.statements) await client.query(statement)
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, new Date().toISOString()])
    }
  })
}
