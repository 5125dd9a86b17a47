/** A time-boxed exception: `rule` passes for `clientId` until `expiresAt` (issue 23). */
export interface PolicyException {
  clientId: string
  rule: string
  reason: string
  /** ISO 8601 date-time. */
  expiresAt: string
  createdBy: string
  createdAt: string
}

/**
 * Where exceptions live, shared by the replicas: a table of the audit store's database (AUDIT_STORE),
 * or memory in sandbox mode, whose clients live in memory too. One exception per client and rule.
 */
export interface PolicyExceptionStore {
  /** Adds the exception, replacing the client's exception for the same rule. */
  put: (exception: PolicyException) => Promise<void>
  /** The client's exceptions that have not expired at `now` (ISO 8601), by rule. */
  active: (clientId: string, now: string) => Promise<PolicyException[]>
  /** Removes the client's exception for `rule`; false when there was none in force. */
  remove: (clientId: string, rule: string, now: string) => Promise<boolean>
  close: () => Promise<void>
}

// Each loaded only when used: a SQLite deployment never loads the PostgreSQL driver.
export async function openPolicyExceptionStore (auditStore: string | null): Promise<PolicyExceptionStore> {
  if (auditStore === null) return (await import('./memory-exception-store.ts')).createMemoryExceptionStore()
  if (auditStore.startsWith('sqlite:')) return (await import('./sqlite-exception-store.ts')).openSqliteExceptionStore(auditStore.slice('sqlite:'.length))
  return await (await import('./postgres-exception-store.ts')).openPostgresExceptionStore(auditStore)
}

/** The table both SQL stores use. ISO 8601 UTC times compare as text. */
export const CREATE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS policy_exceptions (
  client_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  reason TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (client_id, rule)
)`

// Parameters: client_id, rule, reason, expires_at, created_by, created_at.
export const PUT_SQL = `INSERT INTO policy_exceptions (client_id, rule, reason, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (client_id, rule) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, created_by = excluded.created_by, created_at = excluded.created_at`
// Parameters: client_id, now.
export const ACTIVE_SQL = 'SELECT client_id, rule, reason, expires_at, created_by, created_at FROM policy_exceptions WHERE client_id = $1 AND expires_at > $2 ORDER BY rule'
// Parameters: client_id, rule, now.
export const REMOVE_SQL = 'DELETE FROM policy_exceptions WHERE client_id = $1 AND rule = $2 AND expires_at > $3'

export interface ExceptionRow { client_id: string, rule: string, reason: string, expires_at: string, created_by: string, created_at: string }

export function toException (row: ExceptionRow): PolicyException {
  return { clientId: row.client_id, rule: row.rule, reason: row.reason, expiresAt: row.expires_at, createdBy: row.created_by, createdAt: row.created_at }
}

export const exceptionValues = (exception: PolicyException): string[] =>
  [exception.clientId, exception.rule, exception.reason, exception.expiresAt, exception.createdBy, exception.createdAt]
