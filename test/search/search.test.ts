import t, { type Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp } from '../helpers/app.ts'
import { startEmulatorProcess } from '../helpers/emulator-process.ts'
import { freePort } from '../helpers/server-process.ts'
import { assertProblem, harness, MOBILE, PORTAL, REPORTS, type Harness } from '../clients/support.ts'
import { teamPassword, teamUsersFile } from '../teams/support.ts'

// Far above the few milliseconds a fill of a few clients takes, even on a busy machine.
const FILL_DEADLINE_MS = 20_000

/** Starts the index (as a first search does) and waits until it has read the whole list once. */
async function indexReady (app: FastifyInstance): Promise<void> {
  await app.useClientIndex()
  const deadline = Date.now() + FILL_DEADLINE_MS
  while (!app.clientIndex.complete) {
    if (Date.now() > deadline) throw new Error('the search index never completed its first fill')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

const ids = (response: { json: () => any }) => response.json().clients.map((client: { clientId: number }) => String(client.clientId)).sort()

t.test('GET /api/clients?q= ...should match name, alias, client ID, developer and redirect-URI host, case-insensitively', async t => {
  const h = await harness(t)
  await indexReady(h.app)
  const created = await h.call('admin', 'POST', '/api/clients', { clientName: 'Zephyr Billing', developer: 'Umbrella-Payments', clientIdAlias: 'zeph-bill', redirectUris: ['https://Login.Zephyr.Example:8443/cb?x=1'] })
  t.equal(created.statusCode, 201)
  const zephyr = String(created.json().clientId)
  const cases: Array<[string, string[], string]> = [
    ['zephyr billing', [zephyr], 'clientName'],
    ['ZEPH-BILL', [zephyr], 'clientIdAlias'],
    [zephyr.slice(2, 9), [zephyr], 'clientId'],
    ['umbrella-pay', [zephyr], 'developer'],
    ['login.zephyr.EXAMPLE', [zephyr], 'redirectUriHosts'],
    ['portal.acme', [PORTAL], 'redirectUriHosts'],
    ['globex-REPORTS', [REPORTS], 'clientIdAlias'],
    ['acme', [MOBILE, PORTAL], 'developer']
  ]
  for (const [q, expected, field] of cases) {
    const response = await h.call('viewer', 'GET', `/api/clients?q=${encodeURIComponent(q)}`)
    t.equal(response.statusCode, 200, q)
    t.same(ids(response), expected.sort(), `"${q}" finds by ${field}`)
    t.ok(response.json().clients.every((client: { matchedIn: string[] }) => client.matchedIn.includes(field)), `"${q}": matchedIn names ${field}`)
  }
  const hit = (await h.call('viewer', 'GET', '/api/clients?q=zephyr')).json().clients[0]
  t.same(Object.keys(hit).sort(), ['clientId', 'clientIdAlias', 'clientName', 'developer', 'matchedIn', 'redirectUriHosts'], 'only the indexed fields, never a secret')
  t.same(hit.redirectUriHosts, ['login.zephyr.example'])
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=no-client-has-this')), [])
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=acme&developer=globex')), [], 'with developer: within that developer only')
})

t.test('GET /api/clients?q= ...should page the matches like the list, ordered by name, with the total', async t => {
  const h = await harness(t)
  await indexReady(h.app)
  for (let index = 1; index <= 25; index++) {
    const created = await h.call('admin', 'POST', '/api/clients', { clientName: `Searchpage ${index}` })
    if (created.statusCode !== 201) throw new Error(created.body)
  }
  const names = (response: { json: () => any }) => response.json().clients.map((client: { clientName: string }) => client.clientName)
  const first = await h.call('viewer', 'GET', '/api/clients?q=SEARCHPAGE&limit=10')
  t.same(names(first), Array.from({ length: 10 }, (_, index) => `Searchpage ${index + 1}`), 'by name, numbers in numeric order')
  t.match(first.json(), { total: 25, offset: 0, limit: 10, index: { complete: true } })
  const last = await h.call('viewer', 'GET', '/api/clients?q=searchpage&offset=20&limit=10')
  t.same(names(last), ['Searchpage 21', 'Searchpage 22', 'Searchpage 23', 'Searchpage 24', 'Searchpage 25'])
  t.equal(last.json().total, 25)
  t.same(names(await h.call('viewer', 'GET', '/api/clients?q=searchpage&offset=30')), [], 'past the end: empty, same total')
})

t.test('GET /api/clients?q= ...should show the proxy\'s own writes at once and say how old the index is, upstream not asked', async t => {
  const h = await harness(t)
  await indexReady(h.app)
  const created = await h.call('editor', 'POST', '/api/clients', { clientName: 'Freshness probe' })
  const id = String(created.json().clientId)
  const log = h.mark()
  const found = await h.call('viewer', 'GET', '/api/clients?q=freshness')
  t.same(ids(found), [id], 'a create shows at once')
  t.same(log.sent(), [], 'a search asks the upstream nothing (roles mode)')
  const { index } = found.json()
  t.equal(index.complete, true)
  t.ok(Number.isInteger(index.ageSeconds) && index.ageSeconds >= 0 && index.ageSeconds < 300, `ageSeconds ${String(index.ageSeconds)}`)
  t.equal(found.headers['x-search-index-age'], String(index.ageSeconds), 'the header says the same')
  t.equal(index.clients, h.app.clientIndex.size)

  t.equal((await h.call('editor', 'PATCH', `/api/clients/${id}`, { clientName: 'Renamed probe', redirectUris: ['https://renamed.example/cb'] }, { 'content-type': 'application/merge-patch+json' })).statusCode, 200)
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=freshness')), [], 'the old name is gone')
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=renamed.example')), [id], 'a patch shows at once')
  t.equal((await h.call('admin', 'PUT', `/api/clients/${id}`, { clientName: 'Replaced probe', developer: 'moved-team' })).statusCode, 200)
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=moved-team')), [id], 'a replacement (a move) shows at once')
  t.equal((await h.call('admin', 'DELETE', `/api/clients/${id}`)).statusCode, 204)
  t.same(ids(await h.call('viewer', 'GET', '/api/clients?q=replaced')), [], 'a deletion shows at once')
})

t.test('GET /api/clients?q= ...should refuse an empty, blank or too long search with a 400 naming q, asking the upstream nothing', async t => {
  const h: Harness = await harness(t)
  const log = h.mark()
  for (const q of ['', '%20%20', 'x'.repeat(201)]) {
    const response = await h.call('viewer', 'GET', `/api/clients?q=${q}`)
    assertProblem(t, response, 400)
    t.match(response.json().detail, /q/, `q=${q.slice(0, 10)}: the detail names q`)
  }
  t.same(log.sent(), [])
})

t.test('GET /api/audit?clientId=ALIAS ...should resolve the alias to the client\'s records', async t => {
  const h = await harness(t)
  await indexReady(h.app)
  t.equal((await h.call('editor', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true })).statusCode, 200)
  const byAlias = await h.call('admin', 'GET', '/api/audit?clientId=portal')
  t.equal(byAlias.statusCode, 200)
  t.ok(byAlias.json().records.length > 0, 'records found by alias')
  t.ok(byAlias.json().records.every((record: { clientId: string }) => record.clientId === PORTAL), 'all of the portal client')
  t.same(byAlias.json().records, (await h.call('admin', 'GET', `/api/audit?clientId=${PORTAL}`)).json().records, 'the same as by ID')
  t.same((await h.call('admin', 'GET', '/api/audit?clientId=no-such-alias')).json().records, [], 'an unknown alias finds nothing')
})

interface Replica { app: FastifyInstance, as: (username: string, method: string, url: string, body?: unknown) => Promise<LightMyRequestResponse> }

/** Two replicas of the proxy, teams mode, in front of one emulator process: what one writes, the other's index learns later. */
async function twoReplicas (t: Test, refreshSeconds: string): Promise<[Replica, Replica]> {
  const emulator = await startEmulatorProcess(t, `exec node src/cli.ts emulator --port ${await freePort()} --api v3`)
  const env = { ACCESS_MODEL: 'teams', BFF_USERS_FILE: await teamUsersFile(), AUTHLETE_BASE_URL: emulator.url, AUTHLETE_SERVICE_ID: emulator.serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: emulator.accessToken!, SEARCH_INDEX_REFRESH_SECONDS: refreshSeconds }
  const replicas: Replica[] = []
  for (let replica = 0; replica < 2; replica++) {
    const { app } = await buildTestApp(t, env)
    const sessions = new Map<string, Record<string, string>>()
    replicas.push({
      app,
      as: async (username, method, url, body) => {
        if (!sessions.has(username)) {
          const signedIn = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: teamPassword(username) } })
          sessions.set(username, { cookie: String([signedIn.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': signedIn.json().csrfToken })
        }
        return await app.inject({ method: method as 'GET', url, headers: sessions.get(username), ...(body === undefined ? {} : { payload: body as object }) })
      }
    })
    await indexReady(app)
  }
  return replicas as [Replica, Replica]
}

t.test('GET /api/clients?q= (teams) ...should find only the caller\'s teams\' clients, never one another replica moved away', async t => {
  const [one, other] = await twoReplicas(t, '3600')
  t.same(ids(await one.as('acme', 'GET', '/api/clients?q=a')), [MOBILE, PORTAL].sort(), 'acme: its own clients only')
  t.same(ids(await one.as('globex', 'GET', '/api/clients?q=acme')), [], 'globex: not acme\'s, by name nor by team')
  t.same(ids(await one.as('globex', 'GET', `/api/clients?q=${PORTAL}`)), [], 'nor by client ID')
  t.same(ids(await one.as('both', 'GET', '/api/clients?q=e')).length, 3, 'a member of two teams: both teams\' clients')
  t.same(ids(await one.as('root', 'GET', '/api/clients?q=globex')), [REPORTS], 'a * member: every team')
  assertProblem(t, await one.as('acme', 'GET', '/api/clients?q=a&developer=globex'), 403)

  const moved = await one.as('root', 'PATCH', `/api/clients/${MOBILE}`, { developer: 'globex' })
  t.equal(moved.statusCode, 200, 'replica one moves Acme Mobile to globex')
  t.equal([...other.app.clientIndex.entries()].find(entry => entry.clientId === MOBILE)?.developer, 'acme', 'replica two\'s index does not know yet')
  const stale = await other.as('acme', 'GET', '/api/clients?q=acme')
  t.same(ids(stale), [PORTAL], 'yet replica two never shows it to acme: the page is read again')
  t.equal([...other.app.clientIndex.entries()].find(entry => entry.clientId === MOBILE)?.developer, 'globex', 'and its index learned the move')
  t.same(ids(await other.as('globex', 'GET', '/api/clients?q=mobile')), [MOBILE], 'globex finds it there now')
})

t.test('GET /api/clients?q= ...should show another replica\'s write after SEARCH_INDEX_REFRESH_SECONDS, the index age starting again', async t => {
  const refreshSeconds = 10
  const [one, other] = await twoReplicas(t, String(refreshSeconds))
  const created = await one.as('root', 'POST', '/api/clients', { clientName: 'Made on replica one', developer: 'acme' })
  t.equal(created.statusCode, 201)
  t.same(ids(await one.as('root', 'GET', '/api/clients?q=replica one')), [String(created.json().clientId)], 'at once on the replica that wrote')
  const before = await other.as('root', 'GET', '/api/clients?q=replica one')
  t.same(ids(before), [], 'not yet on the other')
  // The next refresh comes within refreshSeconds; the margin covers a busy machine.
  const deadline = Date.now() + refreshSeconds * 3000
  let after = before
  while (ids(after).length === 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 200))
    after = await other.as('root', 'GET', '/api/clients?q=replica one')
  }
  t.same(ids(after), [String(created.json().clientId)], 'found after the refresh')
  t.ok(after.json().index.ageSeconds < refreshSeconds, `the index is younger than the refresh interval (${String(after.json().index.ageSeconds)} s)`)
})

t.test('GET /api/clients?q= ...should leave the whole list unread until someone searches on the replica', async t => {
  const h = await harness(t)
  const listCalls = () => h.app.sandboxUpstream.requests.filter(request => request.path.includes('/client/get/list')).length
  t.equal((await h.call('viewer', 'GET', `/api/clients/${PORTAL}`)).statusCode, 200)
  t.equal(listCalls(), 0, 'reads and writes alone never read the whole list')
  const found = await h.call('viewer', 'GET', '/api/clients?q=portal')
  t.equal(found.statusCode, 200)
  t.ok(listCalls() > 0, 'the first search filled the index')
  t.match(found.json(), { index: { complete: true } }, 'the first search waited for the fill of a small list')
})
