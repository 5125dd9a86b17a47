import type { AuditQuery, AuditRecord, IntentData, OutcomeData } from '../audit-types.ts'
import type { StoredEntry } from '../chain.ts'

// The schema and query shapes both SQL stores share; placeholders are written `?` and the
// PostgreSQL store numbers them.
export const MIGRATIONS: ReadonlyArray<{ version: number, statements: string[] }> = [
  {
    version: 1,
    statements: [
      `CREATE TABLE audit_entries (
        seq BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        request_id TEXT,
        time TEXT NOT NULL,
        actor TEXT,
        action TEXT,
        client_id TEXT,
        outcome TEXT,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      )`,
      'CREATE INDEX audit_entries_request ON audit_entries (request_id, kind)',
      'CREATE INDEX audit_entries_actor ON audit_entries (actor, seq)',
      'CREATE INDEX audit_entries_client ON audit_entries (client_id, seq)',
      'CREATE INDEX audit_entries_time ON audit_entries (time)'
    ]
  },
  {
    // ACCESS_MODEL=teams: the target's team, for GET /api/audit?team= and an admin of some teams.
    version: 2,
    statements: [
      'ALTER TABLE audit_entries ADD COLUMN team TEXT',
      'CREATE INDEX audit_entries_team ON audit_entries (team, seq)'
    ]
  }
]

export const ENTRY_COLUMNS = 'seq, kind, request_id, time, actor, action, client_id, outcome, data, prev_hash, hash, team'

export interface EntryRow {
  seq: number | string | bigint
  kind: string
  request_id: string | null
  time: string
  actor: string | null
  action: string | null
  client_id: string | null
  outcome: string | null
  data: string
  prev_hash: string
  hash: string
  team: string | null
}

export interface RecordRow {
  seq: number | string | bigint
  request_id: string
  time: string
  data: string
  outcome_time: string | null
  outcome_data: string | null
}

/** The intent entries matching a query, newest first, each with its outcome entry if any. */
export function recordQuery (query: AuditQuery): { sql: string, params: Array<string | number> } {
  const where = ['i.kind = \'intent\'']
  const params: Array<string | number> = []
  const add = (clause: string, value: string | number): void => { where.push(clause); params.push(value) }
  if (query.actor !== undefined) add('i.actor = ?', query.actor)
  // The intent names the client, or (for a create) the outcome does: either entry of the request.
  if (query.clientId !== undefined) add('i.request_id IN (SELECT request_id FROM audit_entries WHERE client_id = ?)', query.clientId)
  if (query.action !== undefined) add('i.action = ?', query.action)
  if (query.team !== undefined) add('i.team = ?', query.team)
  if (query.visibleTo !== undefined) {
    const { teams, actor } = query.visibleTo
    where.push(`(i.actor = ?${teams.map(() => ' OR i.team = ?').join('')})`)
    params.push(actor, ...teams)
  }
  if (query.since !== undefined) add('i.time >= ?', query.since)
  if (query.until !== undefined) add('i.time < ?', query.until)
  if (query.cursor !== undefined) add('i.seq < ?', query.cursor)
  if (query.outcome === 'pending') where.push('o.seq IS NULL')
  else if (query.outcome !== undefined) add('o.outcome = ?', query.outcome)
  params.push(query.limit + 1)
  return {
    sql: `SELECT i.seq, i.request_id, i.time, i.data, o.time AS outcome_time, o.data AS outcome_data
      FROM audit_entries i LEFT JOIN audit_entries o ON o.kind = 'outcome' AND o.request_id = i.request_id
      WHERE ${where.join(' AND ')} ORDER BY i.seq DESC LIMIT ?`,
    params
  }
}

export function toRecord (row: RecordRow): AuditRecord {
  const intent = JSON.parse(row.data) as IntentData
  const outcome = row.outcome_data === null ? undefined : JSON.parse(row.outcome_data) as OutcomeData
  return {
    id: Number(row.seq),
    requestId: row.request_id,
    time: row.time,
    ...intent,
    clientId: intent.clientId ?? outcome?.clientId ?? null,
    outcome: outcome?.outcome ?? 'pending',
    status: outcome?.status ?? null,
    resultCode: outcome?.resultCode ?? null,
    durationMs: outcome?.durationMs ?? null,
    completedAt: row.outcome_time,
    ...outcome?.callerGone === true ? { callerGone: true } : {}
  }
}

export function toPage (rows: RecordRow[], limit: number) {
  const records = rows.slice(0, limit).map(toRecord)
  return { records, nextCursor: rows.length > limit ? records.at(-1)!.id : null }
}

export function toEntry (row: EntryRow): StoredEntry {
  return {
    seq: Number(row.seq),
    kind: row.kind as StoredEntry['kind'],
    requestId: row.request_id,
    time: row.time,
    data: JSON.parse(row.data) as StoredEntry['data'],
    prevHash: row.prev_hash,
    hash: row.hash,
    columns: { actor: row.actor, action: row.action, clientId: row.client_id, outcome: row.outcome, ...(row.team === null || row.team === undefined ? {} : { team: row.team }) }
  }
}
