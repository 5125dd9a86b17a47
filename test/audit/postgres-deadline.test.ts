import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import t, { type Test } from 'tap'
import type { Login } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { allRecords, verify } from './trail.ts'
import { forwardedLocks, lock, noPendingRecord, setup, until, WRITE_TIMEOUT_MS, type Answer } from './deadline.ts'

// A PostgreSQL that stopped answering (SIGSTOP: a storage stall or a failover looks the same) made
// every mutation wait for the batch before it (query_timeout 15 s), then for its own; callers gave up
// and the mutations were forwarded when the database woke up, recorded `success`; the chain's lock
// was bounded at twice AUDIT_WRITE_TIMEOUT_MS. Now an intent not durable within AUDIT_WRITE_TIMEOUT_MS
// of being queued is refused, and nothing refused is forwarded later.

const CONCURRENT = 20
// The chain's advisory lock key (src/audit/stores/postgres-audit-store.ts).
const CHAIN_LOCK = '7236011541877001'
// One cluster for the file (each test its own database): freezing it stops every database at once.
const postgres = await startPostgres(t)

/** Every answer a 503 BFF_AUDIT_UNAVAILABLE within the write timeout and half of it. */
function checkRefusals (t: Test, answers: Answer[], writeTimeoutMs = WRITE_TIMEOUT_MS): void {
  t.same([...new Set(answers.map(answer => answer.status))], [503], 'every mutation is refused')
  t.same([...new Set(answers.map(answer => answer.code))], ['BFF_AUDIT_UNAVAILABLE'])
  const slowest = Math.max(...answers.map(answer => answer.ms))
  t.ok(slowest < writeTimeoutMs * 1.5, `each within AUDIT_WRITE_TIMEOUT_MS (${writeTimeoutMs} ms) and half of it (slowest ${Math.round(slowest)} ms)`)
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should refuse every mutation with 503 BFF_AUDIT_UNAVAILABLE within AUDIT_WRITE_TIMEOUT_MS while PostgreSQL is frozen, forward none of them once it wakes up, and record a late intent as `abandoned`', async t => {
  const { app, url, editor } = await setup(t, postgres)
  t.equal((await lock(url, editor)).status, 200, 'a mutation before the freeze (the pool keeps its connection)')
  const forwardedBefore = forwardedLocks(app)

  await postgres.freeze()
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, async () => await lock(url, editor)))
  await postgres.thaw()
  checkRefusals(t, answers)
  const late = await checkNothingForwardedLate(t, app, url, editor, answers, forwardedBefore)
  t.ok(late >= 1, 'the batch in flight at the freeze was committed when the database woke up')
})

/**
 * Once the store works again, a new mutation goes through: every batch queued before it is done. Then
 * every intent the database committed late has its outcome, and a late send would have happened: only
 * the new mutation reached the upstream. The refused ones committed late are recorded `abandoned` 503.
 */
async function checkNothingForwardedLate (t: Test, app: FastifyInstance, url: string, editor: Login, refused: Answer[], forwardedBefore: number): Promise<number> {
  t.equal((await lock(url, editor)).status, 200, 'the store works again')
  await until(() => noPendingRecord(app), WRITE_TIMEOUT_MS * 2, 'every record has its outcome')
  t.equal(forwardedLocks(app) - forwardedBefore, 1, 'only the new mutation reached the upstream: none of the refused ones, late or not')
  const refusedIds = new Set(refused.map(answer => answer.requestId))
  const late = (await allRecords(app)).filter(record => refusedIds.has(record.requestId))
  t.comment(`${late.length} of ${refused.length} refused intents were committed late`)
  t.ok(late.every(record => record.outcome === 'abandoned' && record.status === 503), 'the records of late intents say the mutation was refused, never forwarded')
  t.match(await verify(app), { ok: true, checked: 4 + late.length * 2 }, 'the chain verifies')
  return late.length
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should refuse with 503 within AUDIT_WRITE_TIMEOUT_MS while another session holds the chain\'s advisory lock, mutations queued behind the first batch included', async t => {
  // Twice the usual write timeout: time enough to see the first batch wait, however busy the machine.
  const writeTimeoutMs = WRITE_TIMEOUT_MS * 2
  const { app, url, editor, database } = await setup(t, postgres, { AUDIT_WRITE_TIMEOUT_MS: String(writeTimeoutMs) })
  t.equal((await lock(url, editor, writeTimeoutMs)).status, 200)
  const forwardedBefore = forwardedLocks(app)
  const holder = new pg.Client({ connectionString: database })
  await holder.connect()
  t.teardown(() => holder.end())
  await holder.query('SELECT pg_advisory_lock($1)', [CHAIN_LOCK])

  // The first mutation's batch waits for the lock; the rest arrive while it waits, so they queue
  // behind it (before, each batch waited the whole lock timeout: twice AUDIT_WRITE_TIMEOUT_MS).
  const first = lock(url, editor, writeTimeoutMs)
  await until(async () => (await holder.query('SELECT 1 FROM pg_locks WHERE locktype = \'advisory\' AND NOT granted')).rowCount! > 0, writeTimeoutMs, 'the first batch waits for the lock')
  const rest = Array.from({ length: CONCURRENT - 1 }, async () => await lock(url, editor, writeTimeoutMs))
  const answers = await Promise.all([first, ...rest])
  checkRefusals(t, answers, writeTimeoutMs)

  await holder.query('SELECT pg_advisory_unlock($1)', [CHAIN_LOCK])
  await checkNothingForwardedLate(t, app, url, editor, answers, forwardedBefore)
})
