import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { inEveryTeam, inTeam, teamOf } from '../teams/membership.ts'
import { indexedClient, matchedFields, matches, type ClientIndex, type IndexedClient, type SearchedField } from './client-index.ts'

export const SearchText = Type.String({
  minLength: 1,
  maxLength: 200,
  // Some text besides spaces; no control character (the index separates fields with NUL).
  pattern: '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$',
  description: 'Search: clients whose name, alias, client ID, developer (team) or a redirect URI\'s host contains this text, case-insensitively. The answer carries `index` (how old the searched index is); its clients carry those fields only, plus `matchedIn`'
})

export const IndexState = Type.Object({
  ageSeconds: Type.Union([Type.Integer(), Type.Null()], { description: 'Seconds since the index last read the whole client list (the proxy\'s own writes show at once); null before the first read completed' }),
  complete: Type.Boolean({ description: 'false until this replica has read the whole client list once: until then a search finds only the clients read so far' }),
  clients: Type.Integer({ description: 'Clients in this replica\'s index' })
}, { description: 'With ?q= only: the state of the index the search ran on' })

/** The header that tells a script the index's age without reading the body (absent before the first complete fill). */
export const INDEX_AGE_HEADER = 'x-search-index-age'

export interface SearchQuery { q: string, developer: string | undefined, offset: number, limit: number }

/** How many times a page whose clients moved team (another replica's writes) is searched again before the stale ones are just left out. */
const VERIFY_ROUNDS = 3

/**
 * A page of the clients matching `q` among those the caller may see. Teams mode, for a member of
 * some teams: the page's clients are read again (one read each, at once) and any no longer in the
 * caller's teams is left out, so an index older than another replica's move never shows another
 * team's client; the index learns what was read.
 */
export async function searchClients (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, { q, developer, offset, limit }: SearchQuery) {
  await app.useClientIndex()
  const index = app.clientIndex
  const teams = request.identity?.teams ?? []
  const scoped = app.accessModel === 'teams' && !inEveryTeam(teams)
  if (app.accessModel === 'teams' && developer !== undefined && !inTeam(teams, developer)) throw new errors.NotYourTeam(developer)
  const visible = (team: string | null) => (developer === undefined || team === developer) && (!scoped || inTeam(teams, team))
  let found = matching(index, q.toLowerCase(), visible)
  let page = found.slice(offset, offset + limit)
  for (let round = 1; page.length > 0; round++) {
    if (!scoped) break
    const kept = await stillVisible(app, request, page, visible)
    if (kept.length === page.length || round === VERIFY_ROUNDS) {
      page = kept
      break
    }
    found = matching(index, q.toLowerCase(), visible)
    page = found.slice(offset, offset + limit)
  }
  const ageSeconds = index.builtAt === undefined ? null : Math.max(0, Math.floor((Date.now() - index.builtAt) / 1000))
  if (ageSeconds !== null) reply.header(INDEX_AGE_HEADER, String(ageSeconds))
  return {
    clients: page.map(entry => answerOf(entry, matchedFields(entry, q.toLowerCase()))),
    total: found.length,
    offset,
    limit,
    index: { ageSeconds, complete: index.complete, clients: index.size }
  }
}

// In the index's answer order already: no sorting per search.
function matching (index: ClientIndex, folded: string, visible: (team: string | null) => boolean): IndexedClient[] {
  return index.sorted().filter(entry => visible(entry.developer) && matches(entry, folded))
}

// Reads each client of the page again: the ones still there and still the caller's, as they now are.
async function stillVisible (app: FastifyInstance, request: FastifyRequest, page: IndexedClient[], visible: (team: string | null) => boolean): Promise<IndexedClient[]> {
  const hits = await Promise.all(page.map(async (entry): Promise<IndexedClient | undefined> => {
    try {
      const { data } = await app.authlete.getClient(request.upstreamCalls, entry.clientId)
      app.clientIndex.put(data)
      return visible(teamOf(data)) ? indexedClient(data) : undefined
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error
      app.clientIndex.remove(entry.clientId)
      return undefined
    }
  }))
  return hits.filter(hit => hit !== undefined)
}

function answerOf (entry: IndexedClient, matchedIn: SearchedField[]) {
  return {
    // Digit for digit, as Authlete sent it (int64).
    clientId: (JSON as unknown as { rawJSON: (text: string) => number }).rawJSON(entry.clientId),
    ...(entry.clientName === null ? {} : { clientName: entry.clientName }),
    ...(entry.clientIdAlias === null ? {} : { clientIdAlias: entry.clientIdAlias }),
    ...(entry.developer === null ? {} : { developer: entry.developer }),
    redirectUriHosts: entry.redirectUriHosts,
    matchedIn
  }
}
