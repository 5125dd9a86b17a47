import { canonicalHash } from '../stored-state.ts'
import { changedProperties } from '../changed-properties.ts'
import type { NewEntry, OutcomeData } from '../../audit/audit-types.ts'
import type { ClientVersion, DeletedClient, DeletedPage, HistoryStore, NewVersion, StoredVersion, VersionLink } from '../history-types.ts'

// The version table lives in the audit database, beside the entries that vouch for it, and is shared
// by the SQL stores (placeholders written `?`; the PostgreSQL store numbers them). The primary key
// makes a client's version numbers unique whatever writes them: every write also holds the chain's
// lock (BEGIN IMMEDIATE, PostgreSQL's advisory lock), so numbers are also gap-free.
export const HISTORY_MIGRATIONS: ReadonlyArray<{ version: number, statements: string[] }> = [
  {
    // Numbered after the issue (24), so that other branches' migrations (3, 4...) cannot take its number.
    version: 24,
    statements: [
      `CREATE TABLE client_versions (
        client_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        audit_id TEXT NOT NULL,
        team TEXT,
        origin TEXT,
        data TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (client_id, version)
      )`,
      'CREATE INDEX client_versions_at ON client_versions (at)',
      'CREATE INDEX client_versions_action ON client_versions (action, at)',
      'CREATE INDEX client_versions_origin ON client_versions (origin)'
    ]
  }
]

