import type pg from 'pg'

/**
 * Runs `sql` (CREATE TABLE IF NOT EXISTS ...) under a transaction-scoped advisory lock of its own:
 * replicas starting together create a store's table once instead of racing on the catalogue.
 */
export async function createTableOnce (pool: pg.Pool, lock: string, sql: string): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [lock])
    await client.query(sql)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
