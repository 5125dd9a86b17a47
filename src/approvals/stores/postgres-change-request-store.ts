import pg from 'pg'
import type { ChangeRequest } from '../change-request.ts'
import { UPDATE_ATTEMPTS, type ChangeRequestStore } from './change-request-store.ts'
import { CREATE_INDEX_SQL, CREATE_TABLE_SQL, listFilter, type RequestRow } from './sql.ts'
import { createTableOnce } from '../../ops/postgres-schema.ts'

// Replicas starting together create the table once (an advisory lock of its own).
const CREATE_LOCK = '7236011541877125'

/** The audit trail's PostgreSQL database, table change_requests, through a small pool of its own. */
export async function openPostgresChangeRequestStore (connectionString: string): Promise<ChangeRequestStore> {
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30_000, keepAlive: true, statement_timeout: 2000, query_timeout: 3000, application_name: 'authlete-bff-approvals' })
  pool.on('error', () => {})
  try {
    await createTableOnce(pool, CREATE_LOCK, `${CREATE_TABLE_SQL}; ${CREATE_INDEX_SQL}`)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
  const read = async (id: string): Promise<RequestRow | undefined> => (await pool.query<RequestRow>('SELECT data, revision FROM change_requests WHERE id = $1', [id])).rows[0]

  return {
    async insert (request) {
      await pool.query('INSERT INTO change_requests (id, seq, status, team, expires_at, revision, data) VALUES ($1, $2, $3, $4, $5, 0, $6)', [request.id, Date.parse(request.createdAt), request.status, request.team, request.expiresAt, JSON.stringify(request)])
    },
    async get (id) {
      const row = await read(id)
      return row === undefined ? undefined : JSON.parse(row.data) as ChangeRequest
    },
    async list ({ status, teams, offset, limit }) {
      const { where, params } = listFilter(status, teams)
      const rows = await pool.query<RequestRow>(`SELECT data FROM change_requests ${where} ORDER BY seq DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, limit, offset])
      const count = await pool.query<{ total: string }>(`SELECT COUNT(*) AS total FROM change_requests ${where}`, params)
      return { requests: rows.rows.map(row => JSON.parse(row.data) as ChangeRequest), total: Number(count.rows[0]!.total) }
    },
    // Compare-and-set on the revision: of two replicas changing one request at once, one wins and the
    // other applies its change again to the row the winner wrote.
    async update (id, change) {
      for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
        const row = await read(id)
        const changed = row === undefined ? undefined : change(JSON.parse(row.data) as ChangeRequest)
        if (changed === undefined) return undefined
        const written = await pool.query('UPDATE change_requests SET status = $1, data = $2, revision = revision + 1 WHERE id = $3 AND revision = $4', [changed.status, JSON.stringify(changed), id, row!.revision])
        if (written.rowCount === 1) return changed
      }
      throw new Error('change request kept being changed concurrently')
    },
    async due (now) {
      return (await pool.query<{ id: string }>('SELECT id FROM change_requests WHERE status = \'pending\' AND expires_at <= $1', [now])).rows.map(row => row.id)
    },
    async close () {
      await pool.end()
    }
  }
}
