import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { TeamSchema } from '../teams/membership.ts'
import { APPROVAL_ACTIONS, gatedActions } from './approval-rules.ts'
import { approvalRefusal, publicView, reasonProblem, samePerson, STATUSES, withApproval, type ChangeRequest, type SeparationRefusal } from './change-request.ts'
import { auditStep } from './approval-audit.ts'

const tags = ['change-requests']

const Person = Type.Object({ source: Type.String(), username: Type.String() })
const Decision = Type.Object({ source: Type.String(), username: Type.String(), at: Type.String({ format: 'date-time' }), reason: Type.Optional(Type.String()) })
const Change = Type.Object({
  property: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  added: Type.Optional(Type.Array(Type.Unknown())),
  removed: Type.Optional(Type.Array(Type.Unknown()))
}, { description: 'One changed property, in the format of the client history (docs/history.md)' })
const Status = Type.Enum([...STATUSES], { description: 'pending; applying (the last approval is being applied); approved-applied; rejected; withdrawn; expired (APPROVAL_TTL_HOURS); conflict (the client changed after the request: nothing applied); failed (the apply was refused: see result.problem); break-glass (applied at once by a * admin)' })
const Approvers = Type.Object({ role: Type.String(), team: Type.Optional(Type.String()) })

export const ChangeRequestSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Status,
  action: Type.Enum([...APPROVAL_ACTIONS]),
  clientId: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  requestedBy: Person,
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  diff: Type.Array(Change),
  quorum: Type.Integer({ description: 'How many approvals apply the change' }),
  approvers: Approvers,
  approvals: Type.Array(Decision),
  rejection: Type.Optional(Decision),
  decidedAt: Type.Optional(Type.String({ format: 'date-time' })),
  result: Type.Optional(Type.Object({ status: Type.Integer(), problem: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { description: 'The status the apply answered, and its problem when it was refused' })),
  secretWaiting: Type.Boolean({ description: 'An applied secret change whose new secret the requester has not read yet (GET /api/change-requests/{id}/secret)' })
}, { $id: 'ChangeRequest', description: 'A change waiting for (or decided by) a second person; never the stored write or a secret' })

const Ref = Type.Unsafe<Record<string, unknown>>({ $ref: 'ChangeRequest#' })
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
const ListQuery = Type.Object({
  status: Type.Optional(Status),
  team: Type.Optional(TeamSchema),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_547, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
}, { additionalProperties: false })
const RejectBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })
const Rule = Type.Object({
  action: Type.String(),
  properties: Type.Optional(Type.Array(Type.String())),
  quorum: Type.Integer(),
  approvers: Approvers
})

const REFUSALS: Record<SeparationRefusal, (request: ChangeRequest) => Error> = {
  token: () => new errors.ApprovalNeedsPerson(),
  self: () => new errors.SelfApproval(),
  'not-approver': request => new errors.NotAnApprover(request.rule.approvers.role, request.rule.approvers.team === undefined ? (request.team === null ? '' : ` in team ${request.team}`) : ` in team ${request.rule.approvers.team}`),
  twice: request => new errors.AlreadyApproved(request.id)
}

const changeRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, rules } = app.approvals

  // The teams whose requests the caller sees; undefined: all (roles mode, or a member of every team).
  const visibleTeams = (request: FastifyRequest): string[] | undefined => {
    const teams = request.identity?.teams
    return app.accessModel !== 'teams' || teams === undefined || teams.includes('*') ? undefined : teams
  }
  const visible = (request: FastifyRequest, id: string, found: ChangeRequest | undefined): ChangeRequest => {
    const teams = visibleTeams(request)
    if (found === undefined || (teams !== undefined && (found.team === null || !teams.includes(found.team)))) throw new errors.ChangeRequestNotFound(id)
    return found
  }
  const load = async (request: FastifyRequest, id: string): Promise<ChangeRequest> => {
    await app.approvals.expireDue()
    return visible(request, id, await store.get(id))
  }
  const pending = (found: ChangeRequest): void => {
    if (found.status !== 'pending') throw new errors.ChangeRequestNotPending(found.id, found.status)
  }
  const decider = (request: FastifyRequest, found: ChangeRequest): { source: string, username: string } => {
    const identity = request.identity!
    const refusal = approvalRefusal(found, identity, found.write.role)
    if (refusal !== undefined) throw REFUSALS[refusal](found)
    return { source: identity.source, username: identity.username }
  }

  app.get('/api/change-requests', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'List change requests, newest first, a page at a time (your teams\' only in teams mode)',
      querystring: ListQuery,
      response: { 200: Type.Object({ changeRequests: Type.Array(Ref), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer() }), ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const { status, team, offset, limit } = request.query
    const teams = visibleTeams(request)
    if (team !== undefined && teams !== undefined && !teams.includes(team)) throw new errors.NotYourTeam(team)
    await app.approvals.expireDue()
    const page = await store.list({ ...(status === undefined ? {} : { status }), ...(team === undefined ? (teams === undefined ? {} : { teams }) : { teams: [team] }), offset, limit })
    return { changeRequests: page.requests.map(publicView), total: page.total, offset, limit }
  })

  app.get('/api/change-requests/rules', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Which actions need approval, per team of yours (roles mode: under *), so that a console can say so before the write',
      response: { 200: Type.Object({ teams: Type.Record(Type.String(), Type.Array(Rule)) }), ...problems(401, 403) }
    }
  }, async (request) => {
    return { teams: gatedActions(rules, app.accessModel === 'teams' ? request.identity?.teams ?? [] : null) }
  })

  app.get('/api/change-requests/:id', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Read a change request', params: IdParams, response: { 200: Ref, ...problems(400, 401, 403, 404) } }
  }, async (request) => publicView(await load(request, request.params.id)))

  app.post('/api/change-requests/:id/approve', {
    config: { access: 'editor' },
    schema: {
      tags,
      summary: 'Approve a change request; the last approval the quorum needs applies the change (the answer says how it went)',
      description: 'Never by its requester (403 BFF_SELF_APPROVAL, admins included) nor with an API token (403 BFF_APPROVAL_NEEDS_PERSON); the approver needs the rule\'s role and the one the write itself needs, in the client\'s team (or the rule\'s approver team); each person counts once.',
      params: IdParams,
      response: { 200: Ref, ...problems(400, 401, 403, 404, 409, 503) }
    }
  }, async (request) => {
    const found = await load(request, request.params.id)
    const who = decider(request, found)
    pending(found)
    const finish = await auditStep(app.auditTrail, request, 'change-request.approve', found)
    const approved = await store.update(found.id, current => current.status === 'pending' && !current.approvals.some(approval => samePerson(approval, who))
      ? withApproval(current, { ...who, at: new Date(Date.now()).toISOString() })
      : undefined)
    if (approved === undefined) {
      await finish(409)
      const now = await store.get(found.id)
      pending(now!)
      throw new errors.AlreadyApproved(found.id)
    }
    await finish(200)
    if (approved.status !== 'applying') return publicView(approved)
    app.approvals.notify('change-request.decided', publicView(approved))
    return publicView(await app.approvals.apply(approved))
  })

  app.post('/api/change-requests/:id/reject', {
    config: { access: 'editor' },
    schema: {
      tags,
      summary: 'Reject a change request, with a reason; nothing is applied',
      description: 'Who may approve may reject; the requester withdraws instead (DELETE).',
      params: IdParams,
      body: RejectBody,
      response: { 200: Ref, ...problems(400, 401, 403, 404, 409, 415, 503) }
    }
  }, async (request) => {
    const problem = reasonProblem(request.body.reason)
    if (problem !== undefined) throw new errors.ChangeReasonInvalid('reason', problem)
    const found = await load(request, request.params.id)
    const who = decider(request, found)
    pending(found)
    const finish = await auditStep(app.auditTrail, request, 'change-request.reject', found, request.body.reason)
    const at = new Date(Date.now()).toISOString()
    const rejected = await store.update(found.id, current => current.status === 'pending' ? { ...current, status: 'rejected', rejection: { ...who, at, reason: request.body.reason }, decidedAt: at } : undefined)
    await finish(rejected === undefined ? 409 : 200)
    if (rejected === undefined) throw new errors.ChangeRequestNotPending(found.id, (await store.get(found.id))!.status)
    app.approvals.notify('change-request.decided', publicView(rejected))
    return publicView(rejected)
  })

  app.delete('/api/change-requests/:id', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Withdraw your own pending change request', params: IdParams, response: { 200: Ref, ...problems(400, 401, 403, 404, 409, 503) } }
  }, async (request) => {
    const found = await load(request, request.params.id)
    if (!samePerson(found.requestedBy, request.identity!)) throw new errors.NotRequester(found.id, 'withdraw it')
    pending(found)
    const finish = await auditStep(app.auditTrail, request, 'change-request.withdraw', found)
    const withdrawn = await store.update(found.id, current => current.status === 'pending' ? { ...current, status: 'withdrawn', decidedAt: new Date(Date.now()).toISOString() } : undefined)
    await finish(withdrawn === undefined ? 409 : 200)
    if (withdrawn === undefined) throw new errors.ChangeRequestNotPending(found.id, (await store.get(found.id))!.status)
    app.approvals.notify('change-request.decided', publicView(withdrawn))
    return publicView(withdrawn)
  })

  app.get('/api/change-requests/:id/secret', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'The new secret of an applied secret change, once, to its requester only; gone after',
      params: IdParams,
      response: { 200: Type.Object({ newClientSecret: Type.Optional(Type.String()), oldClientSecret: Type.Optional(Type.String()) }, { additionalProperties: true, description: 'Authlete\'s answer to the secret change' }), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const found = await load(request, request.params.id)
    if (!samePerson(found.requestedBy, request.identity!)) throw new errors.NotRequester(found.id, 'read its secret')
    let sealed: string | undefined
    await store.update(found.id, current => {
      sealed = current.sealedSecret
      if (sealed === undefined) return undefined
      const { sealedSecret: _taken, ...rest } = current
      return rest
    })
    if (sealed === undefined) throw new errors.SecretGone(found.id)
    reply.header('cache-control', 'no-store')
    return JSON.parse(app.approvals.box.open(sealed)) as Record<string, unknown>
  })
}

export default changeRequestRoutes
