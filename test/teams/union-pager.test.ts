import t from 'tap'
import { FILTER_CHECK_TEAM, listAcrossTeams, SCAN_MAX_CLIENT_READS, SCAN_MAX_PAGES, SCAN_PAGE, type ClientListing, type FetchPage } from '../../src/teams/union-pager.ts'
import type { AuthleteClient } from '../../src/upstream/authlete-api.ts'
import { asApp, client, collectors, fakeRequest, identity, memoryUpstream, type UpstreamOptions } from './unit-support.ts'

// Unit tests of team-filtered client lists (src/teams/union-pager.ts) over an upstream kept in a
// list: which pages it asks for, what it answers, and what it reports when the upstream ignores the
// `developer` filter or the range.

const CHECK = `list ${FILTER_CHECK_TEAM} 0-0`

/** acme: clients 1-3, globex: 4-5, initech: 6, and 7 of no team, listed in that order. */
const TEAMS = [client(1, 'acme'), client(4, 'globex'), client(2, 'acme'), client(6, 'initech'), client(3, 'acme'), client(7, undefined), client(5, 'globex')]

interface ListOptions { teams?: string[] | null, developer?: string, offset?: number, limit?: number, model?: 'roles' | 'teams', readTeam?: boolean }

function harness (clients: AuthleteClient[] = TEAMS, options: UpstreamOptions = {}, fetchOf?: (fetch: FetchPage) => FetchPage) {
  const upstream = memoryUpstream(clients, options)
  const reports: Array<{ operation: string, team: string, dropped: number, log: boolean }> = []
  const teamReads: string[] = []
  const { log } = collectors()
  const list = async ({ teams = ['acme'], developer, offset = 0, limit = 10, model = 'teams', readTeam = false }: ListOptions = {}) => {
    const app = asApp({
      accessModel: model,
      reportFilterViolation: (logged: unknown, operation: string, team: string, dropped: number) => { reports.push({ operation, team, dropped, log: logged === log }) }
    })
    const listing: ClientListing = {
      operation: 'listClients',
      developer,
      offset,
      limit,
      fetch: fetchOf === undefined ? upstream.fetch : fetchOf(upstream.fetch),
      ...(readTeam
        ? {
            readTeam: async (clientId: string) => {
              teamReads.push(clientId)
              return clients.find(candidate => String(candidate.clientId) === clientId)?.developer as string | undefined ?? null
            }
          }
        : {})
    }
    const slice = await listAcrossTeams(app, fakeRequest({ app, identity: teams === null ? null : identity(teams), log }), listing)
    return { ...slice, ids: slice.clients.map(listed => listed.clientId), sent: upstream.take() }
  }
  return { list, reports, teamReads, clients, take: upstream.take }
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index)

t.test('listAcrossTeams ...should answer Authlete\'s own page in roles mode, and to a * member without a developer filter', async t => {
  const h = harness()
  const roles = await h.list({ model: 'roles', teams: null, offset: 2, limit: 3 })
  t.strictSame([roles.ids, roles.total, roles.sent, roles.totalExact], [[2, 6, 3], 7, ['list * 2-5'], undefined])
  t.strictSame((await h.list({ model: 'roles', teams: null, developer: 'globex' })).sent, ['list globex 0-10'], 'the filter passed on')
  t.strictSame((await h.list({ model: 'roles', teams: ['acme'], developer: 'globex' })).ids, [4, 5], 'teams mean nothing in roles mode')
  const every = await h.list({ teams: ['*'], offset: 5, limit: 5 })
  t.strictSame([every.ids, every.total, every.sent], [[7, 5], 7, ['list * 5-10']])
  t.strictSame(h.reports, [])
  const empty = await harness([], { omitEmptyClients: true }).list({ model: 'roles', teams: null })
  t.strictSame([empty.clients, empty.total], [[], 0], 'a list without clients')
})

