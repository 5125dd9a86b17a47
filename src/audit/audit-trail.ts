import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { channels } from '../ops/channels.ts'
import { addRouteHook } from '../http/route-hooks.ts'
import type { AuditStore } from './stores/audit-store.ts'
import type { IntentData } from './audit-types.ts'

declare module 'fastify' {
  interface FastifyInstance {
    auditTrail: AuditStore
  }
  interface FastifyRequest {
    /** True from the moment the intent is durably recorded until its outcome is written. */
    auditedIntent: boolean
    /** ACCESS_MODEL=teams: the target's team, recorded with the intent (src/teams sets it). */
    auditTeam: string | null
    /** Set when the call is refused for the target's team: its outcome is `denied`. */
    auditDenied: boolean
  }
}

export interface AuditTrailOptions {
  store: AuditStore
  retentionDays?: number
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000

// The intent is committed in preHandler, after validation and before the handler forwards anything:
// if it cannot be written, the mutation is refused (503) and never reaches Authlete. The outcome is
// committed in onSend, before the caller sees the answer, so an answered call always has a complete
// record; a process that dies in between leaves the intent `pending`.
async function auditTrailPlugin (app: FastifyInstance, { store, retentionDays }: AuditTrailOptions): Promise<void> {
  app.decorate('auditTrail', store)
  app.decorateRequest('auditedIntent', false)
  app.decorateRequest('auditTeam', null)
  app.decorateRequest('auditDenied', false)

  const recordIntent = async (request: FastifyRequest): Promise<void> => {
    const action = request.routeOptions.config.audit!
    try {
      await store.append({ kind: 'intent', requestId: request.id, time: new Date().toISOString(), data: intentOf(request, action) })
    } catch (cause) {
      channels.auditFailure.publish({ kind: 'intent' })
      request.log.error({ err: cause }, 'audit trail: intent not recorded, mutation refused')
      throw new errors.AuditUnavailable({ cause })
    }
    request.auditedIntent = true
  }

  const recordOutcome = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (!request.auditedIntent) return payload
    request.auditedIntent = false
    try {
      await store.append({ kind: 'outcome', requestId: request.id, time: new Date().toISOString(), data: outcomeOf(request, reply) })
    } catch (cause) {
      // The change was made upstream: the caller still gets its answer, the record stays pending.
      channels.auditFailure.publish({ kind: 'outcome' })
      request.log.error({ err: cause }, 'audit trail: outcome not recorded, the record stays pending')
    }
    return payload
  }

  app.addHook('onRoute', route => {
    if (route.config?.audit === undefined) return
    addRouteHook(route, 'preHandler', recordIntent)
    addRouteHook(route, 'onSend', recordOutcome)
  })

  if (retentionDays !== undefined) {
    const prune = async () => {
      const removed = await store.prune(new Date(Date.now() - retentionDays * 86_400_000).toISOString())
      if (removed > 0) app.log.info({ removed, retentionDays }, 'audit trail pruned')
    }
    await prune()
    const timer = setInterval(() => { prune().catch(error => app.log.error({ err: error }, 'audit trail: pruning failed')) }, PRUNE_INTERVAL_MS)
    timer.unref()
    app.addHook('onClose', async () => { clearInterval(timer) })
  }
  app.addHook('onClose', async () => { await store.close() })
}

/**
 * The record of a refused read (a route with no audit action of its own): an intent and its
 * `denied` outcome, so probing for other teams' clients leaves a trace.
 */
export async function recordDeniedRead (store: AuditStore, request: FastifyRequest, reply: FastifyReply, action: string, status: number): Promise<void> {
  const time = new Date().toISOString()
  await store.append({ kind: 'intent', requestId: request.id, time, data: intentOf(request, action) })
  await store.append({ kind: 'outcome', requestId: request.id, time, data: { status, outcome: 'denied', resultCode: null, durationMs: Math.round(reply.elapsedTime * 1000) / 1000 } })
}

function intentOf (request: FastifyRequest, action: string): IntentData {
  const params = (request.params ?? {}) as Record<string, string | undefined>
  return {
    actor: request.identity?.username ?? null,
    roles: request.identity?.roles ?? [],
    via: request.identity?.via ?? null,
    credential: request.identity?.credential ?? null,
    action,
    route: `${request.method} ${request.routeOptions.url ?? ''}`,
    clientId: params.clientId ?? params.clientIdentifier ?? null,
    subject: params.subject ?? null,
    ...(request.auditTeam === null ? {} : { team: request.auditTeam }),
    clientIp: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
    changedProperties: changedProperties(request.body)
  }
}

// Names only, never values: a secret update records that `clientSecret` changed, not what to.
function changedProperties (body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null) return null
  const { metadata, registrationAccessToken: _credential, ...rest } = body as Record<string, unknown>
  const names = Object.keys(rest)
  if (typeof metadata === 'object' && metadata !== null) names.push(...Object.keys(metadata).map(name => `metadata.${name}`))
  return names.sort()
}

function outcomeOf (request: FastifyRequest, reply: FastifyReply) {
  return {
    status: reply.statusCode,
    outcome: request.auditDenied ? 'denied' as const : reply.statusCode < 400 ? 'success' as const : 'failure' as const,
    resultCode: request.upstreamCalls?.at(-1)?.resultCode ?? null,
    durationMs: Math.round(reply.elapsedTime * 1000) / 1000
  }
}

export default fp(auditTrailPlugin, { name: 'audit-trail', fastify: '5.x', dependencies: ['authlete', 'sessions'] })
