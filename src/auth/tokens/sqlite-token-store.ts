import type { DatabaseSync } from 'node:sqlite'
import { openSqliteFile, writeTransaction } from '../../ops/sqlite.ts'
import { errors } from '../../http/errors.ts'
import type { Role } from '../roles.ts'
import type { IdentitySource } from '../identity.ts'
import type { ApiTokenRecord, TokenStore } from './token-store.ts'

// Version 2: the owner's and the creator's source; tokens from version 1 were all local users'.
// Version 3: the teams a token may act for (ACCESS_MODEL=teams); NULL for tokens without any.
const SCHEMA_VERSION = 3
const SCHEMA_V1 = `
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
const SCHEMA_V2 = `
ALTER TABLE api_tokens ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
ALTER TABLE api_tokens ADD COLUMN created_by_source TEXT NOT NULL DEFAULT 'local';
DROP INDEX IF EXISTS api_tokens_by_user;
CREATE INDEX api_tokens_by_owner ON api_tokens (source, username, expires_at);
`
const SCHEMA_V3 = 'ALTER TABLE api_tokens ADD COLUMN teams TEXT;'
const COLUMNS = 'id, source, username, name, roles, created_by, created_by_source, created_at, expires_at, last_used_at, hash, teams'

interface Row {
  id: string
  source: string
  username: string
  name: string
  roles: string
  created_by: string
  created_by_source: string
  created_at: number
  expires_at: number
  last_used_at: number | null
  hash: string
  teams: string | null
}

/**
 * One file per replica (node:sqlite, WAL, synchronous=FULL: a revocation that answered survives a
 * crash). With several replicas, use API_TOKEN_STORE=redis: each file only knows its own tokens.
 * Reads never wait for another process's write lock (WAL); writes wait for it off the event loop.
 */
export function openSqliteTokenStore (path: string, writeTimeoutMs = 2000): TokenStore {
  const db = openSqliteFile(path, createSchema)

  const insert = db.prepare(`INSERT INTO api_tokens (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const prune = db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?')
  const byId = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ? AND expires_at > ?`)
  const byUser = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE source = ? AND username = ? AND expires_at > ? ORDER BY created_at`)
  const held = db.prepare('SELECT count(*) AS n FROM api_tokens WHERE source = ? AND username = ? AND expires_at > ?')
  const remove = db.prepare('DELETE FROM api_tokens WHERE id = ?')
  const used = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')

  const write = <T>(work: () => T): Promise<T> => guard(() => writeTransaction(db, work, writeTimeoutMs))

  return {
    // One write transaction: the count and the insert cannot interleave with another request's.
    create: (record, maxPerOwner) => write(() => {
      const now = Date.now()
      prune.run(now)
      const source = record.source ?? 'local'
      if (Number((held.get(source, record.username, now) as { n: number }).n) >= maxPerOwner) return false
      insert.run(record.id, source, record.username, record.name, JSON.stringify(record.roles), record.createdBy, record.createdBySource ?? 'local',
        record.createdAt, record.expiresAt, record.lastUsedAt, record.hash, record.teams === undefined ? null : JSON.stringify(record.teams))
      return true
    }),
    get: id => guard(async () => {
      const row = byId.get(id, Date.now()) as Row | undefined
      return row === undefined ? undefined : toRecord(row)
    }),
    listByUser: owner => guard(async () => (byUser.all(owner.source, owner.username, Date.now()) as unknown as Row[]).map(toRecord)),
    delete: id => write(() => Number(remove.run(id).changes) > 0),
    touch: (id, record) => write(() => { used.run(record.lastUsedAt, id) }),
    async close () {
      if (db.isOpen) db.close()
    }
  }
}

function toRecord (row: Row): ApiTokenRecord {
  return {
    id: row.id,
    source: row.source as IdentitySource,
    username: row.username,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    createdBy: row.created_by,
    createdBySource: row.created_by_source as IdentitySource,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    hash: row.hash,
    ...(row.teams === null ? {} : { teams: JSON.parse(row.teams) as string[] })
  }
}

function createSchema (db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number }
  if (version < SCHEMA_VERSION) {
    db.exec(`BEGIN IMMEDIATE; ${version < 1 ? SCHEMA_V1 : ''} ${version < 2 ? SCHEMA_V2 : ''} ${SCHEMA_V3} PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT`)
  }
}

// A locked or broken file is a store that cannot answer (503), not a bug in the request (500).
async function guard<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (cause) {
    throw new errors.TokenStoreUnavailable({ cause })
  }
}