t.test('listAcrossTeams ...should refuse a developer filter outside the caller\'s teams', async t => {
  const h = harness()
  await t.rejects(h.list({ teams: ['acme'], developer: 'globex' }), { statusCode: 403, code: 'BFF_NOT_YOUR_TEAM', message: 'Team globex is not one of yours' })
  await t.rejects(h.list({ teams: null, developer: 'acme' }), { code: 'BFF_NOT_YOUR_TEAM' }, 'no identity: no team')
  t.strictSame(h.take(), [], 'nothing asked')
  const every = await h.list({ teams: ['*'], developer: 'globex' })
  t.strictSame([every.ids, every.total, every.sent], [[4, 5], 2, [CHECK, 'list globex 0-10']], 'a * member\'s filter is checked too')
})

t.test('listAcrossTeams ...should answer one team\'s page as Authlete lists it, beside the filter check', async t => {
  const h = harness()
  const page = await h.list({ teams: ['acme', 'globex'], developer: 'acme', offset: 1, limit: 2 })
  t.strictSame([page.ids, page.total, page.sent, page.totalExact], [[2, 3], 3, [CHECK, 'list acme 1-3'], undefined])
  const full = await h.list({ teams: ['acme'], developer: 'acme', offset: 0, limit: 3 })
  t.strictSame([full.ids, full.sent], [[1, 2, 3], [CHECK, 'list acme 0-3']], 'a page exactly full')
  t.strictSame(h.reports, [])
  const none = await harness([], { omitEmptyClients: true }).list({ teams: ['acme'], developer: 'acme' })
  t.strictSame([none.clients, none.total, none.sent], [[], 0, [CHECK, 'list acme 0-10']], 'an empty team, its list without clients')
})

t.test('listAcrossTeams ...should page through the caller\'s teams in team order, asking only for the slices a page overlaps', async t => {
  const h = harness()
  const teams = ['globex', 'acme']
  const totals = [CHECK, 'list acme 0-0', 'list globex 0-0']
  const page = async (offset: number, limit: number) => {
    const { ids, total, sent, totalExact } = await h.list({ teams, offset, limit })
    t.equal(total, 5)
    t.equal(totalExact, undefined)
    t.strictSame(sent.slice(0, 3), totals, 'every team\'s total first')
    return [ids, sent.slice(3)]
  }
  t.strictSame(await page(0, 10), [[1, 2, 3, 4, 5], ['list acme 0-3', 'list globex 0-2']])
  t.strictSame(await page(2, 2), [[3, 4], ['list acme 2-3', 'list globex 0-1']])
  t.strictSame(await page(0, 3), [[1, 2, 3], ['list acme 0-3']], 'ends where acme ends')
  t.strictSame(await page(3, 2), [[4, 5], ['list globex 0-2']], 'starts where globex starts')
  t.strictSame(await page(1, 1), [[2], ['list acme 1-2']])
  t.strictSame(await page(4, 10), [[5], ['list globex 1-2']])
  t.strictSame(await page(5, 10), [[], []], 'past the end')
  t.strictSame(h.reports, [])
  const alone = await h.list({ teams: ['initech'], offset: 0, limit: 10 })
  t.strictSame([alone.ids, alone.total, alone.sent], [[6], 1, [CHECK, 'list initech 0-0', 'list initech 0-1']])
  const noTeam = await h.list({ teams: [] })
  t.strictSame([noTeam.ids, noTeam.total, noTeam.sent], [[], 0, [CHECK]], 'no team: nothing')
  const noIdentity = await h.list({ teams: null })
  t.strictSame([noIdentity.ids, noIdentity.total, noIdentity.sent], [[], 0, [CHECK]], 'a caller of no team (a token from before teams mode): nothing')
})

