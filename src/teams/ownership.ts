import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { errors } from '../http/errors.ts'
import { readClient } from '../clients/current-client.ts'
import { recordDeniedRead } from '../audit/audit-trail.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { EVERY_TEAM, inEveryTeam, inTeam, teamOf } from './membership.ts'
import { resolveAlias } from './alias-cache.ts'

/** What the team check decided before the audit intent; carried out after it (see teamHooksFor). */
interface Ownership {
  refusal?: Error
  /** The refusal is for another team's client (audited as `denied`), not for a missing one. */
  denied?: boolean
  /** The numeric ID an alias resolved to: the write goes to the client that was checked, even if the alias moves meanwhile. */
  pinnedId?: string
  /** PUT: the developer to keep when the body leaves it out, so a full replacement cannot drop the client out of every team. */
  keepDeveloper?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    ownership?: Ownership
  }
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>
type Params = Record<string, string>
type Body = Record<string, unknown>

const CLIENT_PARAM = /\/:(clientId|clientIdentifier)(?=\/|$)/
// Routes that read without an audit action of their own: a refusal there is recorded under these names.
const READ_ACTIONS: Record<string, string> = {
  '/api/clients/:clientId': 'client.read',
  '/api/clients/:clientId/granted-scopes/:subject': 'granted-scopes.read'
}

/**
 * The team check of a client route, as two preHandler hooks around the audit intent: `before` reads
 * the client (the read the route itself reuses) and decides, so the intent carries the target's
 * team; `after` refuses, once the intent is durable, so the refusal is audited, and nothing is forwarded.
 */
export function teamHooksFor (app: FastifyInstance, route: RouteOptions): { before: Hook, after: Hook } | undefined {
  if (route.url === '/api/clients' && route.method === 'POST') return { before: checkCreate, after: carryOut(app, undefined) }
  const param = CLIENT_PARAM.exec(route.url)?.[1]
  if (param === undefined) return undefined
  const moves = route.url === '/api/clients/:clientId' && (route.method === 'PUT' || route.method === 'PATCH')
  return { before: checkClient(app, param, moves), after: carryOut(app, param) }
}

function checkClient (app: FastifyInstance, param: string, moves: boolean): Hook {
  return async request => {
    const teams = request.identity?.teams ?? []
    const identifier = (request.params as Params)[param]!
    const found = await findClient(app, request, identifier, teams)
    if (found === 'unchecked') return
    if (found === undefined) {
      request.ownership = { refusal: new errors.ClientNotFound(identifier) }
      return
    }
    const team = teamOf(found.client)
    request.auditTeam = team
    if (!inTeam(teams, team)) {
      request.ownership = { refusal: new errors.ClientNotFound(identifier), denied: true }
      return
    }
    request.ownership = {
      ...(found.id === identifier ? {} : { pinnedId: found.id }),
      ...(moves ? checkMove(request, teams, team) : {})
    }
  }
}

// Moving a client to another team needs membership of both: the current one was checked already.
function checkMove (request: FastifyRequest, teams: string[], team: string | null): Ownership {
  const wanted = (request.body as Body).developer
  if (wanted === undefined) return request.method === 'PUT' && team !== null ? { keepDeveloper: team } : {}
  if (wanted === team || (typeof wanted === 'string' ? inTeam(teams, wanted) : inEveryTeam(teams))) return {}
  return { refusal: new errors.NotYourTeam(typeof wanted === 'string' ? wanted : 'none (developer removed)'), denied: true }
}

// Create: developer defaults to the caller's only team, is required with several, and must be one of theirs.
async function checkCreate (request: FastifyRequest): Promise<void> {
  const teams = request.identity?.teams ?? []
  const body = request.body as Body
  if (body.developer === undefined) {
    if (teams.length === 0) throw new errors.NoTeam()
    if (teams.length > 1 || teams[0] === EVERY_TEAM) throw new errors.DeveloperRequired(teams.join(', '))
    body.developer = teams[0]
  }
  const team = body.developer as string
  request.auditTeam = team
  if (!inTeam(teams, team)) request.ownership = { refusal: new errors.NotYourTeam(team), denied: true }
}

function carryOut (app: FastifyInstance, param: string | undefined): Hook {
  return async (request, reply) => {
    const ownership = request.ownership
    if (ownership === undefined) return
    if (ownership.refusal !== undefined) {
      request.auditDenied = ownership.denied === true
      const readAction = READ_ACTIONS[request.routeOptions.url ?? '']
      if (request.auditDenied && readAction !== undefined) {
        await recordDeniedRead(app.auditTrail, request, reply, readAction, 404).catch((error: unknown) => {
          request.log.error({ err: error }, 'audit trail: refused read not recorded')
        })
      }
      throw ownership.refusal
    }
    if (param !== undefined && ownership.pinnedId !== undefined) (request.params as Params)[param] = ownership.pinnedId
    if (ownership.keepDeveloper !== undefined) (request.body as Body).developer = ownership.keepDeveloper
  }
}

/**
 * The client an identifier names, or undefined when there is none. A numeric ID is read directly; an
 * alias is resolved among the caller's teams' clients (alias-cache.ts). A `*` member
 * may act on any client, so an alias of theirs is left to Authlete: 'unchecked'.
 */
async function findClient (app: FastifyInstance, request: FastifyRequest, identifier: string, teams: string[]): Promise<{ id: string, client: AuthleteClient } | undefined | 'unchecked'> {
  if (/^[0-9]+$/.test(identifier)) {
    try {
      return { id: identifier, client: (await readClient(app.authlete, request, identifier)).data }
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined
      throw error
    }
  }
  if (inEveryTeam(teams)) return 'unchecked'
  return await resolveAlias(app, request, identifier, teams)
}
