import { openSqliteFile, writeTransaction } from '../../ops/sqlite.ts'
import { toRecord, type IdempotencyStore } from './idempotency-store.ts'
import { CLAIM_SQL, CREATE_TABLE_SQL, type KeyRow } from './sql.ts'

// How long a write waits for the file's write lock held by another process (a backup, the CLI).
const WRITE_TIMEOUT_MS = 2000

/** The audit trail's SQLite file, table idempotency_keys, through a connection of its own. */
export function openSqliteIdempotencyStore (path: string): IdempotencyStore {
  const db = openSqliteFile(path, db => { db.exec(CREATE_TABLE_SQL) })
  const claim = db.prepare(CLAIM_SQL.replace(/\$\d/g, '?'))
  const read = db.prepare('SELECT state, fingerprint, answer FROM idempotency_keys WHERE key = ?')
  const complete = db.prepare('UPDATE idempotency_keys SET state = \'done\', fingerprint = ?, answer = ?, expires_at = ? WHERE key = ?')
  const release = db.prepare('DELETE FROM idempotency_keys WHERE key = ?')
  const prune = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?')
  const write = async <T>(work: () => T): Promise<T> => await writeTransaction(db, work, WRITE_TIMEOUT_MS)

  return {
    claim: async (key, fingerprint, leaseMs) => await write(() => {
      const now = Date.now()
      if (Number(claim.run(key, fingerprint, now + leaseMs, now).changes) > 0) return undefined
      const row = read.get(key) as unknown as KeyRow
      return toRecord(row.state, row.fingerprint, row.answer)
    }),
    async complete (key, fingerprint, answer, ttlMs) {
      await write(() => complete.run(fingerprint, JSON.stringify(answer), Date.now() + ttlMs, key))
    },
    async release (key) {
      await write(() => release.run(key))
    },
    async prune () {
      await write(() => prune.run(Date.now()))
    },
    async close () {
      if (db.isOpen) db.close()
    }
  }
}
