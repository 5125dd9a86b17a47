import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AuthleteClient, ClientList, Page } from '../../src/upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../../src/upstream/authlete-client.ts'
import type { NewEntry } from '../../src/audit/audit-types.ts'
import type { Identity } from '../../src/auth/identity.ts'

// Small real objects for the unit tests of src/teams: the modules take the app and the request for a
// few of their members (the upstream's reads, the alias cache, the audit trail), given here without
// starting an app. Each records what was asked of it, as the upstream log of the app tests does.

export interface UpstreamOptions {
  /** Answer every list unfiltered, as a misbehaving upstream (or a cache between) may. */
  ignoreFilter?: boolean
  /** Answer every list whole, whatever range was asked. */
  ignoreRange?: boolean
  /** The totalCount of every list, whatever it holds (a list changing under the pager, a broken cache). */
  claimTotal?: number
  /** Leave `clients` out of an empty list, as Authlete may. */
  omitEmptyClients?: boolean
  /** List items without `developer` (API 3.0's authorized clients), though the filter applies. */
  itemsWithoutDeveloper?: boolean
  /** A read of these IDs fails with this status (not a 404: an upstream fault). */
  failReads?: Record<string, number>
}

/** Authlete's client reads and lists over a list of clients, in the order it keeps them. */
export function memoryUpstream (clients: AuthleteClient[], options: UpstreamOptions = {}) {
  const sent: string[] = []
  const answer = <T>(data: T): UpstreamAnswer<T> => ({ status: 200, data, bytes: Buffer.from(JSON.stringify(data)) })
  const list = (page: Page): UpstreamAnswer<ClientList> => {
    sent.push(`list ${page.developer ?? '*'} ${page.start}-${page.end}`)
    const listed = clients.filter(client => options.ignoreFilter === true || page.developer === undefined || client.developer === page.developer)
    const shown = structuredClone(options.ignoreRange === true ? listed : listed.slice(page.start, page.end))
    if (options.itemsWithoutDeveloper === true) for (const item of shown) delete item.developer
    const totalCount = options.claimTotal ?? listed.length
    if (shown.length === 0 && options.omitEmptyClients === true) return answer({ start: page.start, end: page.end, totalCount } as ClientList)
    return answer({ start: page.start, end: page.end, totalCount, clients: shown })
  }
  const api = {
    getClient: async (_calls: unknown, clientId: string): Promise<UpstreamAnswer<AuthleteClient>> => {
      sent.push(`read ${clientId}`)
      const failure = options.failReads?.[clientId]
      if (failure !== undefined) throw Object.assign(new Error(`upstream failed ${failure}`), { statusCode: failure })
      const client = clients.find(candidate => String(candidate.clientId) === clientId)
      if (client === undefined) throw Object.assign(new Error(`no client ${clientId}`), { statusCode: 404 })
      return answer(structuredClone(client))
    },
    listClients: async (_calls: unknown, page: Page) => list(page)
  }
  /** What was asked since the last call, as `read <id>` and `list <developer or *> <start>-<end>`. */
  const take = (): string[] => sent.splice(0)
  return { api, clients, take, fetch: async (page: Page) => list(page) }
}

export function client (clientId: number, developer: string | undefined, more: Partial<AuthleteClient> = {}): AuthleteClient {
  return { clientId, clientName: `client ${clientId}`, ...(developer === undefined ? {} : { developer }), ...more } as AuthleteClient
}

/** The audit entries appended, and log lines written, through the fake app and request. */
export function collectors () {
  const entries: NewEntry[] = []
  const logged: Array<{ level: string, object: unknown, message: string }> = []
  const log = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map(level => [level, (object: unknown, message: string) => { logged.push({ level, object, message }) }]))
  return { entries, logged, log: { ...log, child: () => log } }
}

export function identity (teams: string[] | undefined, username = 'alice', source: Identity['source'] = 'local'): Identity {
  return { source, username, roles: ['admin'], via: 'session', credential: null, ...(teams === undefined ? {} : { teams }) }
}

interface RequestInit {
  app: object
  identity?: Identity | null
  method?: string
  url?: string
  params?: Record<string, string>
  body?: unknown
  /** The route's audit action (config.audit), if it has one. */
  audit?: string
  log?: object
}

/** A request as the hooks see it: the members the plugins decorate it with, at their defaults. */
export function fakeRequest ({ app, identity = null, method = 'GET', url = '/api/clients/:clientId', params = {}, body, audit, log = collectors().log }: RequestInit): FastifyRequest {
  return {
    id: 'req-1',
    server: app,
    identity,
    method,
    url,
    routeOptions: { url, config: audit === undefined ? {} : { audit } },
    params,
    body,
    headers: {},
    ip: '192.0.2.1',
    log,
    upstreamCalls: [],
    clientChange: null,
    auditTarget: null,
    auditTeam: null,
    auditDenied: false,
    auditClientAlias: null,
    auditPolicy: null,
    changeRequestLink: null
  } as unknown as FastifyRequest
}

export function fakeReply (): FastifyReply {
  const reply = {
    statusCode: 200,
    elapsedTime: 1.5,
    code (status: number) { reply.statusCode = status; return reply }
  }
  return reply as unknown as FastifyReply
}

export const asApp = (app: object): FastifyInstance => app as unknown as FastifyInstance
