import t from 'tap'
import type { Test } from 'tap'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { SCAN_MAX_CLIENT_READS, SCAN_MAX_PAGES, SCAN_PAGE } from '../../src/teams/union-pager.ts'
import { startFilterIgnoringUpstream } from './filter-ignoring-upstream.ts'
import { REPORTS, teamHarness, type TeamHarness } from './support.ts'

const names = (response: { json: () => any }) => response.json().clients.map((client: { clientName: string }) => client.clientName)
const UNION = ['Acme Customer Portal', 'Acme Mobile', 'Globex Reporting Service', 'Initech Billing', 'Initech Intranet']

async function violations (h: TeamHarness, operation: string): Promise<number> {
  const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  return Number(text.match(new RegExp(`^bff_upstream_filter_violations_total\\{operation="${operation}"\\} (\\d+)$`, 'm'))?.[1] ?? 0)
}

const violationLines = (h: TeamHarness, operation: string) => h.logs.filter(line => line.includes('outside its developer filter') && line.includes(`"operation":"${operation}"`))

t.test('GET /api/clients ...should drop the other teams\' clients an upstream answers despite the developer filter, and rebuild the page', async t => {
  const upstream = await startFilterIgnoringUpstream(t)
  const h = await teamHarness(t, 'v3', upstream.env)

  const acme = await h.call('acme', 'GET', '/api/clients')
  t.same({ names: names(acme), total: acme.json().total, totalExact: acme.json().totalExact }, { names: UNION.slice(0, 2), total: 2, totalExact: undefined }, 'acme\'s clients only, the exact total')
  const all = await h.call('trio', 'GET', '/api/clients?limit=100')
  t.same({ names: names(all), total: all.json().total }, { names: UNION, total: 5 }, 'the union of three teams, ordered by team')
  for (const [offset, limit] of [[0, 2], [1, 3], [3, 5], [4, 1], [5, 3]] as const) {
    const page = await h.call('trio', 'GET', `/api/clients?offset=${offset}&limit=${limit}`)
    t.same({ names: names(page), total: page.json().total }, { names: UNION.slice(offset, offset + limit), total: 5 }, `offset ${offset}, limit ${limit}: refilled, the exact total`)
  }
  const globex = await h.call('both', 'GET', '/api/clients?developer=globex')
  t.same({ names: names(globex), total: globex.json().total }, { names: ['Globex Reporting Service'], total: 1 }, '?developer= one of the caller\'s teams')
  t.same(names(await h.call('token', 'GET', '/api/clients')), ['Globex Reporting Service'], 'an API token of globex')
  t.equal((await h.call('root', 'GET', '/api/clients?limit=100')).json().total, 6, 'a * member sees every client, as before')
  const rootGlobex = await h.call('root', 'GET', '/api/clients?developer=globex')
  t.same({ names: names(rootGlobex), total: rootGlobex.json().total }, { names: ['Globex Reporting Service'], total: 1 }, 'a * member\'s ?developer= is checked too')

  t.ok(upstream.lists.every(query => !query.includes('developer=')), 'the stand-in dropped every filter')
  t.ok(await violations(h, 'listClients') >= 9, 'every dropped client counted')
  t.equal(violationLines(h, 'listClients').length, 1, 'logged once in the minute, with the operation')
  const line = JSON.parse(violationLines(h, 'listClients')[0]!)
  t.match(line, { level: 40, operation: 'listClients', team: String, dropped: Number })
})

t.test('GET /api/subjects/:subject/clients ...should show only the caller\'s teams\' authorized clients when the upstream ignores the filter', async t => {
  const upstream = await startFilterIgnoringUpstream(t)
  const h = await teamHarness(t, 'v3', upstream.env)
  t.equal((await h.call('root', 'PUT', `/api/clients/${REPORTS}/authorizations/john`, { scopes: ['openid'] })).statusCode, 200)
  const globex = await h.call('globex', 'GET', '/api/subjects/john/clients')
  t.same({ names: names(globex), total: globex.json().total }, { names: [], total: 0 }, 'none of john\'s clients is globex\'s')
  const acme = await h.call('acme', 'GET', '/api/subjects/john/clients?offset=1')
  t.same({ names: names(acme), total: acme.json().total }, { names: ['Acme Mobile'], total: 2 })
  t.ok(await violations(h, 'listAuthorizedClients') > 0)
  t.equal(violationLines(h, 'listAuthorizedClients').length, 1)
})

