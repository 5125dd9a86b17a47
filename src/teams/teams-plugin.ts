import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { addRouteHook } from '../http/route-hooks.ts'
import { teamHooksFor } from './ownership.ts'
import { createFilterViolationReporter, type FilterViolationReporter } from './filter-violations.ts'
import { AliasCache } from './alias-cache.ts'
import { errors } from '../http/errors.ts'

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

// In teams mode every client route gets the team check. It is added from onRoute, after the route's
// own preHandlers and the audit trail's: `check` goes ahead of them all (nothing reads the client
// before it), `keep` behind the audit intent.
async function teamsPlugin (app: FastifyInstance, { model, maxTeams }: { model: AccessModel, maxTeams: number }): Promise<void> {
  app.decorate('accessModel', model)
  app.decorate('reportFilterViolation', createFilterViolationReporter())
  app.decorate('aliasCache', new AliasCache())
  // Each team costs upstream calls on every list page: a claim naming hundreds would multiply them.
  app.decorate('refuseTooManyTeams', (teams: readonly string[] | undefined) => {
    if (model === 'teams' && teams !== undefined && teams.length > maxTeams) throw new errors.TooManyTeams(teams.length, maxTeams)
  })
  if (model !== 'teams') return
  // After the access check, which found the identity: a gateway token, a session or an API token made
  // before the limit was lowered. Logging out stays possible.
  app.addHook('onRequest', async request => {
    if (request.routeOptions.url !== '/auth/logout') app.refuseTooManyTeams(request.identity?.teams)
  })
  app.addHook('onRoute', route => {
    const hooks = teamHooksFor(app, route)
    if (hooks === undefined) return
    route.preHandler = [hooks.check, ...[route.preHandler ?? []].flat(), ...(hooks.keep === undefined ? [] : [hooks.keep])] as never
    if (hooks.recordRead !== undefined) addRouteHook(route, 'onResponse', hooks.recordRead)
  })
}

export default fp(teamsPlugin, { name: 'teams', fastify: '5.x', dependencies: ['authlete', 'access', 'audit-trail'] })
