import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Redis } from 'ioredis'
import { openTokenStore, tokenCreator, tokenExpiry, tokenOwner, type ApiTokenRecord } from '../../src/auth/tokens/token-store.ts'

// The token store's pure functions, and which store API_TOKEN_STORE opens (the stores: *-token-store.test.ts).

const HOUR_MS = 3_600_000
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0)

function record (overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return { id: 'a'.repeat(24), source: 'local', username: 'alice', name: 'ci', roles: ['viewer'], createdBy: 'root', createdBySource: 'oidc', createdAt: NOW, expiresAt: NOW + 48 * HOUR_MS, lastUsedAt: null, hash: 'h', ...overrides }
}

function withoutSources (): ApiTokenRecord {
  const old = record()
  delete old.source
  delete old.createdBySource
  return old
}

t.test('tokenOwner and tokenCreator ...should answer the owner\'s and creator\'s principal, local for a token from before sources', async t => {
  t.strictSame(tokenOwner(record({ source: 'gateway' })), { source: 'gateway', username: 'alice' })
  t.strictSame(tokenCreator(record()), { source: 'oidc', username: 'root' })
  t.strictSame(tokenOwner(withoutSources()), { source: 'local', username: 'alice' })
  t.strictSame(tokenCreator(withoutSources()), { source: 'local', username: 'root' })
})

t.test('tokenExpiry ...should answer a local owner\'s expiresAt, an external owner\'s at most maxExternalMs after its making', async t => {
  t.equal(tokenExpiry(record(), HOUR_MS), NOW + 48 * HOUR_MS, 'local: what it asked, however long')
  t.equal(tokenExpiry(withoutSources(), HOUR_MS), NOW + 48 * HOUR_MS, 'from before sources: local')
  for (const source of ['oidc', 'gateway'] as const) {
    t.equal(tokenExpiry(record({ source }), 24 * HOUR_MS), NOW + 24 * HOUR_MS, `${source}: capped`)
    t.equal(tokenExpiry(record({ source }), 48 * HOUR_MS), NOW + 48 * HOUR_MS, `${source}: the cap reaching expiresAt exactly`)
    t.equal(tokenExpiry(record({ source }), 49 * HOUR_MS), NOW + 48 * HOUR_MS, `${source}: expiresAt before the cap`)
  }
})

t.test('openTokenStore ...should open the memory store for memory', async t => {
  const store = openTokenStore('memory', null)
  const old = { ...withoutSources(), expiresAt: Date.now() + HOUR_MS }
  t.ok(await store.create(old, 1))
  t.strictSame(await store.get(old.id), old, 'kept as given, without the sources a SQLite row would add')
  await store.close()
})

t.test('openTokenStore ...should open the SQLite file after sqlite:', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-token-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'nested', 'tokens.db')
  const store = openTokenStore(`sqlite:${path}`, null)
  t.ok(existsSync(path), 'the file, its folder made')
  t.ok(await store.create(record({ expiresAt: Date.now() + HOUR_MS }), 1))
  await store.close()
  const again = openTokenStore(`sqlite:${path}`, null)
  t.equal((await again.get('a'.repeat(24)))?.name, 'ci', 'kept in the file')
  await again.close()
})

t.test('openTokenStore ...should use the app\'s Redis for redis, and refuse redis without one', async t => {
  t.throws(() => openTokenStore('redis', null), { message: 'API_TOKEN_STORE=redis needs REDIS_URL' })
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false })
  const store = openTokenStore('redis', redis)
  await t.rejects(store.get('a'.repeat(24)), { code: 'BFF_TOKEN_STORE_UNAVAILABLE' }, 'a store asking that (unconnected) Redis')
  redis.disconnect()
})
