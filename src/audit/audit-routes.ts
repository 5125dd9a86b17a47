import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'
import { verifyAuditTrail } from '../history/verify-versions.ts'
import type { AuditQuery } from './audit-types.ts'
import type { AuditStore } from './stores/audit-store.ts'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { inEveryTeam, inTeam } from '../teams/membership.ts'
import { IdentitySourceSchema } from '../auth/identity.ts'

const tags = ['audit']
const NDJSON = 'application/x-ndjson'
const Text = Type.String({ minLength: 1, maxLength: 256 })
// unknown: the upstream may have made the change, but its answer timed out or was cut; denied:
// refused because the target belongs to another team; abandoned: never forwarded (the caller left
// before its intent was durable, or the intent was committed after the caller got a 503).
const Outcome = Type.Enum(['success', 'failure', 'unknown', 'denied', 'abandoned', 'pending'])

const AuditQueryString = Type.Object({
  actor: Type.Optional({ ...Text, description: 'The actor\'s username; with `source`, or a local user (usernames are unique within a source only)' }),
  source: Type.Optional({ ...IdentitySourceSchema, description: 'The actor\'s source: local (the default with `actor`), oidc or gateway' }),
  clientId: Type.Optional({ ...Text, description: 'The numeric client ID, or an alias: resolved to the ID of the client that has it now (this replica\'s search index)' }),
  action: Type.Optional(Text),
  team: Type.Optional({ ...Text, description: 'ACCESS_MODEL=teams: records whose target is this team\'s' }),
  outcome: Type.Optional(Outcome),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.Integer({ minimum: 1, description: 'nextCursor of the previous page' }))
}, { additionalProperties: false })

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const AuditRecord = Type.Object({
  id: Type.Integer(),
  requestId: Type.String(),
  time: Type.String({ format: 'date-time' }),
  actor: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  source: Type.Optional(Nullable(Type.String({ description: 'Where the actor\'s identity comes from: local, oidc or gateway (for an API token, its owner\'s)' }))),
  via: Type.Optional(Nullable(Type.String({ description: 'How the actor authenticated: session, api-token or gateway' }))),
  credential: Type.Optional(Nullable(Type.String({ description: "The credential's label (an API token's id), never its value" }))),
  tokenCreatedBy: Type.Optional(Nullable(Type.Object({ source: Type.String(), username: Type.String() }, { description: 'An API token made by someone other than its owner (the actor): who made it' }))),
  target: Type.Optional(Nullable(Type.Object({
    source: Type.String(),
    username: Type.String(),
    tokenId: Type.Optional(Type.String())
  }, { description: 'Token, session and login-failure management: the user concerned, and the API token' }))),
  action: Type.String(),
  route: Type.String(),
  clientId: Nullable(Type.String({ description: 'The numeric client ID, also for a call that named the client by its alias' })),
  clientIdAlias: Type.Optional(Type.String({ description: 'ACCESS_MODEL=teams: the alias the call named the client by' })),
  subject: Nullable(Type.String()),
  team: Type.Optional(Nullable(Type.String({ description: 'ACCESS_MODEL=teams: the target client\'s team (its developer)' }))),
  clientIp: Type.String(),
  userAgent: Nullable(Type.String()),
  changedProperties: Nullable(Type.Array(Type.String(), { description: 'Names only; values are never recorded' })),
  policy: Type.Optional(Type.Object({
    filled: Type.Array(Type.String(), { description: 'Properties the policy filled with secure defaults (create)' }),
    warnings: Type.Array(Type.String(), { description: 'Rule IDs the client already broke (the ratchet let them be)' }),
    excepted: Type.Array(Type.String(), { description: 'Rule IDs an exception let pass' }),
    violations: Type.Optional(Type.Array(Type.String(), { description: 'A refused change: the rule IDs it would have broken' }))
  }, { description: 'Client writes: what the security policy made of it (docs/policy.md)' })),
  callerRequestId: Type.Optional(Nullable(Type.String({ description: 'The X-Request-Id a trusted gateway (TRUST_PROXY) sent; requestId is always the proxy\'s own' }))),
  changeRequestId: Type.Optional(Type.String({ description: 'The change request this record is a step of (docs/approvals.md)' })),
  reason: Type.Optional(Type.String({ description: 'The reason given: X-Change-Reason, a rejection\'s or X-Break-Glass\'s' })),
  breakGlass: Type.Optional(Type.Literal(true, { description: 'A gated change applied at once with X-Break-Glass, for review after the fact' })),
  outcome: Outcome,
  status: Nullable(Type.Integer()),
  resultCode: Nullable(Type.String()),
  durationMs: Nullable(Type.Number()),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  callerGone: Type.Optional(Type.Literal(true, { description: 'The caller had disconnected before the answer: nobody received it' }))
})

