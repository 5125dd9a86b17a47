import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { addRouteHook } from '../http/route-hooks.ts'
import { teamHooksFor } from './ownership.ts'

export type AccessModel = 'roles' | 'teams'

declare module 'fastify' {
  interface FastifyInstance {
    /** ACCESS_MODEL: `roles` (global roles) or `teams` (roles within the caller's teams, docs/teams.md). */
    accessModel: AccessModel
  }
}

// In teams mode every client route gets the team check. It is added from onRoute, after the route's
// own preHandlers and the audit trail's: `check` goes ahead of them all (nothing reads the client
// before it), `keep` behind the audit intent.
async function teamsPlugin (app: FastifyInstance, { model }: { model: AccessModel }): Promise<void> {
  app.decorate('accessModel', model)
  if (model !== 'teams') return
  app.addHook('onRoute', route => {
    const hooks = teamHooksFor(app, route)
    if (hooks === undefined) return
    route.preHandler = [hooks.check, ...[route.preHandler ?? []].flat(), ...(hooks.keep === undefined ? [] : [hooks.keep])] as never
    if (hooks.recordRead !== undefined) addRouteHook(route, 'onResponse', hooks.recordRead)
  })
}

export default fp(teamsPlugin, { name: 'teams', fastify: '5.x', dependencies: ['authlete', 'access', 'audit-trail'] })
