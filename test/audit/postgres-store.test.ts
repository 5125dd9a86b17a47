import pg from 'pg'
import t, { type Test } from 'tap'
import type { IntentData, NewEntry, Outcome } from '../../src/audit/audit-types.ts'
import { GENESIS_HASH, verifyChain } from '../../src/audit/chain.ts'
import type { AuditStore } from '../../src/audit/stores/audit-store.ts'
import { numberPlaceholders, openPostgresAuditStore } from '../../src/audit/stores/postgres-audit-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { MIGRATIONS } from '../../src/audit/stores/sql.ts'

// One cluster for the file, one fresh database per test; the outage test gets a cluster of its own.
const server = await startPostgres(t)
let databases = 0

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow> (url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, params)).rows
  } finally {
    await client.end()
  }
}

async function freshDatabase (url = server.url): Promise<string> {
  const name = `audit_${++databases}`
  await sql(url, `CREATE DATABASE ${name}`)
  return url.replace(/\/postgres$/, `/${name}`)
}

async function openStore (t: Test, url: string): Promise<AuditStore> {
  const store = await openPostgresAuditStore(url)
  t.teardown(() => store.close())
  return store
}

function intent (requestId: string, time: string, data: Partial<IntentData> = {}): NewEntry {
  return {
    kind: 'intent',
    requestId,
    time,
    data: {
      actor: 'admin',
      roles: ['admin'],
      action: 'client.update',
      route: '/api/clients/:clientId',
      clientId: '1111',
      subject: null,
      clientIp: '127.0.0.1',
      userAgent: 'tap',
      changedProperties: ['clientName'],
      ...data
    }
  }
}

function outcome (requestId: string, time: string, result: Exclude<Outcome, 'pending'> = 'success'): NewEntry {
  return { kind: 'outcome', requestId, time, data: { status: result === 'success' ? 200 : 500, outcome: result, resultCode: null, durationMs: 3 } }
}

async function all<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

/** Three mutations: r1 by alice succeeds, r2 by bob on another client fails, r3 by alice is still pending. */
async function seed (store: AuditStore): Promise<void> {
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z', { actor: 'alice', clientId: 'A', action: 'client.update' }))
  await store.append(outcome('r1', '2026-01-01T10:00:00.100Z'))
  await store.append(intent('r2', '2026-01-02T10:00:00.000Z', { actor: 'bob', clientId: 'B', action: 'client.delete' }))
  await store.append(outcome('r2', '2026-01-02T10:00:00.100Z', 'failure'))
  await store.append(intent('r3', '2026-01-03T10:00:00.000Z', { actor: 'alice', clientId: 'B', action: 'client.lock' }))
}

t.test('numberPlaceholders ...should number the shared ? placeholders $1..$n in order', async t => {
  t.equal(numberPlaceholders('a = ? AND b < ? LIMIT ?'), 'a = $1 AND b < $2 LIMIT $3')
})

t.test('AuditStore(postgres) append ...should link each entry to the one before it, starting at the genesis hash', async t => {
  const store = await openStore(t, await freshDatabase())
  const first = await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  const second = await store.append(outcome('r1', '2026-01-01T10:00:00.100Z'))
  t.match(first, { seq: 1, prevHash: GENESIS_HASH, kind: 'intent', requestId: 'r1' })
  t.match(second, { seq: 2, prevHash: first.hash, kind: 'outcome' })
  const entries = await all(store.entries())
  t.same(entries.map(entry => entry.seq), [1, 2], 'seq comes back as a number, not a bigint string')
  t.same(entries[0]!.columns, { actor: 'admin', action: 'client.update', clientId: '1111', outcome: null })
  t.same(entries[1]!.columns, { actor: null, action: null, clientId: null, outcome: 'success' })
  t.same(await verifyChain(store.entries()), { ok: true, checked: 2 })
})

t.test('AuditStore(postgres) query ...should filter by actor, clientId, action and outcome, pending included', async t => {
  const store = await openStore(t, await freshDatabase())
  await seed(store)
  const ids = async (query: Partial<Parameters<AuditStore['query']>[0]>) => (await store.query({ limit: 50, ...query })).records.map(record => record.requestId)
  t.same(await ids({}), ['r3', 'r2', 'r1'], 'newest first')
  t.same(await ids({ actor: 'alice' }), ['r3', 'r1'])
  t.same(await ids({ clientId: 'B' }), ['r3', 'r2'])
  t.same(await ids({ action: 'client.delete' }), ['r2'])
  t.same(await ids({ outcome: 'success' }), ['r1'])
  t.same(await ids({ outcome: 'failure' }), ['r2'])
  t.same(await ids({ outcome: 'pending' }), ['r3'])
  t.same(await ids({ actor: 'alice', clientId: 'B' }), ['r3'])
  t.same(await ids({ actor: 'nobody' }), [])
  const { records } = await store.query({ limit: 50 })
  t.match(records[1], { id: 3, requestId: 'r2', actor: 'bob', outcome: 'failure', status: 500, durationMs: 3, completedAt: '2026-01-02T10:00:00.100Z' })
  t.match(records[0], { id: 5, requestId: 'r3', outcome: 'pending', status: null, resultCode: null, durationMs: null, completedAt: null })
})

