import net from 'node:net'
import pg from 'pg'
import t, { type Test } from 'tap'
import { verifyChain } from '../../src/audit/chain.ts'
import { AuditWriteRefused, CommitOutcomeUnknown, type AuditStore } from '../../src/audit/stores/audit-store.ts'
import { openPostgresAuditStore } from '../../src/audit/stores/postgres-audit-store.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { MIGRATIONS } from '../../src/audit/stores/sql.ts'
import { all, auditStoreContract, intent, outcome, type FreshStore } from './store-contract.ts'

// One cluster for the file, one fresh database per test; the outage test gets a cluster of its own.
// The contract every store keeps runs first (sqlite-audit-store.test.ts runs it on SQLite); then what
// only PostgreSQL has: replicas sharing the database, concurrent migrations, a server that goes away.
const server = await startPostgres(t)
// The chain's advisory lock key (src/audit/stores/postgres-audit-store.ts).
const CHAIN_LOCK = '7236011541877001'
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

const fresh: FreshStore = async () => {
  const spec = await freshDatabase()
  return { spec, sql: async (text, params = []) => { let n = 0; return await sql(spec, text.replace(/\?/g, () => `$${++n}`), params) } }
}

auditStoreContract(t, 'postgres', fresh)

async function openStore (t: Test, url: string): Promise<AuditStore> {
  const store = await openPostgresAuditStore(url)
  t.teardown(() => store.close())
  return store
}

/** Three mutations: r1 by alice succeeds, r2 by bob on another client fails, r3 by alice is still pending. */
async function seed (store: AuditStore): Promise<void> {
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z', { actor: 'alice', clientId: 'A', action: 'client.update' }))
  await store.append(outcome('r1', '2026-01-01T10:00:00.100Z'))
  await store.append(intent('r2', '2026-01-02T10:00:00.000Z', { actor: 'bob', clientId: 'B', action: 'client.delete' }))
  await store.append(outcome('r2', '2026-01-02T10:00:00.100Z', { outcome: 'failure' }))
  await store.append(intent('r3', '2026-01-03T10:00:00.000Z', { actor: 'alice', clientId: 'B', action: 'client.lock' }))
}

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

t.test('AuditStore(postgres) close ...should end its connections, named for the operator, once however often asked', async t => {
  const url = await freshDatabase()
  const store = await openPostgresAuditStore(url)
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  const connections = async () => (await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', ['authlete-bff-audit']))[0]!.n
  t.not(await connections(), '0', 'named authlete-bff-audit in pg_stat_activity')
  await Promise.all([store.close(), store.close()])
  await store.close()
  // A backend leaves pg_stat_activity a moment after its client has gone.
  const deadline = Date.now() + 10_000
  while (await connections() !== '0' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(await connections(), '0', 'none left once closed')
})

t.test('AuditStore(postgres) append ...should leave no listener behind on a pooled connection, however many transactions it carries', async t => {
  const store = await openStore(t, await freshDatabase())
  const warnings: string[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning.name) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  // One at a time: the pool hands the same connection to each (Node warns past 10 listeners of one event).
  for (let i = 0; i < 15; i++) await store.append(intent(`r${i}`, '2026-01-01T10:00:00.000Z'))
  await new Promise(resolve => setImmediate(resolve))
  t.same(warnings, [])
})

/** A store of one entry (r1), and another session holding the chain's lock: its next write waits. */
async function storeBehindHeldLock (t: Test): Promise<{ url: string, store: AuditStore, holder: pg.Client }> {
  const url = await freshDatabase()
  const store = await openPostgresAuditStore(url, 30_000)
  t.teardown(() => store.close())
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  const holder = new pg.Client({ connectionString: url })
  await holder.connect()
  t.teardown(() => holder.end())
  await holder.query('BEGIN')
  await holder.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK])
  return { url, store, holder }
}

