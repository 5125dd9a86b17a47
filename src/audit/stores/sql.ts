import type { AuditQuery, AuditRecord, IntentData, OutcomeData } from '../audit-types.ts'
import type { StoredEntry } from '../chain.ts'
import { HISTORY_MIGRATIONS } from '../../history/stores/version-rows.ts'

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
  },
  // The client versions of src/history, written with the outcome entries that vouch for them.
  ...HISTORY_MIGRATIONS
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

export type Dialect = 'sqlite' | 'postgres'

// The actor's source, read from the intent itself: it has no column of its own.
const ACTOR_SOURCE: Record<Dialect, string> = {
  sqlite: 'json_extract(i.data, \'$.source\')',
  postgres: '(i.data::json ->> \'source\')'
}

/** The intent entries matching a query, newest first, each with its outcome entry if any. */
export function recordQuery (query: AuditQuery, dialect: Dialect): { sql: string, params: Array<string | number> } {
  const where = ['i.kind = \'intent\'']
  const params: Array<string | number> = []
  const add = (clause: string, ...values: Array<string | number>): void => { where.push(clause); params.push(...values) }
  const source = ACTOR_SOURCE[dialect]
  if (query.actor !== undefined) add('i.actor = ?', query.actor)
  if (query.actor !== undefined || query.source !== undefined) add(`COALESCE(${source}, 'local') = ?`, query.source ?? 'local')
  // The intent names the client, or (for a create) the outcome does: either entry of the request.
  if (query.clientId !== undefined) {
    const ids = [query.clientId].flat()
    add(`i.request_id IN (SELECT request_id FROM audit_entries WHERE client_id IN (${ids.map(() => '?').join(', ')}))`, ...ids)
  }
  if (query.action !== undefined) add('i.action = ?', query.action)
  if (query.team !== undefined) add('i.team = ?', query.team)
  const { visibleTo } = query
  if (visibleTo !== undefined) {
    const { teams, actor } = visibleTo
    // The actor's own records: the same username from another source is another person.
    const clauses = [...(actor === undefined ? [] : [`(i.actor = ? AND ${source} = ?)`]), ...teams.map(() => 'i.team = ?')]
    add(clauses.length === 0 ? '1 = 0' : `(${clauses.join(' OR ')})`, ...(actor === undefined ? [] : [actor.username, actor.source]), ...teams)
  }
  if (query.since !== undefined) add('i.time >= ?', query.since)
  if (query.until !== undefined) add('i.time < ?', query.until)
  if (query.cursor !== undefined) add('i.seq < ?', query.cursor)
  if (query.outcome === 'pending') where.push('o.seq IS NULL')
  else if (visibleTo !== undefined && query.outcome === 'denied') add(`o.outcome = 'denied' AND NOT ${outsideTeams(visibleTo.teams)}`, ...visibleTo.teams)
  else if (visibleTo !== undefined && query.outcome === 'failure') add(`(o.outcome = 'failure' OR (o.outcome = 'denied' AND ${outsideTeams(visibleTo.teams)}))`, ...visibleTo.teams)
  else if (query.outcome !== undefined) add('o.outcome = ?', query.outcome)
  params.push(query.limit + 1)
  return {
    sql: `SELECT i.seq, i.request_id, i.time, i.data, o.time AS outcome_time, o.data AS outcome_data
      FROM audit_entries i LEFT JOIN audit_entries o ON o.kind = 'outcome' AND o.request_id = i.request_id
      WHERE ${where.join(' AND ')} ORDER BY i.seq DESC LIMIT ?`,
    params
  }
}

// A record about a client outside `teams` (one placeholder per team): what seenBy masks.
function outsideTeams (teams: string[]): string {
  return `(i.client_id IS NOT NULL${teams.length === 0 ? '' : ` AND (i.team IS NULL OR i.team NOT IN (${teams.map(() => '?').join(', ')}))`})`
}

/**
 * A record as a caller restricted to `visibleTo` sees it. About a client outside their teams (their
 * own action, refused): no team, `failure` for `denied` and no result code, as for a missing client.
 */
function seenBy (record: AuditRecord, intentClientId: string | null, visibleTo: AuditQuery['visibleTo']): AuditRecord {
  if (visibleTo === undefined || intentClientId === null || (typeof record.team === 'string' && visibleTo.teams.includes(record.team))) return record
  const { team: _hidden, ...rest } = record
  return { ...rest, outcome: record.outcome === 'denied' ? 'failure' : record.outcome, resultCode: null }
}

export function toRecord (row: RecordRow, visibleTo?: AuditQuery['visibleTo']): AuditRecord {
  const intent = JSON.parse(row.data) as IntentData
  const outcome = row.outcome_data === null ? undefined : JSON.parse(row.outcome_data) as OutcomeData
  return seenBy({
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
    ...outcome?.callerGone === true ? { callerGone: true } : {},
    ...outcome?.version === undefined ? {} : { version: outcome.version, versionClientId: outcome.versionClientId }
  }, intent.clientId, visibleTo)
}

export function toPage (rows: RecordRow[], { limit, visibleTo }: Pick<AuditQuery, 'limit' | 'visibleTo'>) {
  const records = rows.slice(0, limit).map(row => toRecord(row, visibleTo))
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
