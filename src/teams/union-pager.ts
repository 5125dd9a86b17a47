import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import type { AuthleteClient, ClientList, Page } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { inEveryTeam, inTeam } from './membership.ts'

export type FetchPage = (page: Page) => Promise<UpstreamAnswer<ClientList>>
export interface ClientSlice { clients: AuthleteClient[], total: number }

/**
 * One page of a client list as the caller may see it. Roles mode, a `*` member, or a `developer`
 * filter naming one of the caller's teams: Authlete's own page. Otherwise the union of the caller's
 * teams, ordered by team, then as Authlete lists each team's clients.
 */
export async function listAcrossTeams (app: FastifyInstance, request: FastifyRequest, developer: string | undefined, offset: number, limit: number, fetch: FetchPage): Promise<ClientSlice> {
  if (app.accessModel === 'teams') {
    const teams = request.identity?.teams ?? []
    if (developer !== undefined && !inTeam(teams, developer)) throw new errors.NotYourTeam(developer)
    if (developer === undefined && !inEveryTeam(teams)) return await unionPage([...teams].sort(), offset, limit, fetch)
  }
  const { data } = await fetch({ developer, start: offset, end: offset + limit })
  return { clients: data.clients ?? [], total: data.totalCount }
}

/**
 * Pages through the concatenation of several teams' lists: each team's total first (an empty range
 * of each list), then only the slices of the teams the page overlaps, all in parallel. A client
 * added or removed between the two steps shifts the page by that much, as in any offset paging.
 */
export async function unionPage (teams: string[], offset: number, limit: number, fetch: FetchPage): Promise<ClientSlice> {
  const totals = await Promise.all(teams.map(async team => (await fetch({ developer: team, start: 0, end: 0 })).data.totalCount))
  const slices: Array<Promise<AuthleteClient[]>> = []
  let base = 0
  teams.forEach((team, index) => {
    const count = totals[index]!
    const from = Math.max(offset, base)
    const to = Math.min(offset + limit, base + count)
    if (from < to) slices.push(fetch({ developer: team, start: from - base, end: to - base }).then(({ data }) => data.clients ?? []))
    base += count
  })
  return { clients: (await Promise.all(slices)).flat(), total: base }
}
