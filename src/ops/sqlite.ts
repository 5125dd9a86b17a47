import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { setTimeout as sleep } from 'node:timers/promises'

// node:sqlite is synchronous, and SQLite's busy timeout sleeps in the calling thread: a write lock
// held by another process (a backup, a second replica on the file, `sqlite3` left open) froze the
// whole proxy for the busy timeout, health checks included. While serving, the busy timeout is a few
// milliseconds; the write lock is waited for between turns of the event loop instead (writeTransaction).
const SERVING_BUSY_TIMEOUT_MS = 5
// Opening and migrating happen before the server listens: blocking then holds no request.
const OPENING_BUSY_TIMEOUT_MS = 10_000
const MAX_LOCK_PAUSE_MS = 50
const SQLITE_BUSY = 5

/**
 * A database file as the stores use it: WAL with synchronous=FULL, so a committed write survives a
 * crash or a power cut. `prepare` runs with the long busy timeout (schema creation, migrations).
 */
export function openSqliteFile (path: string, prepare: (db: DatabaseSync) => void): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new DatabaseSync(path)
  db.exec(`PRAGMA busy_timeout = ${OPENING_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL`)
  prepare(db)
  db.exec(`PRAGMA busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`)
  return db
}

/**
 * Runs `work` in a BEGIN IMMEDIATE transaction. While another connection holds the write lock, tries
 * again after a short pause (1, 2, 4... up to 50 ms) without blocking the event loop, until
 * `timeoutMs` after `since` (a `performance.now()` time); then throws SQLite's "database is locked".
 */
export async function writeTransaction<T> (db: DatabaseSync, work: () => T, timeoutMs: number, since = performance.now()): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      db.exec('BEGIN IMMEDIATE')
      break
    } catch (error) {
      const pause = Math.min(MAX_LOCK_PAUSE_MS, 2 ** attempt)
      if (!isBusy(error) || performance.now() + pause - since >= timeoutMs) throw error
      await sleep(pause)
    }
  }
  return complete(db, work)
}

/** A BEGIN IMMEDIATE transaction that waits for the lock in place: for `prepare` (before serving) only. */
export function transactionSync<T> (db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  return complete(db, work)
}

function complete<T> (db: DatabaseSync, work: () => T): T {
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}

function isBusy (error: unknown): boolean {
  const { errcode } = error as { errcode?: unknown }
  // Extended codes (SQLITE_BUSY_RECOVERY, _SNAPSHOT...) keep the primary code in the low byte.
  return typeof errcode === 'number' && (errcode & 0xff) === SQLITE_BUSY
}
