import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { errors } from '../http/errors.ts'
import { readClient } from '../clients/current-client.ts'
import { recordRefusedRead } from '../audit/audit-trail.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { EVERY_TEAM, inEveryTeam, inTeam, teamOf } from './membership.ts'
import { resolveAlias } from './alias-cache.ts'

/** What the team check decided, for the hooks that run after it (see teamHooksFor). */
interface Ownership {
  /** The call was refused: another team's client (request.auditDenied), a missing one, or a move out of the caller's teams. */
  refused?: boolean
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

/** The team check of one route: `check` goes first of its preHandlers, `keep` last, `recordRead` on its response. */
export interface TeamHooks {
  check: Hook
  keep?: Hook
  recordRead?: Hook
}

const CLIENT_PARAM = /\/:(clientId|clientIdentifier)(?=\/|$)/
// Routes that read without an audit action of their own: a refusal there is recorded under these names.
const READ_ACTIONS: Record<string, string> = {
  'GET /api/clients/:clientId': 'client.read',
  'GET /api/clients/:clientId/granted-scopes/:subject': 'granted-scopes.read'
}

/**
 * The team check of a client route. `check` runs before every other preHandler, so nothing that reads
 * the client (PUT's round trip, If-Match) can answer before it: another team's client and a missing
 * one get the same 404, whatever the request carries. It reads the client once (the read the route
 * reuses), pins an alias to the numeric ID it found, and refuses at once, after recording the intent
 * of an audited route (its outcome follows in onSend, as for any call). A refused read (a route with
 * no audit action) is recorded once the answer is sent, so a denied read takes no longer than a missing one.
 */
export function teamHooksFor (app: FastifyInstance, route: RouteOptions): TeamHooks | undefined {
  if (route.url === '/api/clients' && route.method === 'POST') return { check: checkCreate(app) }
  const param = CLIENT_PARAM.exec(route.url)?.[1]
  if (param === undefined) return undefined
  const whole = route.url === '/api/clients/:clientId'
  const readAction = READ_ACTIONS[`${String(route.method)} ${route.url}`]
  return {
    check: checkClient(app, param, whole && (route.method === 'PUT' || route.method === 'PATCH')),
    ...(whole && route.method === 'PUT' ? { keep: keepDeveloper } : {}),
    ...(readAction === undefined ? {} : { recordRead: recordRead(app, readAction) })
  }
}

function checkClient (app: FastifyInstance, param: string, moves: boolean): Hook {
  return async (request, reply) => {
    const teams = request.identity?.teams ?? []
    const params = request.params as Params
    const identifier = params[param]!
    const found = await findClient(app, request, identifier, teams)
    if (found === undefined) return await refuse(app, request, reply, new errors.ClientNotFound(identifier), false)
    const team = teamOf(found.client)
    request.auditTeam = team
    if (!inTeam(teams, team)) return await refuse(app, request, reply, new errors.ClientNotFound(identifier), true)
    if (found.id !== identifier) {
      // The call goes to the client that was checked, even if the alias moves meanwhile, and is recorded under its ID.
      params[param] = found.id
      request.auditClientAlias = identifier
    }
    if (moves) await checkMove(app, request, reply, teams, team)
  }
}

// Moving a client to another team needs membership of both: the current one was checked already.
async function checkMove (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, teams: string[], team: string | null): Promise<void> {
  const wanted = (request.body as Body).developer
  if (wanted === undefined) {
    if (request.method === 'PUT' && team !== null) request.ownership = { keepDeveloper: team }
    return
  }
  if (wanted === team || (typeof wanted === 'string' ? inTeam(teams, wanted) : inEveryTeam(teams))) return
  await refuse(app, request, reply, new errors.NotYourTeam(typeof wanted === 'string' ? wanted : 'none (developer removed)'), true)
}

// Create: developer defaults to the caller's only team, is required with several, and must be one of theirs.
function checkCreate (app: FastifyInstance): Hook {
  return async (request, reply) => {
    const teams = request.identity?.teams ?? []
    const body = request.body as Body
    if (body.developer === undefined) {
      if (teams.length === 0) throw new errors.NoTeam()
      if (teams.length > 1 || teams[0] === EVERY_TEAM) throw new errors.DeveloperRequired(teams.join(', '))
      body.developer = teams[0]
    }
    const team = body.developer as string
    request.auditTeam = team
    if (!inTeam(teams, team)) await refuse(app, request, reply, new errors.NotYourTeam(team), true)
  }
}

/**
 * Refuses the call. An audited route records its intent first (the refusal is then audited like any
 * call, under one request key, before the caller is answered); a read is recorded by `recordRead`.
 */
async function refuse (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, refusal: Error, denied: boolean): Promise<never> {
  request.ownership = { refused: true }
  request.auditDenied = denied
  if (request.routeOptions.config.audit !== undefined) await app.recordAuditIntent(request, reply)
  throw refusal
}

// Runs after the audit intent: what it records is the body as sent; what is forwarded keeps the team.
async function keepDeveloper (request: FastifyRequest): Promise<void> {
  const kept = request.ownership?.keepDeveloper
  if (kept !== undefined) (request.clientChange?.after ?? request.body as Body).developer = kept
}

function recordRead (app: FastifyInstance, action: string): Hook {
  return async (request, reply) => {
    if (request.ownership?.refused !== true) return
    await recordRefusedRead(app.auditTrail, request, reply, action).catch((error: unknown) => {
      request.log.error({ err: error }, 'audit trail: refused read not recorded')
    })
  }
}

/**
 * The client an identifier names, or undefined when there is none. A numeric ID is read directly; an
 * alias is resolved among the caller's teams' clients (alias-cache.ts; every client for a `*` member).
 */
async function findClient (app: FastifyInstance, request: FastifyRequest, identifier: string, teams: string[]): Promise<{ id: string, client: AuthleteClient } | undefined> {
  if (/^[0-9]+$/.test(identifier)) {
    try {
      return { id: identifier, client: (await readClient(app.authlete, request, identifier)).data }
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined
      throw error
    }
  }
  return await resolveAlias(app, request, identifier, teams)
}
