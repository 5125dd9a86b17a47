import { IncomingMessage } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { errors } from '../http/errors.ts'
import { addRouteHook } from '../http/route-hooks.ts'
import { readClient } from '../clients/current-client.ts'
import { createClientEtag } from '../clients/etag.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { hasRole, type Role } from '../auth/roles.ts'
import type { Identity } from '../auth/identity.ts'
import { APPROVAL_ACTIONS, rulesFor, ruleFor, type ApprovalAction, type ApprovalRules } from './approval-rules.ts'
import { publicView, reasonProblem, type ChangeRequest, type Status } from './change-request.ts'
import { describeChange } from './change-description.ts'
import { auditStep } from './approval-audit.ts'
import { createSecretBox, type SecretBox } from './secret-box.ts'
import { createWebhook, type Notify } from './webhook.ts'
import type { ChangeRequestStore } from './stores/change-request-store.ts'
import changeRequestRoutes, { ChangeRequestSchema } from './change-request-routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    approvals: Approvals
  }
  interface FastifyRequest {
    /** The apply grant an approved change's replay carries (set by its authenticator). */
    approvalGrant: ApplyGrant | null
  }
}

export interface ApprovalsOptions {
  rules: ApprovalRules
  store: ChangeRequestStore
  ttlHours: number
  /** SESSION_SECRET: the ETag key, and the key stored writes and secrets are sealed with. */
  serverSecret: string
  webhook?: { url: string, secret: string, firstPauseMs?: number }
}

/** What the routes (change-request-routes.ts) use. */
export interface Approvals {
  rules: ApprovalRules
  store: ChangeRequestStore
  box: SecretBox
  notify: Notify
  /** Applies an approved request (status `applying`) through the one write path; answers its final state. */
  apply: (request: ChangeRequest) => Promise<ChangeRequest>
  /** Marks the pending requests past their expiry `expired` (audited, notified). */
  expireDue: () => Promise<void>
}

interface ApplyGrant { changeRequestId: string, method: string, url: string, etag: string }

/** The header an apply's replay carries its grant in; accepted from app.inject only, never from the network. */
const GRANT_HEADER = 'x-bff-apply-grant'
const GATED = new Set<string>(APPROVAL_ACTIONS)
const SWEEP_INTERVAL_MS = 60_000

/**
 * Four-eyes approval (issue 25, docs/approvals.md). At the write pipeline's `approval` stage (after
 * validation, roles, team and policy), a write a rule gates is stored as a change request and answered
 * 202; nothing is forwarded. At the last approval the stored write is replayed through app.inject,
 * the same route and the same pipeline (validation, roles, team, policy, audit, history all hold),
 * with a single-use, unguessable grant only an in-process request can present: the grant names the
 * change request and the ETag it was made against, so a client changed meanwhile is a conflict.
 */
