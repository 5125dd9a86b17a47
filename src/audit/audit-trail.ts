import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { channels } from '../ops/channels.ts'
import { addRouteHook } from '../http/route-hooks.ts'
import { AuditWriteRefused, type AuditStore } from './stores/audit-store.ts'
import type { AuditPolicy, AuditTarget, IntentData, OutcomeData } from './audit-types.ts'
import type { NewVersion } from '../history/history-types.ts'

declare module 'fastify' {
  interface FastifyInstance {
    auditTrail: AuditStore
    /** Records a request's intent now: the team check's refusal (src/teams) is audited before it answers. */
    recordAuditIntent: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /**
     * Runs a step of the write pipeline ahead of the intent whose refusals are audited all the same:
     * on a throw, the intent is recorded first (its outcome follows in onSend, as for any call).
     */
    auditRefusals: <T>(request: FastifyRequest, reply: FastifyReply, work: () => T | Promise<T>) => Promise<T>
  }
  interface FastifyRequest {
    /** True from the moment the intent is durably recorded until its outcome is written. */
    auditedIntent: boolean
    /** The key joining this request's intent and outcome: always the proxy's own. */
    auditKey: string | null
    /** Set by a route's own preHandler (it runs before the intent is written): whom the action is about. */
    auditTarget: AuditTarget | null
    /** The client a call created (POST /api/clients): its ID is only known once Authlete answered. */
    createdClientId: string | null
    /** ACCESS_MODEL=teams: the target's team, recorded with the intent (src/teams sets it). */
    auditTeam: string | null
    /** Set when the call is refused for the target's team: its outcome is `denied`. */
    auditDenied: boolean
    /** What the security policy made of a client write (src/policy), recorded with the intent. */
    auditPolicy: AuditPolicy | null
    /** The alias a call named its client by; the record's clientId is the numeric ID it resolved to (src/teams). */
    auditClientAlias: string | null
    /** The client version a successful write made (src/history sets it in onSend, ahead of the outcome): written with the outcome. */
    auditVersion: NewVersion | null
    /** The change request a write belongs to (src/approvals): the apply of an approved one, or a break-glass write. */
    changeRequestLink: { id: string, reason?: string, breakGlass?: true } | null
  }
}

export interface AuditTrailOptions {
  store: AuditStore
  retentionDays?: number
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000
// The status an `abandoned` record carries: the 503 the caller got, or nginx's 499 "client closed request".
const REFUSED_STATUS = 503
const CALLER_GONE_STATUS = 499

// The intent is committed in preHandler, after validation and before the handler forwards anything:
// if it cannot be written within AUDIT_WRITE_TIMEOUT_MS, the mutation is refused (503) and never
// reaches Authlete; nor does it when the caller disconnected meanwhile (outcome `abandoned`). The
// outcome is committed in onSend, before the caller sees the answer, so an answered call has a
// complete record; a process that dies in between leaves the intent `pending`, and so does an outcome
// that cannot be written (counted in bff_audit_write_failures_total{kind="outcome"}).
async function auditTrailPlugin (app: FastifyInstance, { store, retentionDays }: AuditTrailOptions): Promise<void> {
  app.decorate('auditTrail', store)
  app.decorateRequest('auditedIntent', false)
  app.decorateRequest('auditKey', null)
  app.decorateRequest('auditTarget', null)
  app.decorateRequest('createdClientId', null)
  app.decorateRequest('auditTeam', null)
  app.decorateRequest('auditDenied', false)
  app.decorateRequest('auditClientAlias', null)
  app.decorateRequest('auditPolicy', null)
  app.decorateRequest('auditVersion', null)
  app.decorateRequest('changeRequestLink', null)

  const recordIntent = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const action = request.routeOptions.config.audit!
    request.auditKey = auditKeyOf(request)
    try {
      await store.append({ kind: 'intent', requestId: request.auditKey, time: new Date().toISOString(), data: intentOf(request, action) })
    } catch (cause) {
      channels.auditFailure.publish({ kind: 'intent' })
      request.log.error({ err: cause }, 'audit trail: intent not recorded, mutation refused')
      if (cause instanceof AuditWriteRefused) recordLateIntent(request, cause.mayBeCommitted, abandoned(reply, REFUSED_STATUS))
      throw new errors.AuditUnavailable({ cause })
    }
    // The caller left while the intent was being made durable: the change is made for nobody.
    if (callerGone(reply)) {
      await appendOutcome(request, abandoned(reply, CALLER_GONE_STATUS, true))
      throw new errors.CallerGone()
    }
    request.auditedIntent = true
  }

