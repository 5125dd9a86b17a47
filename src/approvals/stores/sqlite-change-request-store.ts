import { openSqliteFile, writeTransaction } from '../../ops/sqlite.ts'
import type { ChangeRequest } from '../change-request.ts'
import type { ChangeRequestStore } from './change-request-store.ts'
import { CREATE_INDEX_SQL, CREATE_TABLE_SQL, listFilter, type RequestRow } from './sql.ts'

// How long a write waits for the file's write lock held by another process (a backup, the CLI).
const WRITE_TIMEOUT_MS = 2000
const sqliteParams = (sql: string): string => sql.replace(/\$\d+/g, '?')

/** The audit trail's SQLite file, table change_requests, through a connection of its own. */
export function openSqliteChangeRequestStore (path: string): ChangeRequestStore {
  const db = openSqliteFile(path, db => { db.exec(CREATE_TABLE_SQL); db.exec(CREATE_INDEX_SQL) })
  const insert = db.prepare('INSERT INTO change_requests (id, seq, status, team, expires_at, revision, data) VALUES (?, ?, ?, ?, ?, 0, ?)')
  const read = db.prepare('SELECT data, revision FROM change_requests WHERE id = ?')
  const write = db.prepare('UPDATE change_requests SET status = ?, data = ?, revision = revision + 1 WHERE id = ?')
  const due = db.prepare('SELECT id FROM change_requests WHERE status = \'pending\' AND expires_at <= ?')
  const transaction = async <T>(work: () => T): Promise<T> => await writeTransaction(db, work, WRITE_TIMEOUT_MS)

  return {
    async insert (request) {
      await transaction(() => insert.run(request.id, Date.parse(request.createdAt), request.status, request.team, request.expiresAt, JSON.stringify(request)))
    },
    async get (id) {
      const row = read.get(id) as RequestRow | undefined
      return row === undefined ? undefined : JSON.parse(row.data) as ChangeRequest
    },
    async list ({ status, teams, offset, limit }) {
      const { where, params } = listFilter(status, teams)
      const rows = db.prepare(sqliteParams(`SELECT data FROM change_requests ${where} ORDER BY seq DESC, id DESC LIMIT ? OFFSET ?`)).all(...params as string[], limit, offset) as unknown as RequestRow[]
      const { total } = db.prepare(sqliteParams(`SELECT COUNT(*) AS total FROM change_requests ${where}`)).get(...params as string[]) as { total: number }
      return { requests: rows.map(row => JSON.parse(row.data) as ChangeRequest), total: Number(total) }
    },
    // One write transaction: the read and the write hold the file's write lock, so no other process
    // changes the row in between.
    update: async (id, change) => await transaction(() => {
      const row = read.get(id) as RequestRow | undefined
      const changed = row === undefined ? undefined : change(JSON.parse(row.data) as ChangeRequest)
      if (changed !== undefined) write.run(changed.status, JSON.stringify(changed), id)
      return changed
    }),
    async due (now) {
      return (due.all(now) as Array<{ id: string }>).map(row => row.id)
    },
    async close () {
      if (db.isOpen) db.close()
    }
  }
}
