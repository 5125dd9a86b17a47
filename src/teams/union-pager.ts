import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import type { AuthleteClient, ClientList, Page } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { inEveryTeam, inTeam, teamOf } from './membership.ts'

export type FetchPage = (page: Page) => Promise<UpstreamAnswer<ClientList>>
export interface ClientSlice {
  clients: AuthleteClient[]
  total: number
  /** Present (false) when the total could not be verified: the upstream ignored its filter and the checked scan stopped at its limit. */
  totalExact?: false
}

export interface ClientListing {
  /** The upstream operation, as metrics and logs name it. */
  operation: string
  developer: string | undefined
  offset: number
  limit: number
  fetch: FetchPage
  /**
   * Lists whose items may leave out `developer` (API 3.0's authorized clients): reads a client's team.
   * Without it an item without `developer` belongs to no team.
   */
  readTeam?: (clientId: string) => Promise<string | null>
}

/** How many clients the checked scan asks for at a time, and at most how many times per request. */
export const SCAN_PAGE = 100
export const SCAN_MAX_PAGES = 50
/** At most how many clients the checked scan reads one by one for their team (items without `developer`). */
export const SCAN_MAX_CLIENT_READS = 500
/**
 * Asked alongside every checked list: a team nobody should have (a team of that name would only make
 * every list take the checked scan), so an upstream that keeps to the filter counts 0 clients for
 * it, and one that ignores it counts its whole list.
 */
export const FILTER_CHECK_TEAM = 'authlete-bff:filter-check'

/**
 * One page of a client list as the caller may see it. Roles mode, or a `*` member without a
 * `developer` filter: Authlete's own page. Otherwise the `developer` team's page, or the union of the
 * caller's teams, ordered by team, then as Authlete lists each team's clients; every client is
 * checked against the team asked for, whatever the upstream (or a cache between) did with the filter.
 */
export async function listAcrossTeams (app: FastifyInstance, request: FastifyRequest, listing: ClientListing): Promise<ClientSlice> {
  const { developer, offset, limit, fetch } = listing
  if (app.accessModel === 'teams') {
    const teams = request.identity?.teams ?? []
    if (developer !== undefined && !inTeam(teams, developer)) throw new errors.NotYourTeam(developer)
    if (developer !== undefined || !inEveryTeam(teams)) {
      const report = (team: string, dropped: number) => { app.reportFilterViolation(request.log, listing.operation, team, dropped) }
      const fetchTeam = checkedFetch(fetch, listing.readTeam !== undefined, report)
      const shown = developer === undefined ? [...teams].sort() : [developer]
      const [filterHolds, page] = await Promise.all([
        fetchTeam(FILTER_CHECK_TEAM, 0, 0).then(answer => answer.trusted && answer.total === 0),
        developer === undefined ? unionPage(shown, offset, limit, fetchTeam) : teamPage(developer, offset, limit, fetchTeam)
      ])
      return filterHolds && page !== undefined ? page : await checkedScan(shown, offset, limit, listing)
    }
  }
  const { data } = await fetch({ developer, start: offset, end: offset + limit })
  return { clients: data.clients ?? [], total: data.totalCount }
}

/** One team's range, its clients checked: `trusted` when the upstream kept to the filter and the range, so its total and positions hold. */
type TeamFetch = (team: string, start: number, end: number) => Promise<{ clients: AuthleteClient[], total: number, trusted: boolean }>

// In a list whose items may leave `developer` out, such an item passes here only when the filter
// check holds (the item cannot say more); the checked scan reads its team. Elsewhere an item without
// `developer` belongs to no team. Clients the filter check counts are all foreign.
function checkedFetch (fetch: FetchPage, itemsMayOmitTeam: boolean, report: (team: string, dropped: number) => void): TeamFetch {
  return async (team, start, end) => {
    const { data } = await fetch({ developer: team, start, end })
    const received = data.clients ?? []
    const clients = received.filter(client => (itemsMayOmitTeam && !('developer' in client)) || teamOf(client) === team)
    const dropped = team === FILTER_CHECK_TEAM ? data.totalCount : received.length - clients.length
    if (dropped > 0) report(team, dropped)
    return { clients, total: data.totalCount, trusted: dropped === 0 && received.length <= end - start }
  }
}

