// The table both SQL stores use, in the audit store's database: the request as JSON, with the columns
// lists filter on, and a revision for compare-and-set.
export const CREATE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS change_requests (
  id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  status TEXT NOT NULL,
  team TEXT,
  expires_at TEXT NOT NULL,
  revision INTEGER NOT NULL,
  data TEXT NOT NULL
)`
export const CREATE_INDEX_SQL = 'CREATE INDEX IF NOT EXISTS change_requests_status ON change_requests (status, seq)'

export interface RequestRow { data: string, revision: number }

/** WHERE clause and parameters of a list query ($1, $2, ... placeholders). */
export function listFilter (status: string | undefined, teams: readonly string[] | undefined): { where: string, params: unknown[] } {
  const clauses: string[] = []
  const params: unknown[] = []
  if (status !== undefined) {
    params.push(status)
    clauses.push(`status = $${params.length}`)
  }
  if (teams !== undefined) {
    if (teams.length === 0) clauses.push('1 = 0')
    else clauses.push(`team IN (${teams.map(team => { params.push(team); return `$${params.length}` }).join(', ')})`)
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params }
}
