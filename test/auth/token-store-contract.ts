import type { Test } from 'tap'
import type { ApiTokenRecord, TokenStore } from '../../src/auth/tokens/token-store.ts'

// What every TokenStore does (src/auth/tokens/token-store.ts), run on each implementation by its own
// file: memory-token-store.test.ts, sqlite-token-store.test.ts, redis-token-store.test.ts.

export interface TokenStoreUnderTest {
  store: TokenStore
  /** Lets `ms` pass for the tokens' expiries: a frozen clock's move, or real time for a real server. */
  elapse: (ms: number) => Promise<void>
}

const DAY_MS = 86_400_000
const ALICE = { source: 'local' as const, username: 'alice' }

let counter = 0
/** A live token of alice's (a day to run), with a fresh id. */
export function tokenRecord (overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  const now = Date.now()
  counter++
  return { id: counter.toString(16).padStart(24, '0'), source: 'local', username: 'alice', name: `token ${counter}`, roles: ['viewer', 'editor'], createdBy: 'alice', createdBySource: 'local', createdAt: now, expiresAt: now + DAY_MS, lastUsedAt: null, hash: `hash-${counter}`, ...overrides }
}

const byId = (records: ApiTokenRecord[]): ApiTokenRecord[] => [...records].sort((a, b) => a.id < b.id ? -1 : 1)

export function tokenStoreContract (t: Test, open: (t: Test) => Promise<TokenStoreUnderTest>): void {
  t.test('create and get ...should keep every field of a token, teams or none', async t => {
    const { store } = await open(t)
    const plain = tokenRecord()
    const teams = tokenRecord({ source: 'oidc', username: 'bob', createdBy: 'root', createdBySource: 'gateway', teams: ['blue', 'red'], lastUsedAt: Date.now() })
    const noTeam = tokenRecord({ teams: [] })
    for (const record of [plain, teams, noTeam]) t.equal(await store.create(record, 10), true)
    t.strictSame(await store.get(plain.id), plain)
    t.notOk('teams' in (await store.get(plain.id))!, 'no teams key for a token without teams')
    t.strictSame(await store.get(teams.id), teams)
    t.strictSame(await store.get(noTeam.id), noTeam)
    t.equal(await store.get('f'.repeat(24)), undefined, 'an unknown id')
  })

  t.test('create and get ...should keep a token as it was stored, whatever is done to the objects given and answered', async t => {
    const { store } = await open(t)
    const record = tokenRecord({ teams: ['red'] })
    const kept = structuredClone(record)
    await store.create(record, 10)
    record.roles.push('admin')
    record.teams!.push('blue')
    record.name = 'changed'
    const got = (await store.get(kept.id))!
    t.strictSame(got, kept)
    got.roles.push('admin')
    got.teams!.push('green')
    t.strictSame(await store.get(kept.id), kept)
    const [listed] = await store.listByUser(ALICE)
    listed!.roles.length = 0
    t.strictSame(await store.get(kept.id), kept)
  })

  t.test('create ...should refuse a token past maxPerOwner live ones of its owner, and store nothing then', async t => {
    const { store } = await open(t)
    const [first, second, third] = [tokenRecord(), tokenRecord(), tokenRecord()]
    t.equal(await store.create(first!, 2), true)
    t.equal(await store.create(second!, 2), true)
    t.equal(await store.create(third!, 2), false)
    t.equal(await store.get(third!.id), undefined)
    t.same(byId(await store.listByUser(ALICE)), [first, second])
    t.equal(await store.create(tokenRecord({ source: 'oidc' }), 1), true, 'alice of another source is another owner')
    t.equal(await store.create(tokenRecord({ username: 'bob', createdBy: 'alice' }), 1), true, 'a token alice made for bob is bob\'s')
    t.equal(await store.delete(first!.id), true)
    t.equal(await store.create(third!, 2), true, 'a revocation frees a place')
  })

  t.test('create ...should not let concurrent creations past maxPerOwner', async t => {
    const { store } = await open(t)
    const results = await Promise.all(Array.from({ length: 6 }, () => store.create(tokenRecord(), 3)))
    t.ok(results.filter(created => created).length <= 3, `${results.filter(created => created).length} created`)
    t.ok((await store.listByUser(ALICE)).length <= 3)
  })

  t.test('create, get and listByUser ...should forget a token once it has expired', async t => {
    const { store, elapse } = await open(t)
    const short = tokenRecord({ expiresAt: Date.now() + 300 })
    const long = tokenRecord()
    await store.create(short, 2)
    await store.create(long, 2)
    await elapse(400)
    t.equal(await store.get(short.id), undefined, 'gone before any creation prunes it')
    t.same(await store.listByUser(ALICE), [long])
    const next = tokenRecord()
    t.equal(await store.create(next, 2), true, 'an expired token takes no place')
    t.equal(await store.get(short.id), undefined)
    t.same(byId(await store.listByUser(ALICE)), [long, next])
  })

  t.test('listByUser ...should answer the owner\'s tokens only, by source and username', async t => {
    const { store } = await open(t)
    const mine = [tokenRecord(), tokenRecord({ createdBy: 'root', createdBySource: 'oidc' })]
    const others = [tokenRecord({ source: 'oidc' }), tokenRecord({ username: 'bob' }), tokenRecord({ source: 'gateway', username: 'bob' })]
    for (const record of [...mine, ...others]) await store.create(record, 10)
    t.same(byId(await store.listByUser(ALICE)), mine)
    t.same(await store.listByUser({ source: 'oidc', username: 'alice' }), [others[0]])
    t.same(await store.listByUser({ source: 'gateway', username: 'bob' }), [others[2]])
    t.same(await store.listByUser({ source: 'local', username: 'carol' }), [])
  })

  t.test('delete ...should answer whether there was such a token, and take it away', async t => {
    const { store } = await open(t)
    const [gone, kept] = [tokenRecord({ source: 'gateway' }), tokenRecord({ source: 'gateway' })]
    await store.create(gone!, 10)
    await store.create(kept!, 10)
    t.equal(await store.delete(gone!.id), true)
    t.equal(await store.get(gone!.id), undefined)
    t.same(await store.listByUser({ source: 'gateway', username: 'alice' }), [kept])
    t.equal(await store.delete(gone!.id), false, 'not twice')
    t.equal(await store.delete('f'.repeat(24)), false, 'nor an unknown id')
  })

  t.test('touch ...should record a use, and never bring back a revoked token', async t => {
    const { store } = await open(t)
    const record = tokenRecord()
    await store.create(record, 10)
    const used = { ...record, lastUsedAt: record.createdAt + 60_000 }
    await store.touch(record.id, used)
    t.strictSame(await store.get(record.id), used)
    t.same(await store.listByUser(ALICE), [used])
    await store.delete(record.id)
    await store.touch(record.id, { ...used, lastUsedAt: used.lastUsedAt + 60_000 })
    t.equal(await store.get(record.id), undefined)
    t.same(await store.listByUser(ALICE), [])
  })
}