t.test('listAcrossTeams ...should rebuild the page from a checked scan when the upstream ignores the filter, and report it', async t => {
  const h = harness(TEAMS, { ignoreFilter: true })
  const union = await h.list({ teams: ['globex', 'acme'], offset: 1, limit: 3 })
  t.strictSame([union.ids, union.total, union.totalExact], [[2, 3, 4], 5, undefined], 'each team\'s clients in Authlete\'s order, teams in order')
  t.strictSame(union.sent, [CHECK, 'list acme 0-0', 'list globex 0-0', 'list acme 1-4', 'list * 0-100'], 'the slice asked for beside the check (acme\'s total: the whole list)')
  t.strictSame(h.reports, [
    { operation: 'listClients', team: FILTER_CHECK_TEAM, dropped: 7, log: true },
    { operation: 'listClients', team: 'acme', dropped: 2, log: true }
  ], 'the check counts the whole list; the empty ranges drop nothing, the slice its foreign clients')
  h.reports.splice(0)
  const one = await h.list({ teams: ['acme', 'globex'], developer: 'globex', offset: 0, limit: 10 })
  t.strictSame([one.ids, one.total, one.sent], [[4, 5], 2, [CHECK, 'list globex 0-10', 'list * 0-100']])
  t.strictSame(h.reports, [
    { operation: 'listClients', team: FILTER_CHECK_TEAM, dropped: 7, log: true },
    { operation: 'listClients', team: 'globex', dropped: 5, log: true }
  ], 'the foreign clients of the team\'s page')
})

t.test('listAcrossTeams ...should not trust a page with more clients than its range, nor a check that answered clients', async t => {
  const ranges = harness(TEAMS, { ignoreRange: true })
  const page = await ranges.list({ teams: ['acme'], developer: 'acme', offset: 1, limit: 1 })
  t.strictSame([page.ids, page.total, page.sent], [[2], 3, [CHECK, 'list acme 1-2', 'list * 0-100']])
  const union = await ranges.list({ teams: ['acme', 'globex'], offset: 1, limit: 1 })
  t.strictSame([union.ids, union.sent], [[2], [CHECK, 'list acme 0-0', 'list globex 0-0', 'list * 0-100']], 'not even the totals')
  const emptyTeam = await ranges.list({ teams: ['acme', 'umbrella'], offset: 0, limit: 1 })
  t.strictSame([emptyTeam.ids, emptyTeam.sent], [[1], [CHECK, 'list acme 0-0', 'list umbrella 0-0', 'list * 0-100']], 'one team\'s total not trusted is enough')
  t.strictSame(ranges.reports, [], 'the filter held: nothing to report')

  // Totals right, slices too long: a range ignored only when it is not empty.
  const slices = harness(TEAMS, {}, fetch => async page => await fetch(page.end === 0 ? page : { ...page, start: 0, end: 1_000 }))
  const sliced = await slices.list({ teams: ['acme', 'globex'], offset: 1, limit: 4 })
  t.strictSame([sliced.ids, sliced.total], [[2, 3, 4, 5], 5], 'acme\'s slice too long, globex\'s whole: one is enough')
  t.strictSame(sliced.sent.slice(3), ['list acme 0-1000', 'list globex 0-1000', 'list * 0-1000'], 'the checked scan')

  // The check team answered with a client, its total 0: no report (nothing counted), but not trusted.
  const check = harness(TEAMS, {}, fetch => async page => page.developer === FILTER_CHECK_TEAM ? await fetch({ start: 0, end: 1 }).then(answer => ({ ...answer, data: { ...answer.data, totalCount: 0 } })) : await fetch(page))
  const checked = await check.list({ teams: ['acme'], developer: 'acme' })
  t.strictSame([checked.ids, checked.sent], [[1, 2, 3], ['list * 0-1', 'list acme 0-10', 'list * 0-100']])
})