t.test('AuditStore(postgres) query ...should filter by since (inclusive) and until (exclusive)', async t => {
  const store = await openStore(t, await freshDatabase())
  await seed(store)
  const ids = async (since?: string, until?: string) => (await store.query({ limit: 50, since, until })).records.map(record => record.requestId)
  t.same(await ids('2026-01-02T10:00:00.000Z'), ['r3', 'r2'])
  t.same(await ids(undefined, '2026-01-02T10:00:00.000Z'), ['r1'])
  t.same(await ids('2026-01-01T12:00:00.000Z', '2026-01-03T00:00:00.000Z'), ['r2'])
})

t.test('AuditStore(postgres) query ...should page newest first with a cursor until nextCursor is null', async t => {
  const store = await openStore(t, await freshDatabase())
  for (let i = 1; i <= 7; i++) {
    await store.append(intent(`r${i}`, `2026-01-01T10:00:0${i}.000Z`))
    await store.append(outcome(`r${i}`, `2026-01-01T10:00:0${i}.500Z`))
  }
  const pages: string[][] = []
  let cursor: number | undefined
  for (;;) {
    const page = await store.query({ limit: 3, cursor })
    pages.push(page.records.map(record => record.requestId))
    if (page.nextCursor === null) break
    t.equal(page.nextCursor, page.records.at(-1)!.id)
    cursor = page.nextCursor
  }
  t.same(pages, [['r7', 'r6', 'r5'], ['r4', 'r3', 'r2'], ['r1']])
})

t.test('AuditStore(postgres) entries ...should read every entry in seq order across several batches', async t => {
  const store = await openStore(t, await freshDatabase())
  await Promise.all(Array.from({ length: 1001 }, (_, i) => store.append(intent(`r${i}`, '2026-01-01T10:00:00.000Z'))))
  const seqs = (await all(store.entries())).map(entry => entry.seq)
  t.same(seqs, Array.from({ length: 1001 }, (_, i) => i + 1))
  t.same(await verifyChain(store.entries()), { ok: true, checked: 1001 })
})

t.test('AuditStore(postgres) verify ...should name the seq of a row whose data was changed', async t => {
  const url = await freshDatabase()
  const store = await openStore(t, url)
  await seed(store)
  const [row] = await sql<{ data: string }>(url, 'SELECT data FROM audit_entries WHERE seq = 3')
  await sql(url, 'UPDATE audit_entries SET data = $1 WHERE seq = 3', [row!.data.replace('"bob"', '"mallory"')])
  t.match(await verifyChain(store.entries()), { ok: false, checked: 3, firstProblem: { seq: 3, problem: /altered: its content/ } })
})

t.test('AuditStore(postgres) verify ...should name a deleted row as missing', async t => {
  const url = await freshDatabase()
  const store = await openStore(t, url)
  await seed(store)
  await sql(url, 'DELETE FROM audit_entries WHERE seq = 2')
  t.match(await verifyChain(store.entries()), { ok: false, firstProblem: { seq: 2, problem: /missing: entries 2 to 2/ } })
  await sql(url, 'DELETE FROM audit_entries WHERE seq = 1')
  t.match(await verifyChain(store.entries()), { ok: false, firstProblem: { seq: 2, problem: /no checkpoint/ } }, 'a cut head without a checkpoint')
})

t.test('AuditStore(postgres) verify ...should detect an index column that no longer matches the entry', async t => {
  const url = await freshDatabase()
  const store = await openStore(t, url)
  await seed(store)
  await sql(url, 'UPDATE audit_entries SET actor = \'mallory\' WHERE seq = 1')
  t.match(await verifyChain(store.entries()), { ok: false, firstProblem: { seq: 1, problem: /query columns/ } })
  t.same((await store.query({ limit: 50, actor: 'alice' })).records.map(record => record.requestId), ['r3'], 'the tampered column is what queries see')
})