const VerifyAnswer = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'Entries walked' }),
  versions: Type.Optional(Type.Integer({ description: 'Client versions checked against the entries that name them (docs/history.md)' })),
  firstProblem: Type.Optional(Type.Object({
    seq: Type.Integer({ description: 'The entry at fault, or naming the version at fault (0: a version no entry names)' }),
    problem: Type.String(),
    version: Type.Optional(Type.Object({ clientId: Type.String(), version: Type.Integer() }, { description: 'The client version at fault, when it is one' }))
  }))
})

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/audit', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Audit records, newest first; with Accept: application/x-ndjson, every matching record as a stream',
      querystring: AuditQueryString,
      response: { 200: Type.Object({ records: Type.Array(AuditRecord), nextCursor: Nullable(Type.Integer()) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    const named = request.query.clientId
    const alias = named !== undefined && !/^\d+$/.test(named)
    if (alias) await app.useClientIndex()
    const query: AuditQuery = {
      ...request.query,
      ...auditScope(app, request),
      clientId: alias ? [...new Set([app.clientIndex.idOfAlias(named) ?? named, named])] : named,
      since: request.query.since === undefined ? undefined : new Date(request.query.since).toISOString(),
      until: request.query.until === undefined ? undefined : new Date(request.query.until).toISOString()
    }
    if (request.headers.accept?.toLowerCase().includes(NDJSON) === true) {
      // A stream bypasses the JSON answer schema; its lines are AuditRecord documents.
      return reply.type(NDJSON).send(Readable.from(exportRecords(app.auditTrail, query)) as never)
    }
    return await app.auditTrail.query(query)
  })

  app.get('/api/audit/verify', {
    config: { access: 'admin' },
    onRequest: async request => { if (app.accessModel === 'teams' && !inEveryTeam(request.identity?.teams ?? [])) throw new errors.EveryTeamRequired() },
    schema: {
      tags,
      summary: 'Walk the hash chain, then the client versions it vouches for, and name the first altered, missing or inserted one',
      response: { 200: VerifyAnswer, ...problems(401, 403, 503) }
    }
  }, async () => await verifyAuditTrail(app.auditTrail))
}

/**
 * ACCESS_MODEL=teams: an admin of some teams sees those teams' records and their own actions (the
 * same username from another source is someone else), and may filter on one of their teams only; a
 * `*` admin sees everything. An API token sees its teams' records only: not its owner's actions
 * elsewhere, so a token never sees more than the teams it carries, nor more than its creator could.
 */
function auditScope (app: FastifyInstance, request: FastifyRequest<{ Querystring: { team?: string } }>): Pick<AuditQuery, 'visibleTo'> {
  const identity = request.identity!
  const teams = identity.teams ?? []
  if (app.accessModel !== 'teams' || inEveryTeam(teams)) return {}
  const { team } = request.query
  if (team !== undefined && !inTeam(teams, team)) throw new errors.NotYourTeam(team)
  if (identity.via === 'api-token') return { visibleTo: { teams } }
  return { visibleTo: { teams, actor: { source: identity.source, username: identity.username } } }
}

// Pages through the store so an export of any size streams in constant memory.
async function * exportRecords (store: AuditStore, query: AuditQuery): AsyncGenerator<string> {
  let cursor = query.cursor
  for (;;) {
    const page = await store.query({ ...query, cursor, limit: 500 })
    for (const record of page.records) yield `${JSON.stringify(record)}\n`
    if (page.nextCursor === null) return
    cursor = page.nextCursor
  }
}

export default auditRoutes
