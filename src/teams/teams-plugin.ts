import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { teamHooksFor } from './ownership.ts'
import { isTeamName, TEAM_NAME_RULE } from './membership.ts'

export type AccessModel = 'roles' | 'teams'

declare module 'fastify' {
  interface FastifyInstance {
    /** ACCESS_MODEL: `roles` (global roles) or `teams` (roles within the caller's teams, docs/teams.md). */
    accessModel: AccessModel
  }
}

interface TeamsOptions {
  model: AccessModel
  /** Production, with teams from an OIDC or gateway claim and no TEAM_MAP: worth a warning at start. */
  unmappedClaimTeams?: boolean
}

// Where a client's developer is its team: creating one, and moving it (PUT, PATCH).
const SETS_DEVELOPER = new Set(['POST /api/clients', 'PUT /api/clients/:clientId', 'PATCH /api/clients/:clientId'])

// In teams mode every client route gets the team check. It is added from onRoute, after the audit
// trail's own hooks: `before` goes ahead of the audit intent and `after` behind it.
async function teamsPlugin (app: FastifyInstance, { model, unmappedClaimTeams = false }: TeamsOptions): Promise<void> {
  app.decorate('accessModel', model)
  if (model !== 'teams') return
  if (unmappedClaimTeams) {
    app.log.warn('ACCESS_MODEL=teams takes teams from the TEAMS_CLAIM of OIDC or gateway identities without TEAM_MAP: every value of that claim that is a team name is a team, whoever manages the provider\'s groups grants them; set TEAM_MAP to name the teams')
  }
  app.addHook('onRoute', route => {
    const hooks = teamHooksFor(app, route)
    const developerCheck = [route.method].flat().some(method => SETS_DEVELOPER.has(`${method} ${route.url}`)) ? [checkDeveloperName] : []
    if (hooks !== undefined) route.preHandler = [...developerCheck, hooks.before, ...[route.preHandler ?? []].flat(), hooks.after] as never
  })
}

// A new or moved client's team must be a team name; null (PATCH: no team) is the team check's to judge.
async function checkDeveloperName (request: FastifyRequest): Promise<void> {
  const { developer } = request.body as { developer?: unknown }
  if (typeof developer === 'string' && !isTeamName(developer)) throw new errors.TeamNameInvalid(JSON.stringify(developer), TEAM_NAME_RULE)
}

export default fp(teamsPlugin, { name: 'teams', fastify: '5.x', dependencies: ['authlete', 'access', 'audit-trail'] })