t.test('AuditStore(postgres) prune ...should remove the old prefix and append a checkpoint that keeps verify ok', async t => {
  const store = await openStore(t, await freshDatabase())
  await seed(store)
  const entries = await all(store.entries())
  t.equal(await store.prune('2026-01-02T00:00:00.000Z'), 2)
  const kept = await all(store.entries())
  t.same(kept.map(entry => entry.seq), [3, 4, 5, 6])
  t.match(kept.at(-1), {
    seq: 6,
    kind: 'checkpoint',
    requestId: null,
    prevHash: entries.at(-1)!.hash,
    data: { prunedThroughSeq: 2, prunedThroughHash: entries[1]!.hash, prunedEntries: 2 }
  })
  t.same(await verifyChain(store.entries()), { ok: true, checked: 4 })
  t.equal(await store.prune('2026-01-02T00:00:00.000Z'), 0, 'nothing older left: no second checkpoint')
  t.equal((await all(store.entries())).length, 4)
  const next = await store.append(intent('r4', '2026-01-04T10:00:00.000Z'))
  t.equal(next.seq, 7, 'the chain goes on after the checkpoint')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 5 })
  t.same((await store.query({ limit: 50 })).records.map(record => record.requestId), ['r4', 'r3', 'r2'])
})

t.test('AuditStore(postgres) prune ...should return 0 on an empty trail and keep the checkpoint when everything is older', async t => {
  const store = await openStore(t, await freshDatabase())
  t.equal(await store.prune(new Date().toISOString()), 0)
  await seed(store)
  t.equal(await store.prune('2027-01-01T00:00:00.000Z'), 5)
  const kept = await all(store.entries())
  t.match(kept, [{ seq: 6, kind: 'checkpoint', data: { prunedThroughSeq: 5, prunedEntries: 5 } }])
  t.same(await verifyChain(store.entries()), { ok: true, checked: 1 })
})

t.test('AuditStore(postgres) migrate ...should be idempotent: opening twice, or several replicas at once, migrates once', async t => {
  const url = await freshDatabase()
  const first = await openStore(t, url)
  await first.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  const second = await openStore(t, url)
  t.equal((await second.append(outcome('r1', '2026-01-01T10:00:00.100Z'))).seq, 2, 'the second open keeps the data')
  t.same(await sql(url, 'SELECT version FROM schema_migrations ORDER BY version'), MIGRATIONS.map(({ version }) => ({ version })))

  const together = await freshDatabase()
  const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresAuditStore(together)))
  t.teardown(() => Promise.all(stores.map(store => store.close())))
  t.same(await sql(together, 'SELECT version FROM schema_migrations ORDER BY version'), MIGRATIONS.map(({ version }) => ({ version })), 'four replicas starting together')
})

t.test('AuditStore(postgres) append ...should keep one linear chain with two replicas appending concurrently', async t => {
  const url = await freshDatabase()
  const [a, b] = [await openStore(t, url), await openStore(t, url)]
  const started = performance.now()
  const appended = await Promise.all([
    ...Array.from({ length: 100 }, (_, i) => a.append(intent(`a${i}`, new Date().toISOString(), { actor: 'replica-a' }))),
    ...Array.from({ length: 100 }, (_, i) => b.append(intent(`b${i}`, new Date().toISOString(), { actor: 'replica-b' })))
  ])
  const seconds = (performance.now() - started) / 1000
  t.comment(`200 concurrent appends from two pools in ${(seconds * 1000).toFixed(0)} ms: ${(200 / seconds).toFixed(0)} entries/s`)
  t.same(appended.map(entry => entry.seq).sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i + 1), 'each append got its own seq')
  const entries = await all(a.entries())
  t.same(entries.map(entry => entry.seq), Array.from({ length: 200 }, (_, i) => i + 1), 'seq 1..200 with no gap')
  t.same(await verifyChain(b.entries()), { ok: true, checked: 200 })
  t.equal((await b.query({ limit: 500, actor: 'replica-a' })).records.length, 100)
})

t.test('AuditStore(postgres) append ...should reject within seconds while the server is down and work again once it is back', async t => {
  const own = await startPostgres(t)
  const store = await openStore(t, own.url)
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  await own.stop()
  const started = performance.now()
  await t.rejects(store.append(intent('r2', '2026-01-01T10:00:01.000Z')), 'append fails instead of hanging')
  t.ok(performance.now() - started < 5000, `rejected in ${(performance.now() - started).toFixed(0)} ms`)
  await t.rejects(store.query({ limit: 10 }), 'so does a query')
  await own.start()
  const next = await store.append(intent('r3', '2026-01-01T10:00:02.000Z'))
  t.equal(next.seq, 2, 'the failed append left no trace')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 2 })
})

t.test('openPostgresAuditStore ...should reject (not hang) when the server cannot be reached', async t => {
  const started = performance.now()
  await t.rejects(openPostgresAuditStore('postgres://postgres@127.0.0.1:1/postgres'))
  t.ok(performance.now() - started < 5000, 'within the connection timeout')
})