/** The store's backends waiting for a lock. */
async function lockWaiters (url: string): Promise<number[]> {
  return (await sql<{ pid: number }>(url, 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = $2', ['authlete-bff-audit', 'Lock'])).map(row => row.pid)
}

t.test('AuditStore(postgres) prune ...should wait for the chain\'s lock while another replica holds it, within the write timeout', async t => {
  const { url, store, holder } = await storeBehindHeldLock(t)
  const settled = { count: 0 }
  const prunes = [store.prune('2026-06-01T00:00:00.000Z'), store.history.prune('2026-06-01T00:00:00.000Z')].map(async prune => await prune.finally(() => { settled.count++ }))
  // Released once both wait on it (or, wrongly, one has given up already).
  while ((await lockWaiters(url)).length < 2 && settled.count === 0) await new Promise(resolve => setTimeout(resolve, 10))
  await holder.query('COMMIT')
  t.same(await Promise.all(prunes), [1, 0], 'both ran once the lock was free')
})

t.test('AuditStore(postgres) append ...should refuse, not crash, when its connection is killed while it waits for the chain\'s lock, and append on a new one next', async t => {
  const { url, store, holder } = await storeBehindHeldLock(t)
  const refused = store.append(intent('r2', '2026-01-01T10:00:01.000Z')).then(() => undefined, (error: unknown) => error)
  // The store's backend waiting for the lock is ended by the server, as a failover or an operator would.
  let [pid] = await lockWaiters(url)
  while (pid === undefined) [pid] = await new Promise(resolve => setTimeout(resolve, 10)).then(() => lockWaiters(url))
  await sql(url, 'SELECT pg_terminate_backend($1)', [pid])
  t.match(await refused, { code: '57P01' }, 'the append fails with the server\'s reason')
  await holder.query('COMMIT')
  t.equal((await store.append(intent('r3', '2026-01-01T10:00:02.000Z'))).seq, 2, 'the next append works, on another connection')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 2 })
})

t.test('AuditStore(postgres) append ...should refuse a write whose COMMIT answer is lost as one that may be committed, and it is', async t => {
  const url = await freshDatabase()
  // A TCP hop to the server that can drop the link right after a COMMIT has gone through it.
  const target = new URL(url)
  const postgres = { host: target.hostname, port: Number(target.port) }
  let cutAfterCommit = false
  const hop = net.createServer(inbound => {
    const outbound = net.connect(postgres.port, postgres.host)
    outbound.pipe(inbound)
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
    inbound.on('data', (chunk: Buffer) => {
      const commit = chunk.indexOf('COMMIT\0')
      if (!cutAfterCommit || commit < 5 || chunk[commit - 5] !== 0x51) {
        outbound.write(chunk)
        return
      }
      cutAfterCommit = false
      outbound.end(chunk)
      inbound.destroy()
    })
    inbound.on('close', () => outbound.end())
  })
  await new Promise<void>(resolve => hop.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => hop.close(resolve)))
  target.port = String((hop.address() as net.AddressInfo).port)
  const store = await openStore(t, target.toString())
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
  cutAfterCommit = true
  const refused = await store.append(intent('r2', '2026-01-01T10:00:01.000Z')).then(() => undefined, (error: unknown) => error)
  t.type(refused, AuditWriteRefused)
  t.type((refused as AuditWriteRefused).cause, CommitOutcomeUnknown)
  t.equal(await (refused as AuditWriteRefused).mayBeCommitted, true, 'the caller is told it may be committed')
  const committed = async () => (await sql<{ request_id: string }>(url, 'SELECT request_id FROM audit_entries ORDER BY seq')).map(row => row.request_id)
  let ids = await committed()
  for (let tries = 0; ids.length < 2 && tries < 500; tries++) ids = await new Promise(resolve => setTimeout(resolve, 10)).then(committed)
  t.same(ids, ['r1', 'r2'], 'the server did commit it')
  t.equal((await store.append(intent('r3', '2026-01-01T10:00:02.000Z'))).seq, 3, 'the next append sees it, on another connection')
  t.same(await verifyChain(store.entries()), { ok: true, checked: 3 })
})

t.test('AuditStore(postgres) migrate ...should migrate once when several replicas open one database together', async t => {
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