  const recordOutcome = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (!request.auditedIntent) return payload
    request.auditedIntent = false
    await appendOutcome(request, outcomeOf(request, reply))
    return payload
  }

  // Tried twice, unless the first try's entry may still be committed (it would be there twice). The
  // upstream has answered: the caller still gets its answer, and the record stays `pending`, which
  // then means the outcome is unknown.
  const appendOutcome = async (request: FastifyRequest, data: OutcomeData): Promise<void> => {
    const version = data.outcome === 'success' ? request.auditVersion : null
    const outcome = { kind: 'outcome' as const, requestId: request.auditKey, time: new Date().toISOString(), data, ...(version === null ? {} : { version }) }
    try {
      await store.append(outcome).catch(async (error: unknown) => {
        if (error instanceof AuditWriteRefused) throw error
        return await store.append(outcome)
      })
    } catch (cause) {
      channels.auditFailure.publish({ kind: 'outcome' })
      request.log.error({ err: cause, upstreamStatus: data.status }, 'audit trail: outcome not recorded, the record stays pending')
    }
  }

  // The caller was refused (nothing forwarded), but the database may commit the intent after all (it
  // stalled and woke up): then its outcome says so, and the record is `abandoned`, never `pending`.
  const recordLateIntent = (request: FastifyRequest, mayBeCommitted: Promise<boolean>, data: OutcomeData): void => {
    mayBeCommitted.then(async committed => {
      if (!committed) return
      request.log.warn({ auditKey: request.auditKey }, 'audit trail: a refused intent may have been committed late; its outcome says abandoned')
      await appendOutcome(request, data)
    }).catch(() => {})
  }

  app.decorate('recordAuditIntent', recordIntent)
  app.decorate('auditRefusals', async <T>(request: FastifyRequest, reply: FastifyReply, work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (refusal) {
      if (!request.auditedIntent && request.routeOptions.config.audit !== undefined) await recordIntent(request, reply)
      throw refusal
    }
  })

  app.writePipeline.add('intent', route => route.config?.audit === undefined ? undefined : recordIntent)
  app.addHook('onRoute', route => {
    if (route.config?.audit !== undefined) addRouteHook(route, 'onSend', recordOutcome)
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
 * The record of a refused read (a route with no audit action of its own), written once the answer is
 * sent: an intent and its outcome, `denied` for another team's client, `failure` for a missing one,
 * so probing for clients leaves a trace and takes no longer for one than for the other.
 */
export async function recordRefusedRead (store: AuditStore, request: FastifyRequest, reply: FastifyReply, action: string): Promise<void> {
  const time = new Date().toISOString()
  const key = auditKeyOf(request)
  const outcome: OutcomeData = { status: reply.statusCode, outcome: request.auditDenied ? 'denied' : 'failure', resultCode: null, durationMs: Math.round(reply.elapsedTime * 1000) / 1000 }
  await store.append({ kind: 'intent', requestId: key, time, data: intentOf(request, action) })
  await store.append({ kind: 'outcome', requestId: key, time, data: outcome })
}

// The key joining a record's intent and outcome is always the proxy's own: the request id it made,
// or a fresh one when that id came from a gateway (a caller's id is only an attribute, callerRequestId).
function auditKeyOf (request: FastifyRequest): string {
  return callerRequestId(request) === null ? request.id : randomUUID()
}

function intentOf (request: FastifyRequest, action: string): IntentData {
  const params = (request.params ?? {}) as Record<string, string | undefined>
  const { identity } = request
  return {
    actor: identity?.username ?? null,
    source: identity?.source ?? null,
    roles: identity?.roles ?? [],
    via: identity?.via ?? null,
    credential: identity?.credential ?? null,
    ...(identity?.tokenCreatedBy === undefined ? {} : { tokenCreatedBy: { ...identity.tokenCreatedBy } }),
    ...(request.auditTarget === null ? {} : { target: request.auditTarget }),
    action,
    route: `${request.method} ${request.routeOptions.url ?? ''}`,
    clientId: params.clientId ?? params.clientIdentifier ?? null,
    ...(request.auditClientAlias === null ? {} : { clientIdAlias: request.auditClientAlias }),
    subject: params.subject ?? null,
    ...(request.auditTeam === null ? {} : { team: request.auditTeam }),
    clientIp: request.ip,
    userAgent: request.headers['user-agent'] === undefined ? null : printable(request.headers['user-agent'].slice(0, 512)),
    changedProperties: changedProperties(request.body),
    ...(request.auditPolicy === null ? {} : { policy: request.auditPolicy }),
    callerRequestId: callerRequestId(request),
    ...changeRequestFields(request.changeRequestLink)
  }
}

function changeRequestFields (link: FastifyRequest['changeRequestLink']): Partial<IntentData> {
  if (link === null) return {}
  return { changeRequestId: link.id, ...(link.reason === undefined ? {} : { reason: link.reason }), ...(link.breakGlass === undefined ? {} : { breakGlass: true }) }
}

// A gateway's X-Request-Id, which the proxy keeps as request.id for the logs, may repeat: it is an
// attribute of the record, never its key, so two calls cannot join each other's intent and outcome.
function callerRequestId (request: FastifyRequest): string | null {
  return request.id === request.headers['x-request-id'] ? request.id : null
}

// Names only, never values: a secret update records that `clientSecret` changed, not what to. The
// routes refuse unknown properties and registration metadata names with control characters; the
// escaping is the last line, for whatever a future route lets through.
function changedProperties (body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null) return null
  const { metadata, registrationAccessToken: _credential, ...rest } = body as Record<string, unknown>
  const names = Object.keys(rest)
  if (typeof metadata === 'object' && metadata !== null) names.push(...Object.keys(metadata).map(name => `metadata.${name}`))
  return names.map(printable).sort()
}

// Control characters (C0, DEL, C1) and line and bidi-override characters, written as \uXXXX: a
// record read in a terminal or a log viewer shows what was sent, and cannot fake lines or colours.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

export function printable (text: string): string {
  return text.replace(UNPRINTABLE, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function outcomeOf (request: FastifyRequest, reply: FastifyReply): OutcomeData {
  return {
    status: reply.statusCode,
    outcome: request.auditDenied ? 'denied' : reply.statusCode < 400 ? 'success' : request.upstreamCalls?.at(-1)?.maybeReceived === true ? 'unknown' : 'failure',
    resultCode: request.upstreamCalls?.at(-1)?.resultCode ?? null,
    durationMs: durationOf(reply),
    ...request.createdClientId === null ? {} : { clientId: request.createdClientId },
    ...callerGone(reply) ? { callerGone: true } : {}
  }
}

/** A mutation never forwarded, whose intent is (or may be) in the trail. */
function abandoned (reply: FastifyReply, status: number, gone?: true): OutcomeData {
  return { status, outcome: 'abandoned', resultCode: null, durationMs: durationOf(reply), ...gone === undefined ? {} : { callerGone: gone } }
}

// The response's socket closed before an answer was written: the caller disconnected.
function callerGone (reply: FastifyReply): boolean {
  return reply.raw.destroyed && !reply.raw.writableFinished
}

function durationOf (reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 1000) / 1000
}

export default fp(auditTrailPlugin, { name: 'audit-trail', fastify: '5.x', dependencies: ['authlete', 'sessions', 'write-pipeline'] })
