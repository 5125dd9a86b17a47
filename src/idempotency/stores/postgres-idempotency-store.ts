import pg from 'pg'
import { createTableOnce } from '../../ops/postgres-schema.ts'
import { toRecord, type IdempotencyStore } from './idempotency-store.ts'
import { CLAIM_SQL, CREATE_TABLE_SQL, type KeyRow } from './sql.ts'

// Replicas starting together create the table once (an advisory lock of its own, not the audit chain's).
const CREATE_LOCK = '7236011541877101'
// A claim that loses to a record which is then released before it is read tries again, at most this often.
const CLAIM_ATTEMPTS = 3

/** The audit trail's PostgreSQL database, table idempotency_keys, through a small pool of its own. */
export async function openPostgresIdempotencyStore (connectionString: string): Promise<IdempotencyStore> {
  const pool = new pg.Pool({
    connectionString,
    max: 4,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // One-row statements: a database that takes longer is unavailable for this request (503).
    statement_timeout: 2000,
    query_timeout: 3000,
    application_name: 'authlete-bff-idempotency'
  })
  pool.on('error', () => {})
  try {
    await createTableOnce(pool, CREATE_LOCK, CREATE_TABLE_SQL)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }

  return {
    async claim (key, fingerprint, leaseMs) {
      for (let attempt = 1; ; attempt++) {
        const now = Date.now()
        const claimed = await pool.query(CLAIM_SQL, [key, fingerprint, now + leaseMs, now])
        if (claimed.rowCount === 1) return undefined
        const { rows } = await pool.query<KeyRow>('SELECT state, fingerprint, answer FROM idempotency_keys WHERE key = $1', [key])
        if (rows[0] !== undefined) return toRecord(rows[0].state, rows[0].fingerprint, rows[0].answer)
        if (attempt === CLAIM_ATTEMPTS) throw new Error('idempotency key kept being released while claimed')
      }
    },
    async complete (key, fingerprint, answer, ttlMs) {
      await pool.query('UPDATE idempotency_keys SET state = \'done\', fingerprint = $1, answer = $2, expires_at = $3 WHERE key = $4', [fingerprint, JSON.stringify(answer), Date.now() + ttlMs, key])
    },
    async release (key) {
      await pool.query('DELETE FROM idempotency_keys WHERE key = $1', [key])
    },
    async prune () {
      await pool.query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [Date.now()])
    },
    async close () {
      await pool.end()
    }
  }
}
