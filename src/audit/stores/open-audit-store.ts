import type { AuditStore } from './audit-store.ts'
import { openSqliteAuditStore } from './sqlite-audit-store.ts'

/**
 * `sqlite:<path>` (one file per replica) or `postgres://...` (shared by replicas). `writeTimeoutMs`
 * (AUDIT_WRITE_TIMEOUT_MS) bounds how long an entry may take to be durable, the chain's lock included.
 */
export async function openAuditStore (spec: string, writeTimeoutMs?: number): Promise<AuditStore> {
  if (spec.startsWith('sqlite:')) return openSqliteAuditStore(spec.slice('sqlite:'.length), writeTimeoutMs)
  // Loaded only when used: a SQLite deployment never loads the PostgreSQL driver.
  const { openPostgresAuditStore } = await import('./postgres-audit-store.ts')
  return await openPostgresAuditStore(spec, writeTimeoutMs)
}