t.test('listAcrossTeams ...should scan when only the filter check fails, though the team\'s own page looks right', async t => {
  const h = harness(TEAMS, {}, fetch => async page => page.developer === FILTER_CHECK_TEAM ? await fetch({ start: 0, end: 0 }) : await fetch(page))
  const page = await h.list({ teams: ['acme'], developer: 'acme', limit: 2 })
  t.strictSame([page.ids, page.total, page.sent], [[1, 2], 3, ['list * 0-0', 'list acme 0-2', 'list * 0-100']])
  t.strictSame(h.reports, [{ operation: 'listClients', team: FILTER_CHECK_TEAM, dropped: 7, log: true }])
})

t.test('listAcrossTeams ...should take items without developer on trust where the list may leave it out and the filter holds', async t => {
  const h = harness(TEAMS, { itemsWithoutDeveloper: true })
  const trusted = await h.list({ teams: ['acme'], developer: 'acme', readTeam: true })
  t.strictSame([trusted.ids, trusted.sent], [[1, 2, 3], [CHECK, 'list acme 0-10']])
  t.strictSame(h.teamReads, [], 'no client read')
  t.strictSame(h.reports, [])
  const plain = await h.list({ teams: ['acme'], developer: 'acme' })
  t.strictSame([plain.ids, plain.total, plain.sent], [[], 0, [CHECK, 'list acme 0-10', 'list * 0-100']], 'elsewhere such an item is of no team')
  t.strictSame(h.reports, [{ operation: 'listClients', team: 'acme', dropped: 3, log: true }])
  const withGlobex = (fetch: FetchPage): FetchPage => async page => {
    const answer = await fetch(page)
    return page.developer === 'acme' ? { ...answer, data: { ...answer.data, clients: [...answer.data.clients ?? [], client(4, 'globex')] } } : answer
  }
  const foreign = await harness(TEAMS, {}, withGlobex).list({ teams: ['acme'], developer: 'acme', readTeam: true })
  t.strictSame([foreign.ids, foreign.sent], [[1, 2, 3], [CHECK, 'list acme 0-10', 'list * 0-100']], 'an item naming another team is dropped all the same, and the page rebuilt')
})

t.test('listAcrossTeams ...should read the team of each item without developer in the checked scan', async t => {
  const h = harness(TEAMS, { itemsWithoutDeveloper: true, ignoreFilter: true })
  const page = await h.list({ teams: ['globex', 'acme'], readTeam: true })
  t.strictSame([page.ids, page.total, page.totalExact], [[1, 2, 3, 4, 5], 5, undefined])
  t.strictSame(h.teamReads.sort(), ['1', '2', '3', '4', '5', '6', '7'], 'every item of the scan read once')
  const mixed = harness([client(1, 'acme'), client(2, 'globex'), { clientId: 3 }], { ignoreFilter: true })
  const read = await mixed.list({ teams: ['acme'], readTeam: true })
  t.strictSame(read.ids, [1], 'labelled items sorted by their developer')
  t.strictSame(mixed.teamReads, ['3'], 'only the unlabelled one read')
})

t.test('listAcrossTeams ...should read at most SCAN_MAX_CLIENT_READS clients for their team, then give an inexact total', async t => {
  t.equal(SCAN_MAX_CLIENT_READS, 500)
  const unlabelled = (count: number) => Array.from({ length: count }, (_, index) => client(index + 1, index % 2 === 0 ? 'acme' : 'globex'))
  const within = harness(unlabelled(500), { itemsWithoutDeveloper: true, ignoreFilter: true })
  const whole = await within.list({ teams: ['acme'], readTeam: true, limit: 1 })
  t.strictSame([whole.total, whole.totalExact, within.teamReads.length], [250, undefined, 500], 'exactly the budget')
  const over = harness(unlabelled(501), { itemsWithoutDeveloper: true, ignoreFilter: true })
  const cut = await over.list({ teams: ['acme'], readTeam: true, limit: 1 })
  t.strictSame([cut.total, cut.totalExact, over.teamReads.length], [250, false, 500], 'the page past the budget is not read')
  const labelled = harness([...Array.from({ length: 100 }, (_, index) => ({ clientId: index + 1 })), ...unlabelled(500).map(listed => ({ ...listed, clientId: Number(listed.clientId) + 100 }))], { ignoreFilter: true })
  const counted = await labelled.list({ teams: ['acme'], readTeam: true, limit: 1 })
  t.strictSame([counted.total, counted.totalExact, labelled.teamReads.length], [250, undefined, 100], 'only items without developer count')
  const teamless = harness(Array.from({ length: 600 }, (_, index) => client(index + 1, undefined)), { ignoreFilter: true })
  const none = await teamless.list({ teams: ['acme'], limit: 1 })
  t.strictSame([none.total, none.totalExact, teamless.teamReads.length], [0, undefined, 0], 'where items never leave developer out, one without it is of no team and costs no read')
  t.strictSame(cut.sent.slice(3), ['list * 0-100', 'list * 100-200', 'list * 200-300', 'list * 300-400', 'list * 400-500', 'list * 500-600'])
})

