import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import type { Test } from 'tap'
import type { NewEntry } from '../../src/audit/audit-types.ts'
import { entryHash, verifyChain } from '../../src/audit/chain.ts'
import { openAuditStore } from '../../src/audit/stores/open-audit-store.ts'

// Tamper scenarios shared by tamper.test.ts (SQLite) and tamper-postgres.test.ts. Someone with write
// access to the audit database, who knows how entries are hashed (the code is public), edits rows
// and recomputes hashes. The trail is read back through the store and verified
// as `GET /api/audit/verify` and `npm run audit:verify` do.

type Sql = (text: string, params?: Array<string | number | null>) => Promise<Array<Record<string, unknown>>>

interface Trail {
  spec: string
  sql: Sql
}

export const INTENT = { roles: ['admin'], via: 'session', credential: null, action: 'client.lock', route: 'PUT /api/clients/:clientIdentifier/lock', clientId: 'portal', subject: null, clientIp: '127.0.0.1', userAgent: null, changedProperties: ['locked'] }

/** Three complete records: entries 1 to 6, intent then outcome, alice then bob then carol. */
function history (): NewEntry[] {
  return ['alice', 'bob', 'carol'].flatMap((actor, index): NewEntry[] => [
    { kind: 'intent', requestId: `r${index}`, time: `2026-11-0${index + 1}T10:00:00.000Z`, data: { ...INTENT, actor } },
    { kind: 'outcome', requestId: `r${index}`, time: `2026-11-0${index + 1}T10:00:00.200Z`, data: { status: 200, outcome: 'success', resultCode: 'A215001', durationMs: 2 } }
  ])
}

async function seed (spec: string): Promise<void> {
  const store = await openAuditStore(spec)
  for (const entry of history()) await store.append(entry)
  await store.close()
}

async function verifyTrail (spec: string) {
  const store = await openAuditStore(spec)
  try {
    return await verifyChain(store.entries())
  } finally {
    await store.close()
  }
}

export async function sqliteTrail (t: Test): Promise<Trail> {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-tamper-')), 'audit.db')
  const spec = `sqlite:${file}`
  await seed(spec)
  const db = new DatabaseSync(file)
  t.teardown(() => db.close())
  return { spec, sql: async (text, params = []) => db.prepare(text).all(...params) as Array<Record<string, unknown>> }
}

