import pg from 'pg'
import type { PoolClient } from 'pg'
import type { AuditEntry, CheckpointData, NewEntry } from '../audit-types.ts'
import { chainEntry, GENESIS_HASH, indexColumns } from '../chain.ts'
import { QUERY_BATCH, type AuditStore } from './audit-store.ts'
import { groupCommit } from './group-commit.ts'
import { ENTRY_COLUMNS, MIGRATIONS, recordQuery, toEntry, toPage, type EntryRow, type RecordRow } from './sql.ts'

// Transaction-scoped advisory lock keys (per database): one serialises every write to the chain,
// the other lets several replicas starting together run the migrations once.
const CHAIN_LOCK = '7236011541877001'
const MIGRATION_LOCK = '7236011541877002'

const HEAD = 'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1'
const INSERT = `INSERT INTO audit_entries (${ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
const BATCH = `SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`

interface Head { seq: number, hash: string }

/**
 * One database shared by every replica. Each write runs in a transaction that first takes an
 * advisory lock, then reads the head and inserts the entry linked to it, so concurrent replicas
 * still build one linear chain; COMMIT (with the default synchronous_commit = on) returns only once
 * the entry is flushed to the WAL. Concurrent appends share a transaction (group commit). A lost connection never crashes the process: the pending call
 * rejects (the caller answers 503) and the pool reconnects on the next one.
 */
export async function openPostgresAuditStore (connectionString: string, options: { lockTimeoutMs?: number } = {}): Promise<AuditStore> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: 10_000,
    query_timeout: 15_000,
    lock_timeout: options.lockTimeoutMs ?? 2000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'authlete-bff-audit'
  })
  // An idle connection that dies (server restart, network) emits here; it is simply dropped.
  pool.on('error', () => {})
  try {
    await migrate(pool)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }

  const link = async (client: PoolClient, entry: NewEntry, after?: Head): Promise<AuditEntry> => {
    const last = after ?? (await client.query<Head>(HEAD)).rows[0]
    const chained = chainEntry(last === undefined ? 1 : Number(last.seq) + 1, last?.hash ?? GENESIS_HASH, entry)
    const columns = indexColumns(entry)
    await client.query(INSERT, [chained.seq, chained.kind, chained.requestId, chained.time, columns.actor, columns.action, columns.clientId, columns.outcome,
      JSON.stringify(chained.data), chained.prevHash, chained.hash, columns.team ?? null])
    return chained
  }

  return {
    append: groupCommit(async entries => transaction(pool, CHAIN_LOCK, async client => {
      const committed: AuditEntry[] = []
      for (const entry of entries) committed.push(await link(client, entry, committed.at(-1)))
      return committed
    })),
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
      return transaction(pool, CHAIN_LOCK, async client => {
        const last = (await client.query<Head>(HEAD)).rows[0]
        const keep = (await client.query<{ seq: string | null }>('SELECT MIN(seq) AS seq FROM audit_entries WHERE time >= $1', [before])).rows[0]!
        const through = keep.seq === null ? (last === undefined ? undefined : Number(last.seq)) : Number(keep.seq) - 1
        const oldest = (await client.query<{ seq: string | null }>('SELECT MIN(seq) AS seq FROM audit_entries')).rows[0]!
        if (last === undefined || through === undefined || oldest.seq === null || through < Number(oldest.seq)) return 0
        const boundary = (await client.query<{ hash: string }>('SELECT hash FROM audit_entries WHERE seq = $1', [through])).rows[0]!
        const removed = (await client.query('DELETE FROM audit_entries WHERE seq <= $1', [through])).rowCount ?? 0
        const data: CheckpointData = { prunedThroughSeq: through, prunedThroughHash: boundary.hash, prunedEntries: removed }
        await link(client, { kind: 'checkpoint', requestId: null, time: new Date().toISOString(), data }, { seq: Number(last.seq), hash: last.hash })
        return removed
      })
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
 * Runs `work` in a transaction holding the advisory lock `lock` (released by COMMIT or ROLLBACK).
 * On any failure the connection is discarded rather than returned to the pool: after a timeout or a
 * dropped link its state is unknown.
 */
async function transaction<T> (pool: pg.Pool, lock: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  // While checked out, the pool does not listen for the client's errors; an unheard one would crash.
  const ignore = (): void => {}
  client.on('error', ignore)
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [lock])
    const result = await work(client)
    await client.query('COMMIT')
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

async function migrate (pool: pg.Pool): Promise<void> {
  await transaction(pool, MIGRATION_LOCK, async client => {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(row => Number(row.version)))
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      for (const statement of migration.statements) await client.query(statement)
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, new Date().toISOString()])
    }
  })
}