async function approvalsPlugin (app: FastifyInstance, options: ApprovalsOptions): Promise<void> {
  const { rules, store, ttlHours, serverSecret } = options
  const clientEtag = createClientEtag(serverSecret)
  const box = createSecretBox(serverSecret)
  const notify: Notify = options.webhook === undefined ? () => {} : createWebhook(options.webhook, app.log).notify
  const grants = new Map<string, ApplyGrant & { identity: Identity }>()

  app.addSchema(ChangeRequestSchema)
  app.decorateRequest('approvalGrant', null)
  app.authenticators.unshift({
    name: 'apply-grant',
    async authenticate (request) {
      const token = request.headers[GRANT_HEADER]
      if (token === undefined) return null
      const grant = typeof token === 'string' && !(request.raw instanceof IncomingMessage) ? grants.get(token) : undefined
      // For its own write only: the route and the URL it was made for.
      if (grant === undefined || grant.method !== request.method || grant.url !== request.url) throw new errors.Unauthenticated()
      grants.delete(token as string)
      request.approvalGrant = grant
      request.changeRequestLink = { id: grant.changeRequestId }
      return grant.identity
    }
  })

  const gatedAction = (route: RouteOptions): ApprovalAction | undefined => {
    const action = route.config?.audit
    return action !== undefined && GATED.has(action) && route.config?.access !== undefined ? action as ApprovalAction : undefined
  }

  const approvalStep = (routeAction: ApprovalAction) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    // The apply's refusals (client gone, changed) are audited like the prepare step's: its record says how it went.
    if (request.approvalGrant !== null) return await app.auditRefusals(request, reply, async () => await checkGrant(request, request.approvalGrant!))
    const team = request.auditTeam
    const teamRules = rulesFor(rules, team)
    // Whether any rule could gate this write, before reading anything.
    if (!teamRules.some(rule => mayGate(rule.action, routeAction))) return undefined
    const answer = await readClient(app.authlete, request, clientParam(request))
    const { actions, diff } = describeChange(routeAction, answer.data, request)
    const rule = ruleFor(teamRules, actions, diff.map(change => change.property))
    if (rule === undefined) return undefined
    const now = new Date(Date.now())
    const breakGlass = header(request, 'x-break-glass')
    const reason = breakGlass ?? header(request, 'x-change-reason')
    if (reason !== undefined) {
      const problem = reasonProblem(reason)
      if (problem !== undefined) throw new errors.ChangeReasonInvalid(breakGlass === undefined ? 'X-Change-Reason' : 'X-Break-Glass', problem)
    }
    if (breakGlass !== undefined) refuseBreakGlass(request)
    const identity = request.identity!
    const changeRequest: ChangeRequest = {
      id: randomUUID(),
      status: breakGlass === undefined ? 'pending' : 'break-glass',
      action: actions.includes(rule.action) ? rule.action : routeAction,
      routeAction,
      clientId: jsonScalarText(answer.data.clientId),
      team,
      requestedBy: { source: identity.source, username: identity.username, roles: identity.roles, via: identity.via, ...(identity.teams === undefined ? {} : { teams: identity.teams }) },
      reason: reason ?? null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
      diff,
      rule,
      approvals: [],
      write: { method: request.method, url: request.url, sealedBody: request.body === undefined || request.body === null ? null : box.seal(JSON.stringify(request.body)), etag: clientEtag(answer.bytes), role: request.routeOptions.config.access as Role }
    }
    if (breakGlass !== undefined) {
      const finish = await auditStep(app.auditTrail, request, 'change-request.break-glass', changeRequest, breakGlass)
      await store.insert(changeRequest)
      await finish(200)
      // The write goes on, its own audit record flagged and linked (audit-trail.ts changeRequestFields).
      request.changeRequestLink = { id: changeRequest.id, reason: breakGlass, breakGlass: true }
      return undefined
    }
    const finish = await auditStep(app.auditTrail, request, 'change-request.create', changeRequest, reason)
    await store.insert(changeRequest)
    await finish(202)
    notify('change-request.created', publicView(changeRequest))
    return await reply.code(202).header('location', `/api/change-requests/${changeRequest.id}`).send(publicView(changeRequest))
  }

  // The replay of an approved change (its route and URL checked by the grant's authenticator), against
  // the client it was made against (PUT and PATCH also check the If-Match the replay sends, in their prepare step).
  const checkGrant = async (request: FastifyRequest, grant: ApplyGrant): Promise<undefined> => {
    const answer = await readClient(app.authlete, request, clientParam(request))
    if (clientEtag(answer.bytes) !== grant.etag) throw new errors.PreconditionFailed(jsonScalarText(answer.data.clientId))
    return undefined
  }

  const refuseBreakGlass = (request: FastifyRequest): void => {
    const identity = request.identity!
    if (identity.via === 'api-token') throw new errors.ApprovalNeedsPerson()
    // Roles mode has no teams: every admin is an admin of everything, so any admin may break glass.
    if (!hasRole(identity.roles, 'admin') || (app.accessModel === 'teams' && !(identity.teams ?? []).includes('*'))) throw new errors.BreakGlassForbidden()
  }

  const apply = async (changeRequest: ChangeRequest): Promise<ChangeRequest> => {
    const token = randomBytes(32).toString('base64url')
    const { method, url, sealedBody, etag } = changeRequest.write
    const { source, username, roles, teams } = changeRequest.requestedBy
    const identity: Identity = { source, username, roles, via: 'approval', credential: `change-request:${changeRequest.id}`, ...(teams === undefined ? {} : { teams }) }
    grants.set(token, { changeRequestId: changeRequest.id, method, url, etag, identity })
    const replaysIfMatch = changeRequest.routeAction === 'client.update' || changeRequest.routeAction === 'client.patch'
    let status: number
    let body: string
    try {
      const answer = await app.inject({
        method: method as 'PUT',
        url,
        headers: { [GRANT_HEADER]: token, ...(sealedBody === null ? {} : { 'content-type': 'application/json' }), ...(replaysIfMatch ? { 'if-match': etag } : {}) },
        ...(sealedBody === null ? {} : { payload: box.open(sealedBody) })
      })
      status = answer.statusCode
      body = answer.body
    } finally {
      grants.delete(token)
    }
    const outcome: Status = status < 300 ? 'approved-applied' : status === 412 ? 'conflict' : 'failed'
    const secret = outcome === 'approved-applied' && changeRequest.routeAction.startsWith('client.secret.') ? box.seal(body) : undefined
    const applied = await store.update(changeRequest.id, current => current.status !== 'applying'
      ? undefined
      : { ...current, status: outcome, result: { status, ...(status < 300 ? {} : { problem: problemOf(body) }) }, ...(secret === undefined ? {} : { sealedSecret: secret }) })
    const final = applied ?? changeRequest
    notify('change-request.applied', publicView(final))
    return final
  }

  const expireDue = async (): Promise<void> => {
    const now = new Date(Date.now()).toISOString()
    for (const id of await store.due(now)) {
      const found = await store.get(id)
      if (found === undefined) continue
      const finish = await auditStep(app.auditTrail, null, 'change-request.expire', found)
      const expired = await store.update(id, current => current.status === 'pending' && current.expiresAt <= now ? { ...current, status: 'expired', decidedAt: now } : undefined)
      await finish(expired === undefined ? 409 : 200)
      if (expired !== undefined) notify('change-request.decided', publicView(expired))
    }
  }

  app.decorate('approvals', { rules, store, box, notify, apply, expireDue } satisfies Approvals)

  // On every route a rule could gate, rules or not: a request approved before a restart that removed
  // its rule is still applied against the ETag it was made against.
  app.writePipeline.add('approval', route => {
    const action = gatedAction(route)
    return action === undefined ? undefined : approvalStep(action)
  })
  app.addHook('onRoute', route => {
    if (gatedAction(route) === undefined) return
    documentApproval(route)
    addRouteHook(route, 'onResponse', recordBreakGlassResult)
  })
  // The status a break-glass write answered, on its change request, for the review after the fact.
  const recordBreakGlassResult = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const link = request.changeRequestLink
    if (link?.breakGlass !== true) return
    const done = await store.update(link.id, current => ({ ...current, result: { status: reply.statusCode } })).catch(() => undefined)
    if (done !== undefined) notify('change-request.applied', publicView(done))
  }

  const timer = setInterval(() => { expireDue().catch(error => app.log.error({ err: error }, 'change requests: expiry sweep failed')) }, SWEEP_INTERVAL_MS)
  timer.unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await store.close()
  })

  await app.register(changeRequestRoutes)
}