const COLUMNS = 'client_id, version, at, action, audit_id, team, origin, data, hash'
export const INSERT_VERSION = `INSERT INTO client_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
export const LATEST_VERSION = `SELECT ${COLUMNS} FROM client_versions WHERE client_id = ? ORDER BY version DESC LIMIT 1`
const GET_VERSION = `SELECT ${COLUMNS} FROM client_versions WHERE client_id = ? AND version = ?`
const LIST_VERSIONS = `SELECT ${COLUMNS} FROM client_versions WHERE client_id = ? AND version < ? ORDER BY version DESC LIMIT ?`
const ALL_VERSIONS = `SELECT ${COLUMNS} FROM client_versions WHERE client_id > ? OR (client_id = ? AND version > ?) ORDER BY client_id, version LIMIT ?`
// A client's latest version is removable only when it is a delete: a client that exists keeps its last state.
export const PRUNABLE = `SELECT client_id, MAX(version) AS through, COUNT(*) AS removed FROM client_versions v
  WHERE at < ? AND (action = 'client.delete' OR version < (SELECT MAX(version) FROM client_versions w WHERE w.client_id = v.client_id))
  GROUP BY client_id`
export const DELETE_VERSIONS = 'DELETE FROM client_versions WHERE client_id = ? AND version <= ?'

export interface VersionRow {
  client_id: string
  version: number | string
  at: string
  action: string
  audit_id: string
  team: string | null
  origin: string | null
  data: string
  hash: string
}

const BATCH = 500
// The version column is a 32-bit INTEGER (PostgreSQL refuses a larger bound); the routes accept up to this.
export const MAX_VERSION = 2_147_483_646

/** The content a version's hash covers: everything it says. */
export function hashedContent (version: ClientVersion): Record<string, unknown> {
  return { ...version }
}

export function versionHash (version: ClientVersion): string {
  return canonicalHash(hashedContent(version))
}

/**
 * The version an outcome entry makes, after `previous` (the client's latest, read under the chain's
 * lock), or undefined when it makes none: an external version whose change another one recorded first.
 */
export function makeVersion (wanted: NewVersion, previous: StoredVersion | undefined, at: string, auditId: string): StoredVersion | undefined {
  if (wanted.onlyIfNewer === true && previous !== undefined && !isNewer(wanted.modifiedAt, previous.modifiedAt)) return undefined
  // Two replicas writing one client at once may record their versions in the other order than Authlete
  // made the writes. A state older than the latest version's is never stored after it: history would
  // show the later write undone, and the next read would take the newer state for an external change.
  // The version keeps the newer state, which Authlete made after this write, so it holds its change too.
  const behind = previous !== undefined && wanted.modifiedAt !== null && isNewer(previous.modifiedAt, wanted.modifiedAt)
  const { state, modifiedAt } = behind ? { state: previous.client, modifiedAt: previous.modifiedAt } : wanted
  const changed = [...new Set([...changedProperties(previous?.client ?? null, state), ...wanted.alsoChanged ?? []])].sort()
  const version: ClientVersion = {
    clientId: wanted.clientId,
    version: (previous?.version ?? 0) + 1,
    at,
    actor: wanted.actor,
    source: wanted.source,
    via: wanted.via,
    action: wanted.action,
    auditId,
    changed,
    external: wanted.external,
    restoredFrom: wanted.restoredFrom,
    ...(wanted.restoredFromClientId === undefined ? {} : { restoredFromClientId: wanted.restoredFromClientId }),
    modifiedAt,
    client: state
  }
  return { ...version, hash: versionHash(version) }
}

/** Authlete's modifiedAt `seen` is later than the one `known` (no known one: any is). */
export function isNewer (seen: number | null, known: number | null): boolean {
  return seen !== null && (known === null || seen > known)
}

export function versionParams (version: StoredVersion): Array<string | number | null> {
  const { clientId, version: number, at, action, auditId, hash, ...rest } = version
  const team = typeof version.client.developer === 'string' ? version.client.developer : null
  return [clientId, number, at, action, auditId, team, version.restoredFromClientId ?? null, JSON.stringify(rest), hash]
}

export function toVersion (row: VersionRow): StoredVersion {
  const rest = JSON.parse(row.data) as Omit<StoredVersion, 'clientId' | 'version' | 'at' | 'action' | 'auditId' | 'hash'>
  return { clientId: row.client_id, version: Number(row.version), at: row.at, action: row.action, auditId: row.audit_id, ...rest, hash: row.hash }
}

/**
 * An entry without its version request, and with the version it made linked in its data: the chain
 * hashes the data, so it covers the version's number and hash.
 */
export function linkVersion (entry: NewEntry, made: StoredVersion | undefined): NewEntry {
  const { version: _wanted, ...plain } = entry
  if (made === undefined) return plain
  const link: VersionLink = { version: made.version, versionClientId: made.clientId, versionHash: made.hash }
  return { ...plain, data: { ...(plain.data as OutcomeData), ...link } }
}

type Run = <T>(sql: string, params: Array<string | number | null>) => Promise<T[]>

/** The reads of the version table, the same in both dialects. `run` answers a query's rows. */
export function historyReads (run: Run): Omit<HistoryStore, 'prune'> {
  const latest = async (clientId: string) => (await run<VersionRow>(LATEST_VERSION, [clientId])).map(toVersion)[0]
  return {
    latest,
    async get (clientId, version) {
      return (await run<VersionRow>(GET_VERSION, [clientId, version])).map(toVersion)[0]
    },
    async list (clientId, { limit, before }) {
      const rows = await run<VersionRow>(LIST_VERSIONS, [clientId, before ?? MAX_VERSION + 1, limit + 1])
      const versions = rows.slice(0, limit).map(row => listed(toVersion(row)))
      return { versions, next: rows.length > limit ? versions.at(-1)!.version : null }
    },
    async deleted ({ limit, cursor, teams }) {
      const { sql, params } = deletedQuery(limit, cursor, teams)
      const rows = await run<VersionRow & { restored_as: string | null }>(sql, params)
      const clients = rows.slice(0, limit).map(toDeleted)
      const last = rows.length > limit ? rows[limit - 1]! : undefined
      return { clients, next: last === undefined ? null : `${last.at}~${last.client_id}` } satisfies DeletedPage
    },
    async * all () {
      let after = { clientId: '', version: 0 }
      for (;;) {
        const rows = await run<VersionRow>(ALL_VERSIONS, [after.clientId, after.clientId, after.version, BATCH])
        for (const row of rows) yield toVersion(row)
        if (rows.length < BATCH) return
        after = { clientId: rows.at(-1)!.client_id, version: Number(rows.at(-1)!.version) }
      }
    }
  }
}

/** A version as a list shows it: without the stored state. */
function listed (version: StoredVersion): ClientVersion {
  const { hash: _hash, client: _client, ...rest } = version
  return rest as ClientVersion
}

// Newest deletion first; the cursor is the last one's time and ID.
function deletedQuery (limit: number, cursor: string | undefined, teams: readonly string[] | undefined) {
  const where = ['v.action = \'client.delete\'', 'v.version = (SELECT MAX(version) FROM client_versions w WHERE w.client_id = v.client_id)']
  const params: Array<string | number> = []
  if (teams !== undefined) {
    where.push(teams.length === 0 ? '1 = 0' : `v.team IN (${teams.map(() => '?').join(', ')})`)
    params.push(...teams)
  }
  if (cursor !== undefined) {
    const [at, clientId] = cursor.split('~') as [string, string]
    where.push('(v.at < ? OR (v.at = ? AND v.client_id < ?))')
    params.push(at, at, clientId)
  }
  params.push(limit + 1)
  return {
    sql: `SELECT ${COLUMNS.split(', ').map(column => `v.${column}`).join(', ')},
        (SELECT MIN(r.client_id) FROM client_versions r WHERE r.origin = v.client_id) AS restored_as
      FROM client_versions v WHERE ${where.join(' AND ')} ORDER BY v.at DESC, v.client_id DESC LIMIT ?`,
    params
  }
}

function toDeleted (row: VersionRow & { restored_as: string | null }): DeletedClient {
  const version = toVersion(row)
  const { clientName, developer } = version.client as { clientName?: unknown, developer?: unknown }
  return {
    clientId: version.clientId,
    clientName: typeof clientName === 'string' ? clientName : null,
    developer: typeof developer === 'string' ? developer : null,
    deletedAt: version.at,
    deletedBy: { actor: version.actor, source: version.source },
    lastVersion: version.version,
    restoredAs: row.restored_as
  }
}
