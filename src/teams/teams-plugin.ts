import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { addRouteHook } from '../http/route-hooks.ts'
import { errors } from '../http/errors.ts'
import { teamHooksFor } from './ownership.ts'
import { createFilterViolationReporter, type FilterViolationReporter } from './filter-violations.ts'
import { AliasCache } from './alias-cache.ts'
import { isTeamName, TEAM_NAME_RULE } from './membership.ts'

export type AccessModel = 'roles' | 'teams'

declare module 'fastify' {
  interface FastifyInstance {
    /** ACCESS_MODEL: `roles` (global roles) or `teams` (roles within the caller's teams, docs/teams.md). */
    accessModel: AccessModel
    /** Counts and logs clients of other teams an upstream list answered despite its filter (src/teams/union-pager.ts). */
    reportFilterViolation: FilterViolationReporter
    /** Aliases resolved in teams mode, each verified on use (src/teams/alias-cache.ts). */
    aliasCache: AliasCache
    /** Teams mode: refuses (403) an identity with more than MAX_TEAMS_PER_IDENTITY teams; sign-ins call it before a session exists. */
    refuseTooManyTeams: (teams: readonly string[] | undefined) => void
  }
}

interface TeamsOptions {
  model: AccessModel
  /** MAX_TEAMS_PER_IDENTITY. */
  maxTeams: number
  /** Production, with teams from an OIDC or gateway claim and no TEAM_MAP: worth a warning at start. */
  unmappedClaimTeams?: boolean
}

// Where a client's developer is its team: creating one, and moving it (PUT, PATCH).
const SETS_DEVELOPER = new Set(['POST /api/clients', 'PUT /api/clients/:clientId', 'PATCH /api/clients/:clientId'])

// In teams mode every client route gets the team check, at the write pipeline's `team` stage
// (src/http/write-pipeline.ts): ahead of the route's own preHandlers, so nothing reads the client
// before it; only the developer's name, which reads nothing, is checked before (`team-name`), and
// `keep` runs behind the audit intent (`after-intent`).
async function teamsPlugin (app: FastifyInstance, { model, maxTeams, unmappedClaimTeams = false }: TeamsOptions): Promise<void> {
  app.decorate('accessModel', model)
  app.decorate('reportFilterViolation', createFilterViolationReporter())
  app.decorate('aliasCache', new AliasCache())
  // Each team costs upstream calls on every list page: a claim naming hundreds would multiply them.
  app.decorate('refuseTooManyTeams', (teams: readonly string[] | undefined) => {
    if (model === 'teams' && teams !== undefined && teams.length > maxTeams) throw new errors.TooManyTeams(teams.length, maxTeams)
  })
  if (model !== 'teams') return
  if (unmappedClaimTeams) {
    app.log.warn('ACCESS_MODEL=teams takes teams from the TEAMS_CLAIM of OIDC or gateway identities without TEAM_MAP: every value of that claim that is a team name is a team, whoever manages the provider\'s groups grants them; set TEAM_MAP to name the teams')
  }
  // After the access check, which found the identity: a gateway token, a session or an API token made
  // before the limit was lowered. Logging out stays possible.
  app.addHook('onRequest', async request => {
    if (request.routeOptions.url !== '/auth/logout') app.refuseTooManyTeams(request.identity?.teams)
  })
  app.writePipeline.add('team-name', route => setsDeveloper(route) && teamHooksFor(app, route) !== undefined ? checkDeveloperName : undefined)
  app.writePipeline.add('team', route => teamHooksFor(app, route)?.check)
  app.writePipeline.add('after-intent', route => teamHooksFor(app, route)?.keep)
  app.addHook('onRoute', route => {
    const recordRead = teamHooksFor(app, route)?.recordRead
    if (recordRead !== undefined) addRouteHook(route, 'onResponse', recordRead)
  })
}

function setsDeveloper (route: RouteOptions): boolean {
  return [route.method].flat().some(method => SETS_DEVELOPER.has(`${method} ${route.url}`))
}

// A new or moved client's team must be a team name; null (PATCH: no team) is the team check's to judge.
async function checkDeveloperName (request: FastifyRequest): Promise<void> {
  const { developer } = request.body as { developer?: unknown }
  if (typeof developer === 'string' && !isTeamName(developer)) throw new errors.TeamNameInvalid(JSON.stringify(developer), TEAM_NAME_RULE)
}

export default fp(teamsPlugin, { name: 'teams', fastify: '5.x', dependencies: ['authlete', 'access', 'audit-trail', 'write-pipeline'] })
