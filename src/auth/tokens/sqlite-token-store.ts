import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { errors } from '../../http/errors.ts'
import type { Role } from '../roles.ts'
import type { ApiTokenRecord, TokenStore } from './token-store.ts'

const SCHEMA_VERSION = 2
const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  name TEXT NOT NULL,
  roles TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS api_tokens_by_user ON api_tokens (username, expires_at);
`
// Version 2: the teams a token may act for (ACCESS_MODEL=teams); NULL for tokens without any.
const ADD_TEAMS = 'ALTER TABLE api_tokens ADD COLUMN teams TEXT;'
const COLUMNS = 'id, username, name, roles, created_by, created_at, expires_at, last_used_at, hash, teams'

interface Row {
  id: string
  username: string
  name: string
  roles: string
  created_by: string
  created_at: number
  expires_at: number
  last_used_at: number | null
  hash: string
  teams: string | null
}

/**
 * One file per replica (node:sqlite, WAL, synchronous=FULL: a revocation that answered survives a
 * crash). With several replicas, use API_TOKEN_STORE=redis: each file only knows its own tokens.
 */
export function openSqliteTokenStore (path: string, busyTimeoutMs = 2000): TokenStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path)
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = ${busyTimeoutMs}`)
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number }
  if (version < SCHEMA_VERSION) db.exec(`BEGIN IMMEDIATE; ${version < 1 ? SCHEMA : ''} ${ADD_TEAMS} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT`)

  const insert = db.prepare(`INSERT INTO api_tokens (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const prune = db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?')
  const byId = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`)
  const byUser = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE username = ? AND expires_at > ? ORDER BY created_at`)
  const remove = db.prepare('DELETE FROM api_tokens WHERE id = ?')
  const used = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')

  return {
    create: async record => guard(() => {
      prune.run(Date.now())
      insert.run(record.id, record.username, record.name, JSON.stringify(record.roles), record.createdBy, record.createdAt,
        record.expiresAt, record.lastUsedAt, record.hash, record.teams === undefined ? null : JSON.stringify(record.teams))
    }),
    get: async id => guard(() => {
      const row = byId.get(id) as Row | undefined
      return row === undefined ? undefined : toRecord(row)
    }),
    listByUser: async username => guard(() => (byUser.all(username, Date.now()) as unknown as Row[]).map(toRecord)),
    delete: async id => guard(() => Number(remove.run(id).changes) > 0),
    touch: async (id, record) => guard(() => { used.run(record.lastUsedAt, id) }),
    async close () {
      if (db.isOpen) db.close()
    }
  }
}

function toRecord (row: Row): ApiTokenRecord {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    hash: row.hash,
    ...(row.teams === null ? {} : { teams: JSON.parse(row.teams) as string[] })
  }
}

// A locked or broken file is a store that cannot answer (503), not a bug in the request (500).
function guard<T> (work: () => T): T {
  try {
    return work()
  } catch (cause) {
    throw new errors.TokenStoreUnavailable({ cause })
  }
}