async function teamPage (team: string, offset: number, limit: number, fetchTeam: TeamFetch): Promise<ClientSlice | undefined> {
  const { clients, total, trusted } = await fetchTeam(team, offset, offset + limit)
  return trusted ? { clients, total } : undefined
}

/**
 * Pages through the concatenation of several teams' lists: each team's total first (an empty range
 * of each list), then only the slices of the teams the page overlaps, all in parallel. A client
 * added or removed between the two steps shifts the page by that much, as in any offset paging.
 * An answer the upstream did not keep to its filter makes every position doubtful: undefined, so the page is rebuilt.
 */
async function unionPage (teams: string[], offset: number, limit: number, fetchTeam: TeamFetch): Promise<ClientSlice | undefined> {
  const totals = await Promise.all(teams.map(team => fetchTeam(team, 0, 0)))
  if (totals.some(answer => !answer.trusted)) return undefined
  const slices: Array<ReturnType<TeamFetch>> = []
  let base = 0
  teams.forEach((team, index) => {
    const count = totals[index]!.total
    const from = Math.max(offset, base)
    const to = Math.min(offset + limit, base + count)
    if (from < to) slices.push(fetchTeam(team, from - base, to - base))
    base += count
  })
  const answers = await Promise.all(slices)
  if (answers.some(answer => !answer.trusted)) return undefined
  return { clients: answers.flatMap(answer => answer.clients), total: base }
}

/**
 * The page rebuilt without trusting the upstream's filter: its whole list, unfiltered (an upstream
 * that ignores the filter sends that anyway, so one pass serves every team), read SCAN_PAGE clients at
 * a time and sorted into the caller's teams here (an item without `developer` by reading its client).
 * The page is then full and the total exact, unless the list is longer than SCAN_MAX_PAGES reads,
 * needs more than SCAN_MAX_CLIENT_READS client reads, or cannot be paged: then `totalExact: false`.
 */
async function checkedScan (teams: string[], offset: number, limit: number, { fetch, readTeam }: ClientListing): Promise<ClientSlice> {
  const byTeam = new Map<string, AuthleteClient[]>(teams.map(team => [team, []]))
  let clientReads = 0
  // Sorts a page into the caller's teams; false when its teams cannot all be known within the read budget.
  const keep = async (clients: AuthleteClient[]): Promise<boolean> => {
    const unlabelled = readTeam === undefined ? 0 : clients.filter(client => !('developer' in client)).length
    if (clientReads + unlabelled > SCAN_MAX_CLIENT_READS) return false
    clientReads += unlabelled
    const owners = await Promise.all(clients.map(async client => readTeam === undefined || 'developer' in client ? teamOf(client) : await readTeam(jsonScalarText(client.clientId))))
    clients.forEach((client, index) => byTeam.get(owners[index] ?? '')?.push(client))
    return true
  }
  let complete = false
  for (let start = 0, reads = 0; reads < SCAN_MAX_PAGES; start += SCAN_PAGE, reads++) {
    const { data } = await fetch({ start, end: start + SCAN_PAGE })
    const clients = data.clients ?? []
    if (!await keep(clients)) break
    if (clients.length > SCAN_PAGE) {
      // The range was ignored too: the answer cannot be paged on, and is all there is only when it is the whole list.
      complete = clients.length >= data.totalCount
      break
    }
    if (clients.length === 0 || start + SCAN_PAGE >= data.totalCount) {
      complete = true
      break
    }
  }
  const union = teams.flatMap(team => byTeam.get(team)!)
  return { clients: union.slice(offset, offset + limit), total: union.length, ...(complete ? {} : { totalExact: false as const }) }
}