t.test('listAcrossTeams ...should scan SCAN_PAGE clients at a time, up to the list\'s total and at most SCAN_MAX_PAGES times', async t => {
  t.equal(SCAN_PAGE, 100)
  t.equal(SCAN_MAX_PAGES, 50)
  const acme = (count: number) => Array.from({ length: count }, (_, index) => client(index + 1, 'acme'))
  const scan = async (clients: AuthleteClient[], options: UpstreamOptions = {}) => {
    const h = harness(clients, { ignoreFilter: true, ...options })
    const { total, totalExact, sent, ids } = await h.list({ teams: ['acme'], developer: 'acme', offset: 195, limit: 10 })
    return { total, totalExact, ids, scans: sent.filter(line => line.startsWith('list * ')) }
  }
  t.strictSame(await scan(acme(200)), { total: 200, totalExact: undefined, ids: ids(196, 200), scans: ['list * 0-100', 'list * 100-200'] }, 'two full pages')
  t.strictSame(await scan(acme(201)), { total: 201, totalExact: undefined, ids: ids(196, 201), scans: ['list * 0-100', 'list * 100-200', 'list * 200-300'] })
  t.strictSame(await scan(acme(150), { claimTotal: 1_000 }), { total: 150, totalExact: undefined, ids: ids(196, 150), scans: ['list * 0-100', 'list * 100-200', 'list * 200-300'] }, 'an empty page ends the list')
  t.strictSame(await scan(acme(150), { claimTotal: 1_000, omitEmptyClients: true }), { total: 150, totalExact: undefined, ids: ids(196, 150), scans: ['list * 0-100', 'list * 100-200', 'list * 200-300'] }, 'so does a page without clients')
  const longest = await scan(acme(5_000))
  t.strictSame([longest.total, longest.totalExact, longest.scans.length], [5_000, undefined, 50], 'fifty pages')
  const longer = await scan(acme(5_001))
  t.strictSame([longer.total, longer.totalExact, longer.scans.length, longer.ids], [5_000, false, 50, ids(196, 205)], 'then it stops, the total a lower bound')
})

t.test('listAcrossTeams ...should take a scan answer that ignores the range only when it is the whole list', async t => {
  const acme = (count: number) => Array.from({ length: count }, (_, index) => client(index + 1, index < 100 ? 'acme' : 'globex'))
  const whole = harness(acme(150), { ignoreFilter: true, ignoreRange: true })
  const page = await whole.list({ teams: ['globex'], offset: 40, limit: 20 })
  t.strictSame([page.ids, page.total, page.totalExact], [ids(141, 150), 50, undefined])
  t.strictSame(page.sent.slice(-1), ['list * 0-100'], 'one answer: the whole list')
  const part = harness(acme(150), { ignoreFilter: true, ignoreRange: true, claimTotal: 151 })
  const cut = await part.list({ teams: ['globex'], offset: 40, limit: 20 })
  t.strictSame([cut.ids, cut.total, cut.totalExact], [ids(141, 150), 50, false], 'not all of it: it cannot be paged on')
})
