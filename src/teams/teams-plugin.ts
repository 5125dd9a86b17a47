import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { teamHooksFor } from './ownership.ts'
import { createFilterViolationReporter, type FilterViolationReporter } from './filter-violations.ts'

export type AccessModel = 'roles' | 'teams'

declare module 'fastify' {
  interface FastifyInstance {
    /** ACCESS_MODEL: `roles` (global roles) or `teams` (roles within the caller's teams, docs/teams.md). */
    accessModel: AccessModel
    /** Counts and logs clients of other teams an upstream list answered despite its filter (src/teams/union-pager.ts). */
    reportFilterViolation: FilterViolationReporter
  }
}

// In teams mode every client route gets the team check. It is added from onRoute, after the audit
// trail's own hooks: `before` goes ahead of the audit intent and `after` behind it.
async function teamsPlugin (app: FastifyInstance, { model }: { model: AccessModel }): Promise<void> {
  app.decorate('accessModel', model)
  app.decorate('reportFilterViolation', createFilterViolationReporter())
  if (model !== 'teams') return
  app.addHook('onRoute', route => {
    const hooks = teamHooksFor(app, route)
    if (hooks !== undefined) route.preHandler = [hooks.before, ...[route.preHandler ?? []].flat(), hooks.after] as never
  })
}

export default fp(teamsPlugin, { name: 'teams', fastify: '5.x', dependencies: ['authlete', 'access', 'audit-trail'] })
