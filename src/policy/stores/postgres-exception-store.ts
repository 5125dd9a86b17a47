import pg from 'pg'
import { createTableOnce } from '../../ops/postgres-schema.ts'
import { ACTIVE_SQL, CREATE_TABLE_SQL, exceptionValues, PUT_SQL, REMOVE_SQL, toException, type ExceptionRow, type PolicyExceptionStore } from './exception-store.ts'

// Replicas starting together create the table once (an advisory lock of its own).
const CREATE_LOCK = '7236011541877102'

/** The audit trail's PostgreSQL database, table policy_exceptions, through a small pool of its own. */
export async function openPostgresExceptionStore (connectionString: string): Promise<PolicyExceptionStore> {
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30_000, statement_timeout: 2000, query_timeout: 3000, application_name: 'authlete-bff-policy' })
  pool.on('error', () => {})
  try {
    await createTableOnce(pool, CREATE_LOCK, CREATE_TABLE_SQL)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
  return {
    async put (exception) { await pool.query(PUT_SQL, exceptionValues(exception)) },
    async active (clientId, now) { return (await pool.query<ExceptionRow>(ACTIVE_SQL, [clientId, now])).rows.map(toException) },
    async remove (clientId, rule, now) { return ((await pool.query(REMOVE_SQL, [clientId, rule, now])).rowCount ?? 0) > 0 },
    async close () { await pool.end() }
  }
}
