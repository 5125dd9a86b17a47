import type { Test } from 'tap'
import type { AuditQuery, IntentData, NewEntry, OutcomeData } from '../../src/audit/audit-types.ts'
import { GENESIS_HASH, verifyChain } from '../../src/audit/chain.ts'
import type { AuditStore } from '../../src/audit/stores/audit-store.ts'
import { openAuditStore } from '../../src/audit/stores/open-audit-store.ts'
import { MIGRATIONS } from '../../src/audit/stores/sql.ts'
import type { NewVersion } from '../../src/history/history-types.ts'

// What every audit store must do, run on a real SQLite file (sqlite-audit-store.test.ts, fast) and
// on a real PostgreSQL database (postgres-store.test.ts). `fresh` gives the spec of an empty store
// and a way to run SQL on it (placeholders written `?`).

export type Sql = (text: string, params?: Array<string | number | null>) => Promise<Array<Record<string, unknown>>>
export type FreshStore = (t: Test) => Promise<{ spec: string, sql: Sql }>

export async function all<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

export function intent (requestId: string, time: string, data: Partial<IntentData> = {}): NewEntry {
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

export function outcome (requestId: string, time: string, data: Partial<OutcomeData> = {}, version?: NewVersion): NewEntry {
  const result = data.outcome ?? 'success'
  return {
    kind: 'outcome',
    requestId,
    time,
    data: { status: result === 'success' ? 200 : 500, outcome: result, resultCode: null, durationMs: 3, ...data },
    ...(version === undefined ? {} : { version })
  }
}

function version (clientId: string, state: Record<string, unknown>, action = 'client.update', wanted: Partial<NewVersion> = {}): NewVersion {
  return { clientId, state, modifiedAt: null, action, actor: 'alice', source: 'local', via: 'session', external: false, restoredFrom: null, ...wanted }
}

/** Six records: see each line. */
async function seed (store: AuditStore): Promise<void> {
  // r1: alice (local) on red's client A, done.
  await store.append(intent('r1', '2026-01-01T10:00:00.000Z', { actor: 'alice', source: 'local', clientId: 'A', team: 'red', action: 'client.update' }))
  await store.append(outcome('r1', '2026-01-01T10:00:00.100Z', { resultCode: 'A1' }))
  // r2: bob (oidc) on blue's client B, failed.
  await store.append(intent('r2', '2026-01-02T10:00:00.000Z', { actor: 'bob', source: 'oidc', clientId: 'B', team: 'blue', action: 'client.delete' }))
  await store.append(outcome('r2', '2026-01-02T10:00:00.100Z', { outcome: 'failure', resultCode: 'A2' }))
  // r3: alice (local) on blue's client B, refused: not her team.
  await store.append(intent('r3', '2026-01-03T10:00:00.000Z', { actor: 'alice', source: 'local', clientId: 'B', team: 'blue', action: 'client.lock' }))
  await store.append(outcome('r3', '2026-01-03T10:00:00.100Z', { outcome: 'denied', status: 403, resultCode: 'A3' }))
  // r4: carol (gateway) created client C (the outcome names it); the caller had gone.
  await store.append(intent('r4', '2026-01-04T10:00:00.000Z', { actor: 'carol', source: 'gateway', clientId: null, action: 'client.create' }))
  await store.append(outcome('r4', '2026-01-04T10:00:00.100Z', { clientId: 'C', callerGone: true }))
  // r5: dave on red's client A, refused.
  await store.append(intent('r5', '2026-01-05T10:00:00.000Z', { actor: 'dave', source: 'local', clientId: 'A', team: 'red', action: 'client.lock' }))
  await store.append(outcome('r5', '2026-01-05T10:00:00.100Z', { outcome: 'denied', status: 403 }))
  // r6: alice, an older entry without a source (counts as local), on client A; still pending.
  await store.append(intent('r6', '2026-01-06T10:00:00.000Z', { actor: 'alice', clientId: 'A', team: 'red', action: 'client.lock' }))
}

export function auditStoreContract (t: Test, name: string, fresh: FreshStore, writeTimeoutMs?: number): void {
  const open = async (t: Test): Promise<{ store: AuditStore, spec: string, sql: Sql }> => {
    const { spec, sql } = await fresh(t)
    const store = await openAuditStore(spec, writeTimeoutMs)
    t.teardown(() => store.close())
    return { store, spec, sql }
  }

  t.test(`AuditStore(${name}) append ...should link each entry to the one before it, starting at the genesis hash, with its index columns`, async t => {
    const { store } = await open(t)
    const first = await store.append(intent('r1', '2026-01-01T10:00:00.000Z', { team: 'red' }))
    const second = await store.append(outcome('r1', '2026-01-01T10:00:00.100Z', { clientId: '2222' }))
    t.match(first, { seq: 1, prevHash: GENESIS_HASH, kind: 'intent', requestId: 'r1' })
    t.match(second, { seq: 2, prevHash: first.hash, kind: 'outcome' })
    t.not(first.hash, second.hash)
    const entries = await all(store.entries())
    t.same(entries.map(entry => entry.seq), [1, 2], 'seq comes back as a number')
    t.same(entries[0], { ...first, columns: { actor: 'admin', action: 'client.update', clientId: '1111', outcome: null, team: 'red' } })
    t.same(entries[1], { ...second, columns: { actor: null, action: null, clientId: '2222', outcome: 'success' } })
    t.same(await verifyChain(store.entries()), { ok: true, checked: 2 })
  })

  t.test(`AuditStore(${name}) append ...should commit concurrent appends as one linear chain, each caller getting its own seq`, async t => {
    const { store } = await open(t)
    const appended = await Promise.all(Array.from({ length: 300 }, (_, i) => store.append(intent(`r${i}`, '2026-01-01T10:00:00.000Z'))))
    t.same(appended.map(entry => entry.seq), Array.from({ length: 300 }, (_, i) => i + 1))
    t.same(appended.map(entry => entry.requestId), Array.from({ length: 300 }, (_, i) => `r${i}`))
    t.same(await verifyChain(store.entries()), { ok: true, checked: 300 })
  })

  t.test(`AuditStore(${name}) query ...should filter by actor and source, clientId, action, team and outcome, newest first`, async t => {
    const { store } = await open(t)
    await seed(store)
    const ids = async (query: Partial<AuditQuery>) => (await store.query({ limit: 50, ...query })).records.map(record => record.requestId)
    t.same(await ids({}), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1'])
    t.same(await ids({ actor: 'alice' }), ['r6', 'r3', 'r1'], 'an actor alone is a local one, entries without a source included')
    t.same(await ids({ actor: 'alice', source: 'oidc' }), [])
    t.same(await ids({ actor: 'bob' }), [], 'bob is an OIDC user')
    t.same(await ids({ actor: 'bob', source: 'oidc' }), ['r2'])
    t.same(await ids({ source: 'gateway' }), ['r4'])
    t.same(await ids({ source: 'local' }), ['r6', 'r5', 'r3', 'r1'])
    t.same(await ids({ clientId: 'B' }), ['r3', 'r2'])
    t.same(await ids({ clientId: 'C' }), ['r4'], 'a created client is named by its outcome')
    t.same(await ids({ clientId: ['C', 'B'] }), ['r4', 'r3', 'r2'])
    t.same(await ids({ action: 'client.delete' }), ['r2'])
    t.same(await ids({ team: 'blue' }), ['r3', 'r2'])
    t.same(await ids({ outcome: 'success' }), ['r4', 'r1'])
    t.same(await ids({ outcome: 'failure' }), ['r2'])
    t.same(await ids({ outcome: 'denied' }), ['r5', 'r3'])
    t.same(await ids({ outcome: 'pending' }), ['r6'])
    t.same(await ids({ actor: 'alice', clientId: 'B' }), ['r3'])
    t.same(await ids({ actor: 'nobody' }), [])
  })

  t.test(`AuditStore(${name}) query ...should answer each record with its intent, its outcome's fields and no others`, async t => {
    const { store } = await open(t)
    await seed(store)
    const { records } = await store.query({ limit: 50 })
    t.same(records.find(record => record.requestId === 'r2'), {
      id: 3,
      requestId: 'r2',
      time: '2026-01-02T10:00:00.000Z',
      ...intent('r2', '', { actor: 'bob', source: 'oidc', clientId: 'B', team: 'blue', action: 'client.delete' }).data,
      outcome: 'failure',
      status: 500,
      resultCode: 'A2',
      durationMs: 3,
      completedAt: '2026-01-02T10:00:00.100Z'
    })
    t.match(records.find(record => record.requestId === 'r4'), { clientId: 'C', outcome: 'success', callerGone: true })
    t.same(records.find(record => record.requestId === 'r6'), {
      id: 11,
      requestId: 'r6',
      time: '2026-01-06T10:00:00.000Z',
      ...intent('r6', '', { actor: 'alice', clientId: 'A', team: 'red', action: 'client.lock' }).data,
      outcome: 'pending',
      status: null,
      resultCode: null,
      durationMs: null,
      completedAt: null
    })
  })

  t.test(`AuditStore(${name}) query with visibleTo ...should answer only the teams' records and the actor's own, masking the team and refusal of another team's client`, async t => {
    const { store } = await open(t)
    await seed(store)
    const alice = { username: 'alice', source: 'local' }
    const ids = async (query: Partial<AuditQuery>) => (await store.query({ limit: 50, ...query })).records.map(record => record.requestId)
    t.same(await ids({ visibleTo: { teams: ['red'] } }), ['r6', 'r5', 'r1'], 'an API token: its teams only')
    t.same(await ids({ visibleTo: { teams: ['red', 'blue'] } }), ['r6', 'r5', 'r3', 'r2', 'r1'])
    t.same(await ids({ visibleTo: { teams: [] } }), [], 'no team and no actor: nothing')
    t.same(await ids({ visibleTo: { teams: [], actor: alice } }), ['r3', 'r1'], 'her own, with her source')
    t.same(await ids({ visibleTo: { teams: [], actor: { username: 'alice', source: 'oidc' } } }), [], 'the same name from another source is another person')
    t.same(await ids({ visibleTo: { teams: ['red'], actor: alice } }), ['r6', 'r5', 'r3', 'r1'])
    t.same(await ids({ visibleTo: { teams: ['red'], actor: alice }, outcome: 'denied' }), ['r5'], 'a refusal about another team\'s client is no refusal to her')
    t.same(await ids({ visibleTo: { teams: ['red'], actor: alice }, outcome: 'failure' }), ['r3'], 'it is a failure, as for a missing client')
    t.same(await ids({ visibleTo: { teams: [], actor: alice }, outcome: 'failure' }), ['r3'])
    t.same(await ids({ visibleTo: { teams: [], actor: alice }, outcome: 'denied' }), [])
    t.same(await ids({ visibleTo: { teams: ['red'], actor: alice }, outcome: 'success' }), ['r1'])
    const records = (await store.query({ limit: 50, visibleTo: { teams: ['red'], actor: alice } })).records
    const masked = records.find(record => record.requestId === 'r3')!
    t.equal(masked.outcome, 'failure')
    t.equal(masked.resultCode, null)
    t.notOk('team' in masked, 'another team\'s name is not shown')
    t.match(masked, { clientId: 'B', status: 403, actor: 'alice' })
    t.match(records.find(record => record.requestId === 'r5'), { team: 'red', outcome: 'denied' }, 'her team\'s records as they are')
    t.match(records.find(record => record.requestId === 'r1'), { team: 'red', outcome: 'success', resultCode: 'A1' })
    const unmasked = (await store.query({ limit: 50 })).records.find(record => record.requestId === 'r3')!
    t.match(unmasked, { team: 'blue', outcome: 'denied', resultCode: 'A3' }, 'without visibleTo, nothing is masked')
  })

  t.test(`AuditStore(${name}) query with visibleTo ...should show the actor's own records about no client as they are, and another team's success as a success`, async t => {
    const { store } = await open(t)
    await store.append(intent('t1', '2026-01-01T10:00:00.000Z', { actor: 'alice', source: 'local', clientId: null, action: 'token.create' }))
    await store.append(outcome('t1', '2026-01-01T10:00:00.100Z', { outcome: 'denied', status: 403, resultCode: 'R1' }))
    await store.append(intent('t2', '2026-01-02T10:00:00.000Z', { actor: 'alice', source: 'local', clientId: 'B', team: 'blue', action: 'client.update' }))
    await store.append(outcome('t2', '2026-01-02T10:00:00.100Z', { resultCode: 'R2', version: 4, versionClientId: 'B', versionHash: 'h' }))
    const records = (await store.query({ limit: 50, visibleTo: { teams: ['red'], actor: { username: 'alice', source: 'local' } } })).records
    t.same(records.map(record => [record.requestId, record.outcome, record.resultCode]), [['t2', 'success', null], ['t1', 'denied', 'R1']])
    t.notOk('team' in records[0]!, 'another team\'s name is not shown')
    t.match(records[0], { version: 4, versionClientId: 'B' }, 'the version the change made')
    t.notOk('version' in records[1]!, 'no version where the change made none')
    t.notOk('versionClientId' in records[1]!)
  })

  t.test(`AuditStore(${name}) query ...should filter by since (inclusive) and until (exclusive)`, async t => {
    const { store } = await open(t)
    await seed(store)
    const ids = async (since?: string, until?: string) => (await store.query({ limit: 50, since, until })).records.map(record => record.requestId)
    t.same(await ids('2026-01-05T10:00:00.000Z'), ['r6', 'r5'])
    t.same(await ids(undefined, '2026-01-02T10:00:00.000Z'), ['r1'])
    t.same(await ids('2026-01-01T12:00:00.000Z', '2026-01-03T10:00:00.000Z'), ['r2'])
  })

  t.test(`AuditStore(${name}) query ...should page newest first with a cursor until nextCursor is null`, async t => {
    const { store } = await open(t)
    for (let i = 1; i <= 7; i++) {
      await store.append(intent(`r${i}`, `2026-01-01T10:00:0${i}.000Z`))
      await store.append(outcome(`r${i}`, `2026-01-01T10:00:0${i}.500Z`))
    }
    const pages: string[][] = []
    const cursors: Array<number | null> = []
    let cursor: number | undefined
    for (;;) {
      const page = await store.query({ limit: 3, cursor })
      pages.push(page.records.map(record => record.requestId))
      cursors.push(page.nextCursor)
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    t.same(pages, [['r7', 'r6', 'r5'], ['r4', 'r3', 'r2'], ['r1']])
    t.same(cursors, [9, 3, null], 'each cursor is the last record\'s id')
    const exact = await store.query({ limit: 7 })
    t.equal(exact.records.length, 7)
    t.equal(exact.nextCursor, null, 'a page holding the last record has no next one')
  })

  t.test(`AuditStore(${name}) entries ...should read every entry in seq order across several batches`, async t => {
    const { store } = await open(t)
    t.same(await all(store.entries()), [], 'an empty trail')
    await Promise.all(Array.from({ length: 1001 }, (_, i) => store.append(intent(`r${i}`, '2026-01-01T10:00:00.000Z'))))
    const seqs = (await all(store.entries())).map(entry => entry.seq)
    t.same(seqs, Array.from({ length: 1001 }, (_, i) => i + 1))
  })

  t.test(`AuditStore(${name}) prune ...should remove the old prefix and append a checkpoint that keeps verify ok`, async t => {
    const { store } = await open(t)
    t.equal(await store.prune(new Date().toISOString()), 0, 'an empty trail')
    t.same(await all(store.entries()), [], 'and no checkpoint')
    await seed(store)
    const entries = await all(store.entries())
    t.equal(await store.prune('2025-01-01T00:00:00.000Z'), 0, 'nothing older')
    t.equal((await all(store.entries())).length, 11, 'and no checkpoint')
    t.equal(await store.prune('2026-01-02T00:00:00.000Z'), 2)
    const kept = await all(store.entries())
    t.same(kept.map(entry => entry.seq), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    t.match(kept.at(-1), {
      seq: 12,
      kind: 'checkpoint',
      requestId: null,
      prevHash: entries.at(-1)!.hash,
      data: { prunedThroughSeq: 2, prunedThroughHash: entries[1]!.hash, prunedEntries: 2 },
      columns: { actor: null, action: null, clientId: null, outcome: null }
    })
    t.same(await verifyChain(store.entries()), { ok: true, checked: 10 })
    t.equal(await store.prune('2026-01-02T00:00:00.000Z'), 0, 'nothing older left: no second checkpoint')
    t.equal((await all(store.entries())).length, 10)
    const next = await store.append(intent('r7', '2026-01-07T10:00:00.000Z'))
    t.equal(next.seq, 13, 'the chain goes on after the checkpoint')
    t.same(await verifyChain(store.entries()), { ok: true, checked: 11 })
    t.same((await store.query({ limit: 50 })).records.map(record => record.requestId), ['r7', 'r6', 'r5', 'r4', 'r3', 'r2'])
  })

  t.test(`AuditStore(${name}) prune ...should keep an entry made at the cutoff, and remove the oldest alone when only it is older`, async t => {
    const { store } = await open(t)
    await seed(store)
    const entries = await all(store.entries())
    t.equal(await store.prune('2026-01-01T10:00:00.000Z'), 0, 'the first entry is at the cutoff: kept')
    t.equal(await store.prune('2026-01-01T10:00:00.050Z'), 1, 'only the first is older')
    t.same((await all(store.entries())).map(entry => entry.seq), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    t.match((await all(store.entries())).at(-1), { kind: 'checkpoint', data: { prunedThroughSeq: 1, prunedThroughHash: entries[0]!.hash, prunedEntries: 1 } })
    t.same(await verifyChain(store.entries()), { ok: true, checked: 11 })
  })

  t.test(`AuditStore(${name}) prune ...should keep only a checkpoint when everything is older`, async t => {
    const { store } = await open(t)
    await seed(store)
    const last = (await all(store.entries())).at(-1)!
    const now = new Date().toISOString()
    t.equal(await store.prune(now), 11)
    t.match(await all(store.entries()), [{ seq: 12, kind: 'checkpoint', prevHash: last.hash, data: { prunedThroughSeq: 11, prunedThroughHash: last.hash, prunedEntries: 11 } }])
    t.same(await verifyChain(store.entries()), { ok: true, checked: 1 })
    t.equal(await store.prune(now), 0, 'the checkpoint itself is newer')
  })

  t.test(`AuditStore(${name}) append with a version ...should number each client's versions, link them into the outcome and keep them beside it`, async t => {
    const { store } = await open(t)
    const first = await store.append(outcome('r1', '2026-01-01T10:00:00.000Z', {}, version('A', { clientName: 'one', developer: 'red' })))
    const second = await store.append(outcome('r2', '2026-01-02T10:00:00.000Z', {}, version('A', { clientName: 'two', developer: 'red' })))
    const other = await store.append(outcome('r3', '2026-01-03T10:00:00.000Z', {}, version('B', { clientName: 'b' })))
    const v1 = (await store.history.get('A', 1))!
    const v2 = (await store.history.latest('A'))!
    t.match(v1, { clientId: 'A', version: 1, at: '2026-01-01T10:00:00.000Z', auditId: 'r1', action: 'client.update', client: { clientName: 'one' }, changed: ['clientName', 'developer'] })
    t.match(v2, { clientId: 'A', version: 2, auditId: 'r2', client: { clientName: 'two' }, changed: ['clientName'] })
    t.match((await store.history.latest('B'))!, { version: 1, auditId: 'r3' })
    t.same(first.data, { status: 200, outcome: 'success', resultCode: null, durationMs: 3, version: 1, versionClientId: 'A', versionHash: v1.hash })
    t.match(second.data, { version: 2, versionClientId: 'A', versionHash: v2.hash })
    t.match(other.data, { version: 1, versionClientId: 'B' })
    t.notOk('version' in first, 'the version request is not part of the entry')
    t.same((await store.query({ limit: 50 })).records, [], 'outcomes without intents are no records')
    const noRequest = await store.append({ ...outcome('r4', '2026-01-04T10:00:00.000Z', {}, version('A', { clientName: 'three' })), requestId: null })
    t.notOk('version' in noRequest.data, 'an entry of no request makes no version')
    t.equal((await store.history.latest('A'))!.version, 2)
    const notNewer = await store.append(outcome('r5', '2026-01-05T10:00:00.000Z', {}, version('A', { clientName: 'x' }, 'client.external-change', { onlyIfNewer: true })))
    t.notOk('version' in notNewer.data, 'an external change another version already recorded makes none')
    t.equal((await store.history.latest('A'))!.version, 2)
    t.same(await verifyChain(store.entries()), { ok: true, checked: 5 })
  })

  t.test(`AuditStore(${name}) append with versions ...should number two versions of one client in one batch one after the other`, async t => {
    const { store } = await open(t)
    const [a, b] = await Promise.all([
      store.append(outcome('r1', '2026-01-01T10:00:00.000Z', {}, version('A', { clientName: 'one' }))),
      store.append(outcome('r2', '2026-01-01T10:00:00.000Z', {}, version('A', { clientName: 'two' })))
    ])
    t.match([a.data, b.data], [{ version: 1 }, { version: 2 }])
    t.same((await all(store.history.all())).map(v => [v.clientId, v.version]), [['A', 1], ['A', 2]])
  })

  t.test(`AuditStore(${name}) append with a version older than the latest ...should keep the newer state, so history never shows a later write undone`, async t => {
    const { store } = await open(t)
    // Two replicas wrote one client at once: Authlete made the lock (modifiedAt 100) before the rename
    // (200), and the rename's version was recorded first.
    await store.append(outcome('r1', '2026-01-01T10:00:00.000Z', {}, version('A', { clientName: 'renamed', locked: true }, 'client.update', { modifiedAt: 200 })))
    const late = await store.append(outcome('r2', '2026-01-01T10:00:00.001Z', {}, version('A', { clientName: 'before', locked: true }, 'client.lock', { modifiedAt: 100, alsoChanged: ['clientSecret'] })))
    const latest = (await store.history.latest('A'))!
    t.match(latest, { version: 2, action: 'client.lock', auditId: 'r2', actor: 'alice', modifiedAt: 200, client: { clientName: 'renamed', locked: true } })
    t.same(latest.changed, ['clientSecret'], 'nothing but what the write names itself changed since the newer state')
    t.match(late.data, { version: 2, versionHash: latest.hash })
    const external = await store.append(outcome('r3', '2026-01-01T10:00:01.000Z', {}, version('A', { clientName: 'renamed' }, 'client.external-change', { modifiedAt: 200, onlyIfNewer: true })))
    t.notOk('version' in external.data, 'a read finding the newest state finds no external change')
    const unknown = await store.append(outcome('r4', '2026-01-01T10:00:02.000Z', {}, version('A', { clientName: 'unknown time' })))
    t.match(unknown.data, { version: 3 })
    t.match((await store.history.latest('A'))!, { modifiedAt: null, client: { clientName: 'unknown time' } }, 'a state of no known modifiedAt is kept as given')
    t.same(await verifyChain(store.entries()), { ok: true, checked: 4 })
  })

  t.test(`AuditStore(${name}) history prune ...should remove old versions but a live client's latest, and record what it removed in the chain`, async t => {
    const { store } = await open(t)
    t.equal(await store.history.prune('2027-01-01T00:00:00.000Z'), 0, 'no version: nothing removed')
    t.same(await all(store.entries()), [], 'and nothing recorded')
    await store.append(outcome('r1', '2026-01-01T10:00:00.000Z', {}, version('A', { clientName: 'one' })))
    await store.append(outcome('r2', '2026-01-02T10:00:00.000Z', {}, version('A', { clientName: 'two' })))
    await store.append(outcome('r3', '2026-01-03T10:00:00.000Z', {}, version('A', { clientName: 'three' })))
    await store.append(outcome('r4', '2026-01-01T10:00:00.000Z', {}, version('B', { clientName: 'b' })))
    await store.append(outcome('r5', '2026-01-02T10:00:00.000Z', {}, version('B', { clientName: 'b' }, 'client.delete')))
    await store.append(outcome('r6', '2026-01-01T10:00:00.000Z', {}, version('C', { clientName: 'c' })))
    t.equal(await store.history.prune('2026-01-01T00:00:00.000Z'), 0, 'nothing older')
    t.equal((await all(store.entries())).length, 6, 'and nothing recorded')
    t.equal(await store.history.prune('2027-01-01T00:00:00.000Z'), 4, 'A\'s first two and B\'s two (B was deleted); C keeps its only version')
    t.same((await all(store.history.all())).map(v => [v.clientId, v.version]), [['A', 3], ['C', 1]])
    const [pruneIntent, pruneOutcome] = (await all(store.entries())).slice(6)
    t.match(pruneIntent, { seq: 7, kind: 'intent', data: { action: 'history.prune', route: 'proxy', actor: null } })
    t.match(pruneOutcome, { seq: 8, kind: 'outcome', requestId: pruneIntent!.requestId, data: { outcome: 'success', prunedVersions: { A: 2, B: 2 } } })
    t.same(await verifyChain(store.entries()), { ok: true, checked: 8 })
  })

  t.test(`AuditStore(${name}) open ...should migrate once, keep the data on a second open, and close twice without error`, async t => {
    const { store, spec, sql } = await open(t)
    await store.append(intent('r1', '2026-01-01T10:00:00.000Z'))
    const again = await openAuditStore(spec, writeTimeoutMs)
    t.teardown(() => again.close())
    t.equal((await again.append(outcome('r1', '2026-01-01T10:00:00.100Z'))).seq, 2, 'the second open keeps the data')
    t.same((await sql('SELECT version FROM schema_migrations ORDER BY version')).map(row => Number(row.version)), MIGRATIONS.map(({ version }) => version))
    await again.close()
    await t.resolves(again.close(), 'closing again is harmless')
  })
}