t.test('GET /api/clients ...should neither drop nor rebuild anything when the upstream keeps to the filter', async t => {
  const h = await teamHarness(t, 'v3')
  const log = h.mark()
  t.same(names(await h.call('trio', 'GET', '/api/clients?offset=1&limit=3')), UNION.slice(1, 4))
  t.same(names(await h.call('acme', 'GET', '/api/subjects/john/clients')), UNION.slice(0, 2), 'API 3.0 lists authorized clients without their developer')
  const lists = log.sent().filter(request => request.path.includes('/get/list'))
  t.ok(lists.every(request => new URLSearchParams(request.query).has('developer')), 'no unfiltered scan')
  t.same(log.sent().filter(request => !request.path.includes('/get/list')), [], 'no client read')
  t.equal(await violations(h, 'listClients') + await violations(h, 'listAuthorizedClients'), 0)
  t.same(h.logs.filter(line => line.includes('outside its developer filter')), [])
})

// A service of `count` clients, acme, globex and initech in turn, behind a stand-in that ignores the
// developer filter (and, with `ignoreRange`, the range too); every client is authorized by every
// subject, listed as API 3.0 lists them then (without developer). It counts what it was asked.
async function syntheticService (t: Test, count: number, ignoreRange = false) {
  const fault = await startFaultUpstream(t)
  const teams = ['acme', 'globex', 'initech']
  const clients = Array.from({ length: count }, (_, index) => ({ clientId: 1_000_000 + index, clientName: `client ${index}`, developer: teams[index % 3]! }))
  fault.answer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x')
    const read = /\/client\/get\/(\d+)$/.exec(url.pathname)
    if (read !== null) return json(response, 200, clients[Number(read[1]) - 1_000_000])
    const start = ignoreRange ? 0 : Number(url.searchParams.get('start') ?? 0)
    const end = ignoreRange ? count : Math.min(count, Number(url.searchParams.get('end') ?? count))
    const listed = url.pathname.includes('/authorization/') ? clients.map(({ developer, ...limited }) => limited) : clients
    json(response, 200, { start, end, totalCount: count, clients: listed.slice(start, end) })
  })
  const h = await teamHarness(t, 'v3', { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '1234', AUTHLETE_SERVICE_ACCESS_TOKEN: 'service-token' })
  const unfilteredReads = () => fault.requests.filter(request => request.url.includes('/get/list') && !request.url.includes('developer=')).length
  const clientReads = () => fault.requests.filter(request => /\/client\/get\/\d+$/.test(request.url)).length
  return { h, unfilteredReads, clientReads }
}

t.test('GET /api/clients ...should say the total is inexact when the unfiltered list is too long to check whole', async t => {
  const { h, unfilteredReads } = await syntheticService(t, SCAN_PAGE * SCAN_MAX_PAGES + 1000)
  const page = await h.call('acme', 'GET', '/api/clients?offset=2&limit=3')
  const acmeScanned = Math.ceil(SCAN_PAGE * SCAN_MAX_PAGES / 3)
  t.same({ names: names(page), total: page.json().total, totalExact: page.json().totalExact }, { names: ['client 6', 'client 9', 'client 12'], total: acmeScanned, totalExact: false })
  t.equal(unfilteredReads(), SCAN_MAX_PAGES, 'the scan stops at its limit')
})

t.test('GET /api/clients ...should give the exact page and total when the unfiltered list can be checked whole', async t => {
  const { h, unfilteredReads } = await syntheticService(t, 900)
  const page = await h.call('both', 'GET', '/api/clients?offset=299&limit=3')
  t.same({ names: names(page), total: page.json().total, totalExact: page.json().totalExact }, { names: ['client 897', 'client 1', 'client 4'], total: 600, totalExact: undefined }, 'acme\'s last, then globex\'s first')
  t.equal(unfilteredReads(), 9)

  const ranged = await syntheticService(t, 30, true)
  const all = await ranged.h.call('globex', 'GET', '/api/clients?offset=8&limit=5')
  t.same({ names: names(all), total: all.json().total, totalExact: all.json().totalExact }, { names: ['client 25', 'client 28'], total: 10, totalExact: undefined }, 'a stand-in that ignores the range too: its one answer is the whole list')
})

t.test('GET /api/subjects/:subject/clients ...should read the team of each client API 3.0 lists without one, within a bound', async t => {
  const small = await syntheticService(t, 300)
  const page = await small.h.call('globex', 'GET', '/api/subjects/john/clients?offset=98&limit=3')
  t.same({ names: names(page), total: page.json().total, totalExact: page.json().totalExact }, { names: ['client 295', 'client 298'], total: 100, totalExact: undefined })
  t.equal(small.clientReads(), 300, 'each client read once for its team')

  const large = await syntheticService(t, SCAN_MAX_CLIENT_READS + 100)
  const bounded = await large.h.call('globex', 'GET', '/api/subjects/john/clients?limit=2')
  t.same({ names: names(bounded), total: bounded.json().total, totalExact: bounded.json().totalExact }, { names: ['client 1', 'client 4'], total: Math.ceil((SCAN_MAX_CLIENT_READS - 1) / 3), totalExact: false })
  t.equal(large.clientReads(), SCAN_MAX_CLIENT_READS, 'no more reads than the bound')
})
