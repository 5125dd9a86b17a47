import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addRouteHook } from '../http/route-hooks.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audited action a mutating route performs; every mutating route must name one. */
    audit?: string
    /**
     * For a route whose body decides what it does (a lock that unlocks): the action it performs,
     * from the validated body. `audit` stays the route's static name for the hooks that only ask
     * whether a route is audited (idempotency, rate limits, teams).
     */
    auditFromBody?: (body: unknown) => string
  }
}

/** The action a request performs: its route's `auditFromBody` of the body when it has one, else its `audit`. */
export function auditActionOf (request: FastifyRequest): string | undefined {
  const { audit, auditFromBody } = request.routeOptions.config
  return auditFromBody === undefined ? audit : auditFromBody(request.body)
}

const TARGET_PARAMS = ['clientId', 'clientIdentifier', 'subject'] as const

// One structured line per mutating call, for log pipelines. Bodies are never logged: no secret can
// leak through here, whatever the route carries.
async function auditLogPlugin (app: FastifyInstance): Promise<void> {
  const auditLog = app.log.child({ audit: true })
  const writeLine = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const action = auditActionOf(request)
    const lastCall = request.upstreamCalls?.at(-1)
    auditLog.info({
      action,
      requestId: request.id,
      username: request.identity?.username ?? null,
      roles: request.identity?.roles ?? [],
      via: request.identity?.via ?? null,
      credential: request.identity?.credential ?? null,
      route: `${request.method} ${request.routeOptions.url ?? ''}`,
      target: auditTarget(request),
      status: reply.statusCode,
      resultCode: lastCall?.resultCode ?? null,
      upstream: request.upstreamCalls?.map(call => ({ operation: call.operation, status: call.status ?? null })) ?? [],
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000
    }, 'audit')
    done()
  }
  app.addHook('onRoute', route => {
    if (route.config?.audit !== undefined) addRouteHook(route, 'onResponse', writeLine)
  })
}

function auditTarget (request: FastifyRequest): Record<string, string> {
  const params = (request.params ?? {}) as Record<string, unknown>
  const target: Record<string, string> = {}
  for (const name of TARGET_PARAMS) if (typeof params[name] === 'string') target[name] = params[name]
  return target
}

export default fp(auditLogPlugin, { name: 'audit-log', fastify: '5.x', dependencies: ['authlete', 'sessions'] })
