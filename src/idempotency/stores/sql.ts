// The table both SQL stores use, in the audit store's database. Times are epoch milliseconds of the
// replicas' clocks, as Redis's expiries are.
export const CREATE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  answer TEXT,
  expires_at BIGINT NOT NULL
)`

// Inserts an in-flight record, or takes over an expired one; changes nothing while one is unexpired.
// Parameters: key, fingerprint, expires_at, now.
export const CLAIM_SQL = `INSERT INTO idempotency_keys (key, state, fingerprint, answer, expires_at) VALUES ($1, 'in-flight', $2, NULL, $3)
  ON CONFLICT (key) DO UPDATE SET state = 'in-flight', fingerprint = excluded.fingerprint, answer = NULL, expires_at = excluded.expires_at
  WHERE idempotency_keys.expires_at <= $4`

export interface KeyRow { state: string, fingerprint: string, answer: string | null }
