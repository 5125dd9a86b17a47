import { openSqliteFile, writeTransaction } from '../../ops/sqlite.ts'
import { ACTIVE_SQL, CREATE_TABLE_SQL, exceptionValues, PUT_SQL, REMOVE_SQL, toException, type ExceptionRow, type PolicyExceptionStore } from './exception-store.ts'

// How long a write waits for the file's write lock held by another process (a backup, the CLI).
const WRITE_TIMEOUT_MS = 2000
const positional = (sql: string): string => sql.replace(/\$\d/g, '?')

/** The audit trail's SQLite file, table policy_exceptions, through a connection of its own. */
export function openSqliteExceptionStore (path: string): PolicyExceptionStore {
  const db = openSqliteFile(path, db => { db.exec(CREATE_TABLE_SQL) })
  const put = db.prepare(positional(PUT_SQL))
  const active = db.prepare(positional(ACTIVE_SQL))
  const remove = db.prepare(positional(REMOVE_SQL))
  const write = async <T>(work: () => T): Promise<T> => await writeTransaction(db, work, WRITE_TIMEOUT_MS)
  return {
    async put (exception) { await write(() => put.run(...exceptionValues(exception))) },
    async active (clientId, now) { return (active.all(clientId, now) as unknown as ExceptionRow[]).map(toException) },
    async remove (clientId, rule, now) { return await write(() => Number(remove.run(clientId, rule, now).changes) > 0) },
    async close () { if (db.isOpen) db.close() }
  }
}