const UPDATES: readonly string[] = ['client.update', 'client.patch']
// A rule for `ruleAction` may gate a write of `routeAction`, whatever it changes: tells whether to read the client at all.
const mayGate = (ruleAction: ApprovalAction, routeAction: ApprovalAction): boolean =>
  ruleAction === routeAction || (UPDATES.includes(routeAction) && (UPDATES.includes(ruleAction) || ruleAction === 'client.move'))

function clientParam (request: FastifyRequest): string {
  const params = request.params as { clientId?: string, clientIdentifier?: string }
  return (params.clientId ?? params.clientIdentifier)!
}

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

// A problem+json the route answered (never a secret: the error catalogue's texts); anything else kept as its status alone.
function problemOf (body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown
    return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

// OpenAPI shows the 202 and the two headers on every route a rule may gate.
function documentApproval (route: RouteOptions): void {
  if (route.schema === undefined) return
  route.schema.response = { 202: { $ref: 'ChangeRequest#' }, ...route.schema.response as object }
  const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> }
  route.schema.headers = {
    ...headers,
    properties: {
      ...headers.properties,
      'x-change-reason': { type: 'string', description: 'Why: recorded with the change request when an approval rule gates the write (docs/approvals.md)' },
      'x-break-glass': { type: 'string', description: 'An admin of every team (*) applies a gated write at once; the reason is audited and the change listed under GET /api/change-requests?status=break-glass' }
    }
  }
}

export default fp(approvalsPlugin, { name: 'approvals', fastify: '5.x', dependencies: ['access', 'audit-trail', 'write-pipeline'] })
