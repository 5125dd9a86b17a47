import t from 'tap'
import { AliasCache, resolveAlias } from '../../src/teams/alias-cache.ts'
import { asApp, client, fakeRequest, memoryUpstream, type UpstreamOptions } from './unit-support.ts'
import type { AuthleteClient } from '../../src/upstream/authlete-api.ts'

// Unit tests of alias resolution in teams mode (src/teams/alias-cache.ts): the cache itself, and
// resolveAlias over an upstream kept in a list, counting the reads and list pages it asks for.

t.test('AliasCache ...should keep at most its capacity, dropping the least recently used alias', async t => {
  const cache = new AliasCache(2)
  cache.set('a', { id: '1', team: 'acme' })
  cache.set('b', { id: '2', team: 'acme' })
  t.equal(cache.size, 2, 'full at its capacity')
  t.strictSame(cache.get('a'), { id: '1', team: 'acme' })
  cache.set('c', { id: '3', team: 'globex' })
  t.equal(cache.size, 2)
  t.strictSame([cache.get('a')?.id, cache.get('b'), cache.get('c')?.id], ['1', undefined, '3'], 'b was the least recently used')
  cache.set('a', { id: '4', team: 'acme' })
  t.equal(cache.size, 2, 'replacing an entry does not grow the cache')
  t.strictSame(cache.get('a'), { id: '4', team: 'acme' })
  t.equal(cache.get('missing'), undefined)
  t.equal(cache.size, 2, 'a miss adds nothing')
  cache.delete('a')
  t.strictSame([cache.size, cache.get('a'), cache.get('c')?.id], [1, undefined, '3'])
  t.equal(new AliasCache().capacity, 10_000, 'the app\'s cache: 10,000 aliases')
  const updated = new AliasCache(2)
  updated.set('a', { id: '1', team: 'acme' })
  updated.set('b', { id: '2', team: 'acme' })
  updated.set('a', { id: '5', team: 'acme' })
  updated.set('c', { id: '3', team: 'acme' })
  t.strictSame([updated.get('a')?.id, updated.get('b'), updated.get('c')?.id], ['5', undefined, '3'], 'setting an alias again makes it the most recently used')
  const one = new AliasCache(1)
  one.set('x', { id: '1', team: null })
  t.strictSame(one.get('x'), { id: '1', team: null }, 'a capacity of one keeps one')
})

// enabled null: clientIdAliasEnabled left out.
const aliased = (clientId: number, developer: string | undefined, alias: string, enabled: boolean | null = true): AuthleteClient =>
  client(clientId, developer, { clientIdAlias: alias, ...(enabled === null ? {} : { clientIdAliasEnabled: enabled }) })

function harness (clients: AuthleteClient[], options: UpstreamOptions = {}) {
  const upstream = memoryUpstream(clients, options)
  const app = asApp({ authlete: upstream.api, aliasCache: new AliasCache() })
  const resolve = async (alias: string, teams: string[]) => {
    const found = await resolveAlias(app, fakeRequest({ app }), alias, teams)
    return { id: found?.id, clientId: found?.client.clientId, sent: upstream.take() }
  }
  return { resolve, cache: app.aliasCache, clients: upstream.clients }
}

t.test('resolveAlias ...should look for an unknown alias in the caller\'s teams\' lists, in team order, and cache what it found', async t => {
  const h = harness([client(1, 'globex'), aliased(2, 'globex', 'portal'), aliased(3, 'initech', 'portal')])
  t.strictSame(await h.resolve('portal', ['globex', 'acme']), { id: '2', clientId: 2, sent: ['list acme 0-100', 'list globex 0-100'] })
  t.strictSame(h.cache.get('portal'), { id: '2', team: 'globex' })
  t.strictSame(await h.resolve('nothing', ['globex', 'acme']), { id: undefined, clientId: undefined, sent: ['list acme 0-100', 'list globex 0-100'] })
  t.equal(h.cache.get('nothing'), undefined, 'nothing found, nothing cached')
  t.equal(h.cache.size, 1)
})

t.test('resolveAlias ...should look through the whole list, unfiltered, for a * member', async t => {
  const h = harness([aliased(3, 'initech', 'portal'), aliased(4, undefined, 'loose')])
  t.strictSame(await h.resolve('portal', ['*']), { id: '3', clientId: 3, sent: ['list * 0-100'] })
  t.strictSame(await h.resolve('loose', ['*']), { id: '4', clientId: 4, sent: ['list * 0-100'] })
  t.strictSame(h.cache.get('loose'), { id: '4', team: null }, 'a client of no team')
  t.strictSame(await h.resolve('loose', ['*']), { id: '4', clientId: 4, sent: ['read 4'] }, '* is in every team, no team included')
})

t.test('resolveAlias ...should match only an enabled alias', async t => {
  const h = harness([aliased(1, 'acme', 'off', false), aliased(2, 'acme', 'unset', null), aliased(3, 'acme', 'on')])
  t.strictSame(await h.resolve('off', ['acme']), { id: undefined, clientId: undefined, sent: ['list acme 0-100'] })
  t.strictSame(await h.resolve('unset', ['acme']), { id: undefined, clientId: undefined, sent: ['list acme 0-100'] })
  t.strictSame(await h.resolve('on', ['acme']), { id: '3', clientId: 3, sent: ['list acme 0-100'] })
})

