import type { FastifyInstance, FastifyRequest } from 'fastify'
import { readClient } from '../clients/current-client.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { inEveryTeam, inTeam, teamOf } from './membership.ts'

const ALIAS_SCAN_PAGE = 100
/** Entries kept per replica: measured 6.3 MiB full with the longest aliases (128) and team names (100). */
export const ALIAS_CACHE_SIZE = 10_000

/** Where an alias pointed when it was last resolved: the client's numeric ID and its team then. */
export interface AliasEntry { id: string, team: string | null }

/**
 * Alias to numeric ID, bounded: past `capacity` the least recently used entry goes. An entry is a
 * hint, never an answer: every use is verified against the client itself (resolveAlias).
 */
export class AliasCache {
  readonly #entries = new Map<string, AliasEntry>()
  readonly capacity: number

  constructor (capacity = ALIAS_CACHE_SIZE) {
    this.capacity = capacity
  }

  get size (): number {
    return this.#entries.size
  }

  get (alias: string): AliasEntry | undefined {
    const entry = this.#entries.get(alias)
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    if (entry !== undefined) this.set(alias, entry)
    return entry
  }

  set (alias: string, entry: AliasEntry): void {
    this.#entries.delete(alias)
    this.#entries.set(alias, entry)
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!)
  }

  delete (alias: string): void {
    this.#entries.delete(alias)
  }
}

type Found = { id: string, client: AuthleteClient } | undefined

/**
 * The client an alias names among the caller's teams. A cached entry of one of the caller's teams
 * costs one read of that client by numeric ID, used only if the client still has that alias, enabled,
 * and is still in the caller's teams; anything else (a stale entry, another team's, none) is the
 * scan of the caller's teams' lists, whose result is cached. Another team's entry is never read, so a
 * caller cannot tell by timing that an alias exists elsewhere.
 */
export async function resolveAlias (app: FastifyInstance, request: FastifyRequest, alias: string, teams: string[]): Promise<Found> {
  const cached = app.aliasCache.get(alias)
  if (cached !== undefined && inTeam(teams, cached.team)) {
    const client = await readIfPresent(app, request, cached.id)
    if (client !== undefined && client.clientIdAlias === alias && client.clientIdAliasEnabled === true) {
      if (inTeam(teams, teamOf(client))) return { id: cached.id, client }
      app.aliasCache.set(alias, { id: cached.id, team: teamOf(client) })
    } else {
      app.aliasCache.delete(alias)
    }
  }
  const found = await scanTeams(app, request, alias, teams)
  if (found !== undefined) app.aliasCache.set(alias, { id: found.id, team: teamOf(found.client) })
  return found
}

async function readIfPresent (app: FastifyInstance, request: FastifyRequest, id: string): Promise<AuthleteClient | undefined> {
  try {
    return (await readClient(app.authlete, request, id)).data
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined
    throw error
  }
}

// The read takes numeric IDs only: an alias is looked for in the caller's teams' lists (every client for a `*` member).
async function scanTeams (app: FastifyInstance, request: FastifyRequest, alias: string, teams: string[]): Promise<Found> {
  for (const developer of inEveryTeam(teams) ? [undefined] : [...teams].sort()) {
    for (let start = 0; ; start += ALIAS_SCAN_PAGE) {
      const { data } = await app.authlete.listClients(request.upstreamCalls, { developer, start, end: start + ALIAS_SCAN_PAGE })
      const clients = data.clients ?? []
      const client = clients.find(candidate => candidate.clientIdAlias === alias && candidate.clientIdAliasEnabled === true)
      if (client !== undefined) return { id: jsonScalarText(client.clientId), client }
      if (clients.length === 0 || start + ALIAS_SCAN_PAGE >= data.totalCount) break
    }
  }
  return undefined
}