let databases = 0
export async function postgresTrail (t: Test, serverUrl: string): Promise<Trail> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const name = `tamper_${++databases}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const spec = serverUrl.replace(/\/postgres$/, `/${name}`)
  await seed(spec)
  const client = new pg.Client({ connectionString: spec })
  await client.connect()
  t.teardown(() => client.end())
  let n = 0
  return { spec, sql: async (text, params = []) => (await client.query(text.replace(/\?/g, () => `$${++n}`), params).finally(() => { n = 0 })).rows }
}

/** What the entry's hash would be with its row as it stands now: the forger's recomputation. */
async function recomputedHash (sql: Sql, seq: number): Promise<string> {
  const [row] = await sql('SELECT kind, request_id, time, data, prev_hash FROM audit_entries WHERE seq = ?', [seq])
  const entry = { kind: row!.kind, requestId: row!.request_id, time: row!.time, data: JSON.parse(String(row!.data)) } as NewEntry
  return entryHash(seq, String(row!.prev_hash), entry)
}

async function rehash (sql: Sql, seq: number): Promise<string> {
  const hash = await recomputedHash(sql, seq)
  await sql('UPDATE audit_entries SET hash = ? WHERE seq = ?', [hash, seq])
  return hash
}

async function rewriteActor (sql: Sql, seq: number, actor: string): Promise<void> {
  const [row] = await sql('SELECT data FROM audit_entries WHERE seq = ?', [seq])
  await sql('UPDATE audit_entries SET data = ?, actor = ? WHERE seq = ?', [JSON.stringify({ ...JSON.parse(String(row!.data)), actor }), actor, seq])
}

interface Scenario {
  name: string
  tamper: (sql: Sql) => Promise<void>
  expected: { seq: number, problem: RegExp }
}

const SCENARIOS: Scenario[] = [
  {
    name: 'an entry rewritten with its own hash recomputed',
    tamper: async sql => { await rewriteActor(sql, 3, 'mallory'); await rehash(sql, 3) },
    expected: { seq: 4, problem: /does not link to the entry before it/ }
  },
  {
    name: 'an entry back-dated (time) with its own hash recomputed',
    tamper: async sql => { await sql('UPDATE audit_entries SET time = ? WHERE seq = 3', ['2025-01-01T00:00:00.000Z']); await rehash(sql, 3) },
    expected: { seq: 4, problem: /does not link to the entry before it/ }
  },
  {
    name: 'a forged entry with the next entry re-pointed to it',
    tamper: async sql => {
      await rewriteActor(sql, 3, 'mallory')
      await sql('UPDATE audit_entries SET prev_hash = ? WHERE seq = 4', [await rehash(sql, 3)])
    },
    expected: { seq: 4, problem: /content does not match its hash/ }
  },
  {
    name: 'an entry re-pointed at an earlier entry with its own hash recomputed',
    tamper: async sql => {
      const [first] = await sql('SELECT hash FROM audit_entries WHERE seq = 1')
      await sql('UPDATE audit_entries SET prev_hash = ? WHERE seq = 3', [String(first!.hash)])
      await rehash(sql, 3)
    },
    expected: { seq: 3, problem: /does not link to the entry before it/ }
  },
  {
    name: 'the first entry moved off the genesis hash with its own hash recomputed',
    tamper: async sql => {
      await sql('UPDATE audit_entries SET prev_hash = ? WHERE seq = 1', ['f'.repeat(64)])
      await rehash(sql, 1)
    },
    expected: { seq: 1, problem: /does not start the chain/ }
  },
  {
    name: 'the oldest entries deleted without a checkpoint',
    tamper: async sql => { await sql('DELETE FROM audit_entries WHERE seq <= 2') },
    expected: { seq: 2, problem: /^missing: entries up to 2 are gone and no checkpoint records their pruning$/ }
  },
  {
    name: 'entries deleted from the middle',
    tamper: async sql => { await sql('DELETE FROM audit_entries WHERE seq IN (3, 4)') },
    expected: { seq: 3, problem: /^missing: entries 3 to 4 are gone$/ }
  },
  {
    name: 'an entry back-dated (time) in place',
    tamper: async sql => { await sql('UPDATE audit_entries SET time = ? WHERE seq = 3', ['2025-01-01T00:00:00.000Z']) },
    expected: { seq: 3, problem: /content does not match its hash/ }
  },
  {
    name: 'an outcome moved to another request (requestId) in place',
    tamper: async sql => { await sql('UPDATE audit_entries SET request_id = ? WHERE seq = 4', ['r2']) },
    expected: { seq: 4, problem: /content does not match its hash/ }
  },
  {
    name: 'an intent turned into an outcome (kind) with its query columns kept consistent',
    tamper: async sql => { await sql('UPDATE audit_entries SET kind = ?, actor = NULL, action = NULL, client_id = NULL WHERE seq = 3', ['outcome']) },
    expected: { seq: 3, problem: /content does not match its hash/ }
  }
]

export async function checkScenarios (t: Test, trail: (t: Test) => Promise<Trail>): Promise<void> {
  await t.test('the untouched trail ...should verify', async t => {
    const { spec } = await trail(t)
    t.match(await verifyTrail(spec), { ok: true, checked: 6 })
  })
  for (const scenario of SCENARIOS) {
    await t.test(`${scenario.name} ...should be named as the first problem`, async t => {
      const { spec, sql } = await trail(t)
      await scenario.tamper(sql)
      t.match(await verifyTrail(spec), { ok: false, firstProblem: scenario.expected })
    })
  }
}
