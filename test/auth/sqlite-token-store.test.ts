import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import t from 'tap'
import type { Test } from 'tap'
import { openSqliteTokenStore } from '../../src/auth/tokens/sqlite-token-store.ts'
import type { ApiTokenRecord } from '../../src/auth/tokens/token-store.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'
import { tokenRecord, tokenStoreContract } from './token-store-contract.ts'

// The SQLite store on a file of its own per test, on a clock that stands still.

async function file (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-sqlite-tokens-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'tokens.db')
}

async function open (t: Test, path?: string, writeTimeoutMs?: number) {
  const store = openSqliteTokenStore(path ?? await file(t), writeTimeoutMs)
  t.teardown(() => store.close())
  return store
}

tokenStoreContract(t, async t => {
  const clock = frozenClock(t)
  return { store: await open(t), elapse: async ms => { clock.advance(ms) } }
})

const ALICE = { source: 'local' as const, username: 'alice' }

t.test('get, listByUser and create ...should take a token as expired from its expiresAt on, and delete it from the file at the next creation', async t => {
  const clock = frozenClock(t)
  const path = await file(t)
  const store = await open(t, path)
  const record = tokenRecord({ expiresAt: clock.now() + 1000 })
  await store.create(record, 1)
  clock.advance(999)
  t.same(await store.listByUser(ALICE), [record])
  t.equal(await store.create(tokenRecord(), 1), false, 'it still takes its place')
  clock.advance(1)
  t.same(await store.listByUser(ALICE), [])
  const next = tokenRecord()
  t.equal(await store.create(next, 1), true)
  const db = new DatabaseSync(path, { readOnly: true })
  t.teardown(() => db.close())
  t.same(db.prepare('SELECT id FROM api_tokens').all().map(row => row.id), [next.id], 'the expired row is gone from the file')
})

t.test('listByUser ...should answer the owner\'s tokens oldest first', async t => {
  const clock = frozenClock(t)
  const store = await open(t)
  const later = tokenRecord({ createdAt: clock.now() + 5 })
  const earlier = tokenRecord({ createdAt: clock.now() + 1 })
  await store.create(later, 10)
  await store.create(earlier, 10)
  t.same(await store.listByUser(ALICE), [earlier, later])
})

t.test('create ...should store a token without sources as a local user\'s, made by a local user', async t => {
  const store = await open(t)
  const old: ApiTokenRecord = tokenRecord()
  delete old.source
  delete old.createdBySource
  await store.create(old, 1)
  t.strictSame(await store.get(old.id), { ...old, source: 'local', createdBySource: 'local' })
  t.equal(await store.create(tokenRecord(), 1), false, 'it is the local alice\'s')
})

// A file as each earlier version of the store left it, with one token in it.
const OLD_FILES: Record<number, string> = {
  1: `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, username TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_used_at INTEGER, hash TEXT NOT NULL) STRICT;
      CREATE INDEX api_tokens_by_user ON api_tokens (username, expires_at);
      INSERT INTO api_tokens VALUES ('${'1'.repeat(24)}', 'alice', 'old', '["editor"]', 'root', 1, 9000000000000, 5, 'h');
      PRAGMA user_version = 1;`,
  2: `CREATE TABLE api_tokens (id TEXT PRIMARY KEY, username TEXT NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL, created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_used_at INTEGER, hash TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'local', created_by_source TEXT NOT NULL DEFAULT 'local') STRICT;
      CREATE INDEX api_tokens_by_owner ON api_tokens (source, username, expires_at);
      INSERT INTO api_tokens VALUES ('${'1'.repeat(24)}', 'alice', 'old', '["editor"]', 'root', 1, 9000000000000, 5, 'h', 'local', 'local');
      PRAGMA user_version = 2;`
}

for (const version of [1, 2]) {
  t.test(`openSqliteTokenStore ...should bring a version ${version} file up to date, its tokens kept as a local user's without teams`, async t => {
    const path = await file(t)
    const old = new DatabaseSync(path)
    old.exec(OLD_FILES[version]!)
    old.close()
    const store = await open(t, path)
    t.strictSame(await store.get('1'.repeat(24)), { id: '1'.repeat(24), source: 'local', username: 'alice', name: 'old', roles: ['editor'], createdBy: 'root', createdBySource: 'local', createdAt: 1, expiresAt: 9_000_000_000_000, lastUsedAt: 5, hash: 'h' })
    const teams = tokenRecord({ source: 'oidc', teams: ['red'] })
    t.equal(await store.create(teams, 1), true)
    t.strictSame(await store.get(teams.id), teams)
    await store.close()
    const db = new DatabaseSync(path, { readOnly: true })
    t.teardown(() => db.close())
    t.same(db.prepare('PRAGMA user_version').get(), { user_version: 3 })
  })
}

t.test('openSqliteTokenStore ...should open its own file again, tokens kept, and close once however often asked', async t => {
  const path = await file(t)
  const first = openSqliteTokenStore(path)
  const record = tokenRecord({ teams: ['red'] })
  await first.create(record, 1)
  await first.close()
  await first.close()
  const again = await open(t, path)
  t.strictSame(await again.get(record.id), record)
})

t.test('every method ...should throw BFF_TOKEN_STORE_UNAVAILABLE (503) once the file cannot be used', async t => {
  const store = openSqliteTokenStore(await file(t))
  await store.close()
  const unavailable = { code: 'BFF_TOKEN_STORE_UNAVAILABLE', statusCode: 503, cause: Error }
  await t.rejects(store.create(tokenRecord(), 1), unavailable)
  await t.rejects(store.get('1'.repeat(24)), unavailable)
  await t.rejects(store.listByUser(ALICE), unavailable)
  await t.rejects(store.delete('1'.repeat(24)), unavailable)
  await t.rejects(store.touch('1'.repeat(24), tokenRecord()), unavailable)
})

t.test('create, delete and touch ...should give up with BFF_TOKEN_STORE_UNAVAILABLE while another process holds the write lock past the timeout', async t => {
  const path = await file(t)
  const store = await open(t, path, 50)
  const record = tokenRecord()
  await store.create(record, 10)
  const other = new DatabaseSync(path)
  t.teardown(() => other.close())
  other.exec('BEGIN IMMEDIATE')
  const unavailable = { code: 'BFF_TOKEN_STORE_UNAVAILABLE', statusCode: 503 }
  await t.rejects(store.create(tokenRecord(), 10), unavailable)
  await t.rejects(store.delete(record.id), unavailable)
  await t.rejects(store.touch(record.id, { ...record, lastUsedAt: 1 }), unavailable)
  t.strictSame(await store.get(record.id), record, 'reads go on')
  other.exec('ROLLBACK')
  t.equal(await store.delete(record.id), true, 'and writes once the lock is gone')
})