t.test('resolveAlias ...should page through a team\'s list 100 clients at a time, up to its total', async t => {
  const many = (count: number, alias?: number) => Array.from({ length: count }, (_, index) => index === alias ? aliased(index + 1, 'acme', 'deep') : client(index + 1, 'acme'))
  t.strictSame((await harness(many(250, 230)).resolve('deep', ['acme'])).sent, ['list acme 0-100', 'list acme 100-200', 'list acme 200-300'])
  t.equal((await harness(many(250, 230)).resolve('deep', ['acme'])).id, '231')
  t.strictSame((await harness(many(100)).resolve('deep', ['acme'])).sent, ['list acme 0-100'], 'exactly one page')
  t.strictSame((await harness(many(101)).resolve('deep', ['acme'])).sent, ['list acme 0-100', 'list acme 100-200'], 'one more')
  t.strictSame((await harness(many(150), { claimTotal: 1_000 }).resolve('deep', ['acme'])).sent, ['list acme 0-100', 'list acme 100-200', 'list acme 200-300'], 'an empty page ends the list, whatever its total says')
  t.strictSame((await harness(many(150), { claimTotal: 1_000, omitEmptyClients: true }).resolve('deep', ['acme'])).sent, ['list acme 0-100', 'list acme 100-200', 'list acme 200-300'], 'so does a page without clients')
  t.strictSame((await harness([], { omitEmptyClients: true }).resolve('deep', ['acme', 'globex'])).sent, ['list acme 0-100', 'list globex 0-100'], 'a list without clients')
})

t.test('resolveAlias ...should resolve a cached alias with one read of the client, and never read another team\'s', async t => {
  const h = harness([aliased(1, 'acme', 'portal'), client(2, 'globex')])
  await h.resolve('portal', ['acme'])
  t.strictSame(await h.resolve('portal', ['acme']), { id: '1', clientId: 1, sent: ['read 1'] })
  t.strictSame(await h.resolve('portal', ['globex', 'acme']), { id: '1', clientId: 1, sent: ['read 1'] })
  t.strictSame(await h.resolve('portal', ['globex']), { id: undefined, clientId: undefined, sent: ['list globex 0-100'] }, 'another team: the scan it would make for an unknown alias')
  t.strictSame(h.cache.get('portal'), { id: '1', team: 'acme' }, 'the entry kept for its team')
})

t.test('resolveAlias ...should drop a cached alias that moved, was disabled or whose client is gone, and look again', async t => {
  const h = harness([aliased(1, 'acme', 'portal'), client(2, 'acme'), aliased(3, 'acme', 'app'), aliased(4, 'acme', 'gone')])
  for (const alias of ['portal', 'app', 'gone']) await h.resolve(alias, ['acme'])
  const [first, second, third] = h.clients
  first!.clientIdAlias = 'portal-old'
  second!.clientIdAlias = 'portal'
  second!.clientIdAliasEnabled = true
  t.strictSame(await h.resolve('portal', ['acme']), { id: '2', clientId: 2, sent: ['read 1', 'list acme 0-100'] }, 'moved')
  t.strictSame(h.cache.get('portal'), { id: '2', team: 'acme' })
  third!.clientIdAliasEnabled = false
  t.strictSame(await h.resolve('app', ['acme']), { id: undefined, clientId: undefined, sent: ['read 3', 'list acme 0-100'] }, 'disabled')
  t.equal(h.cache.get('app'), undefined)
  h.clients.pop()
  t.strictSame(await h.resolve('gone', ['acme']), { id: undefined, clientId: undefined, sent: ['read 4', 'list acme 0-100'] }, 'deleted')
  t.equal(h.cache.get('gone'), undefined)
  t.strictSame(await h.resolve('gone', ['acme']), { id: undefined, clientId: undefined, sent: ['list acme 0-100'] }, 'no entry left to read')
})

t.test('resolveAlias ...should note a cached client that moved out of the caller\'s teams, and look in theirs', async t => {
  const h = harness([aliased(1, 'acme', 'portal'), aliased(2, 'acme', 'other')])
  await h.resolve('portal', ['acme'])
  h.clients[0]!.developer = 'globex'
  t.strictSame(await h.resolve('portal', ['acme']), { id: undefined, clientId: undefined, sent: ['read 1', 'list acme 0-100'] })
  t.strictSame(h.cache.get('portal'), { id: '1', team: 'globex' }, 'the entry follows the client')
  t.strictSame(await h.resolve('portal', ['acme']), { id: undefined, clientId: undefined, sent: ['list acme 0-100'] }, 'not read again for acme')
  t.strictSame(await h.resolve('portal', ['globex']), { id: '1', clientId: 1, sent: ['read 1'] }, 'read for globex')
})

t.test('resolveAlias ...should pass on an upstream fault of the cached client\'s read', async t => {
  const h = harness([aliased(1, 'acme', 'portal')], { failReads: { 1: 503 } })
  await h.resolve('portal', ['acme'])
  await t.rejects(h.resolve('portal', ['acme']), { message: 'upstream failed 503', statusCode: 503 })
  t.strictSame(h.cache.get('portal'), { id: '1', team: 'acme' }, 'the entry kept')
})
