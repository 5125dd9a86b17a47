import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { hasRole } from '../auth/roles.ts'
import { ClientInput } from '../clients/client-schema.ts'
import { Client } from '../clients/client-schema.ts'
import { ClientId, ClientIdParams, visibleClient } from '../clients/route-schemas.ts'
import { createClientEtag, ifMatchAccepts } from '../clients/etag.ts'
import { keepCredentials } from '../clients/credential-properties.ts'
import { readClient } from '../clients/current-client.ts'
import { inEveryTeam, inTeam, teamOf } from '../teams/membership.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { diffStates } from './diff.ts'
import { storedState } from './stored-state.ts'
import { creatableFrom, replacementFrom } from './restorable.ts'
import type { StoredVersion } from './history-types.ts'
import { MAX_VERSION } from './stores/version-rows.ts'

const tags = ['history']
const JSON_TYPE = 'application/json; charset=utf-8'
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const VersionNumber = Type.Integer({ minimum: 1, maximum: MAX_VERSION, description: 'A client\'s versions are numbered 1, 2, 3...' })

const VersionSummary = Type.Object({
  version: VersionNumber,
  at: Type.String({ format: 'date-time' }),
  actor: Nullable(Type.String({ description: 'Who made the change; null for a change made outside the proxy' })),
  source: Nullable(Type.String({ description: 'The actor\'s source: local, oidc or gateway' })),
  via: Nullable(Type.String({ description: 'session, api-token or gateway' })),
  action: Type.String({ description: 'The audited action (client.update, client.lock...), or client.external-change' }),
  auditId: Type.String({ description: 'The requestId of the audit record that made it (GET /api/audit)' }),
  changed: Type.Array(Type.String(), { description: 'Properties that differ from the previous version; `clientSecret` for a secret change (never its value)' }),
  external: Type.Boolean({ description: 'A change made outside the proxy, found by a later read' }),
  restoredFrom: Nullable(Type.Integer({ description: 'A restore: the version it put back' })),
  restoredFromClientId: Type.Optional(Type.String({ description: 'A deleted client\'s restore: the old client ID' })),
  modifiedAt: Nullable(Type.Integer({ description: 'Authlete\'s modifiedAt of this state (ms)' }))
})
const VersionDetail = Type.Object({
  ...VersionSummary.properties,
  client: Type.Object({}, { additionalProperties: true, description: 'The stored state: allow-listed properties, never a secret (docs/history.md)' })
})
const Change = Type.Object({
  property: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  added: Type.Optional(Type.Array(Type.Unknown())),
  removed: Type.Optional(Type.Array(Type.Unknown()))
})
const VersionParams = Type.Object({ clientId: ClientId, version: VersionNumber }, { additionalProperties: false })
const DeletedParams = Type.Object({ deletedClientId: ClientId }, { additionalProperties: false })
const HistoryQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  before: Type.Optional({ ...VersionNumber, description: 'Versions older than this one (the previous page\'s `next`)' })
}, { additionalProperties: false })
const DiffQuery = Type.Object({
  from: VersionNumber,
  to: Type.Optional({ ...VersionNumber, description: 'Default: the client as Authlete has it now' })
}, { additionalProperties: false })
const DeletedQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9T:.Z-]{20,30}~[0-9]{1,19}$', description: 'The previous page\'s `next`' }))
}, { additionalProperties: false })
const DeletedClient = Type.Object({
  clientId: Type.String({ description: 'The deleted client\'s ID (never reused by Authlete)' }),
  clientName: Nullable(Type.String()),
  developer: Nullable(Type.String()),
  deletedAt: Type.String({ format: 'date-time' }),
  deletedBy: Type.Object({ actor: Nullable(Type.String()), source: Nullable(Type.String()) }),
  lastVersion: VersionNumber,
  restoredAs: Nullable(Type.String({ description: 'The client a restore made from it, if any' }))
})
const IfMatchRequired = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1024, description: 'Required: the client\'s current ETag (428 without, 412 when stale)' })) })
const RestoredClient = Type.Object({
  clientId: Type.String({ description: 'The NEW client ID' }),
  oldClientId: Type.String({ description: 'The deleted client\'s ID, which stays gone' }),
  message: Type.String(),
  notRestored: Type.Array(Type.String(), { description: 'What could not come back (the secret is always new)' }),
  client: Client
})

declare module 'fastify' {
  interface FastifyRequest {
    /** A deleted client's restore: what it cannot bring back. */
    notRestored?: string[]
  }
}

const historyRoutes: FastifyPluginAsyncTypebox<{ etagKey: string }> = async (app, { etagKey }) => {
  const { authlete } = app
  const { history } = app.auditTrail
  const clientEtag = createClientEtag(etagKey)
  const validateClient = app.validatorCompiler!({ schema: ClientInput, method: 'PUT', url: '/api/clients/:clientId', httpPart: 'body' })
  const roles = (request: FastifyRequest) => request.identity?.roles ?? []
  const teams = (request: FastifyRequest) => request.identity?.teams ?? []

  // The client must exist (or be a deleted one with a history, in roles mode: teams mode's check
  // answers 404 first). Its read also records a change made outside the proxy before anything is listed.
  const readLive = async (request: FastifyRequest, clientId: string): Promise<UpstreamAnswer<AuthleteClient> | undefined> => {
    try {
      return await readClient(authlete, request, clientId)
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404 || (await history.latest(clientId))?.action !== 'client.delete') throw error
      return undefined
    }
  }

  const versionOf = async (clientId: string, version: number): Promise<StoredVersion> => {
    const found = await history.get(clientId, version)
    if (found === undefined) throw new errors.VersionNotFound(clientId, String(version))
    return found
  }

  // A state put back goes through the body validation of PUT and POST: a version made under other
  // rules (ALLOW_HTTP_REDIRECT_URIS since turned off, say) is refused, not sent.
  const checkValid = (version: number, body: Record<string, unknown>): void => {
    if (validateClient(body) === true) return
    const { errors: issues } = validateClient as unknown as { errors?: Array<{ instancePath: string, message?: string }> }
    const first = issues?.[0]
    throw new errors.VersionNotRestorable(String(version), `${first?.instancePath ?? ''} ${first?.message ?? 'is not a valid client'}`.trim())
  }

  const answerClient = (request: FastifyRequest, reply: FastifyReply, answer: UpstreamAnswer<AuthleteClient>) => {
    request.historyClient = answer.data
    reply.header('etag', clientEtag(answer.bytes))
    if (hasRole(roles(request), 'admin')) return reply.type(JSON_TYPE).send(answer.bytes)
    return visibleClient(answer.data, roles(request))
  }

  app.get('/api/clients/:clientId/history', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'A client\'s versions, newest first',
      params: ClientIdParams,
      querystring: HistoryQuery,
      response: { 200: Type.Object({ versions: Type.Array(VersionSummary), next: Nullable(VersionNumber) }), ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request) => {
    const { clientId } = request.params
    await readLive(request, clientId)
    return await history.list(clientId, request.query)
  })

  app.get('/api/clients/:clientId/history/:version', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'One version of a client, with its stored state (`client`)',
      params: VersionParams,
      response: { 200: VersionDetail, ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request) => {
    const { clientId, version } = request.params
    await readLive(request, clientId)
    const { hash: _hash, ...found } = await versionOf(clientId, version)
    return found
  })

  app.get('/api/clients/:clientId/diff', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'What changed between two versions (`to` defaults to the client as it is now)',
      description: 'Unordered lists (redirectUris, grantTypes, responseTypes, scopes, contacts...) compare as sets (`added`, `removed`); JWK sets by kid.',
      params: ClientIdParams,
      querystring: DiffQuery,
      response: { 200: Type.Object({ changes: Type.Array(Change) }), ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request) => {
    const { clientId } = request.params
    const { from, to } = request.query
    const live = await readLive(request, clientId)
    const before = (await versionOf(clientId, from)).client
    const after = to !== undefined ? (await versionOf(clientId, to)).client : live === undefined ? {} : storedState(live.data)
    return { changes: diffStates(before, after) }
  })

  app.post('/api/clients/:clientId/history/:version/restore', {
    config: { access: 'editor', audit: 'client.restore', setsClient: true },
    schema: {
      tags,
      summary: 'Put a version back (as a PUT of its state); the answer is the client',
      description: 'If-Match is required (428 without, 412 when the client changed since). Goes through PUT\'s validation and roles: below admin, a version whose credential properties differ from the current ones is a 403. A JWK Set with private keys is stored as thumbprints only: such a version is restored only if the keys are still the same (422 otherwise). Properties the history never stores (registrationAccessTokenHash) keep their current values.',
      params: VersionParams,
      headers: IfMatchRequired,
      response: { 200: Client, ...problems(400, 401, 403, 404, 412, 422, 428, 502, 503, 504) }
    },
    // The write pipeline's `prepare` step, as PUT's (src/clients/client-change.ts): the change it makes
    // is then judged by the policy like any PUT; a stale tag or a forbidden credential property is
    // refused before the intent, and audited as PUT's refusals are.
    preHandler: async (request, reply) => {
      const { clientId, version } = request.params
      const ifMatch = request.headers['if-match']
      if (ifMatch === undefined) throw new errors.PreconditionRequired(clientId)
      const stored = await versionOf(clientId, version)
      const current = await app.auditRefusals(request, reply, () => readClient(authlete, request, clientId))
      const after = await app.auditRefusals(request, reply, () => {
        if (!ifMatchAccepts(ifMatch, clientEtag(current.bytes))) throw new errors.PreconditionFailed(clientId)
        const replacement = replacementFrom(stored, current.data)
        checkValid(version, replacement)
        const body = keepCredentials(roles(request), current.data, replacement, true)
        checkTeamMove(app.accessModel === 'teams', teams(request), teamOf(current.data), body.developer)
        return body
      })
      request.clientChange = { before: current.data, after }
      request.restoredFrom = { version }
    }
  }, async (request, reply) => {
    return answerClient(request, reply, await authlete.updateClient(request.upstreamCalls, request.params.clientId, request.clientChange!.after))
  })

  app.get('/api/history/deleted', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Deleted clients the history keeps, most recently deleted first (teams mode: your teams\' only)',
      querystring: DeletedQuery,
      response: { 200: Type.Object({ clients: Type.Array(DeletedClient), next: Nullable(Type.String()) }), ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const scoped = app.accessModel === 'teams' && !inEveryTeam(teams(request))
    return await history.deleted({ ...request.query, ...(scoped ? { teams: teams(request) } : {}) })
  })

  app.post('/api/history/deleted/:deletedClientId/restore', {
    config: { access: 'admin', audit: 'client.restore-deleted', setsClient: true },
    schema: {
      tags,
      summary: 'Recreate a deleted client from its last version: a NEW client, with a new ID and a new secret',
      description: 'Authlete never reuses a client ID: the answer names the new one and the old one. The client secret is new; a JWK Set with private keys (stored as thumbprints only) and the registration access token cannot come back (listed in notRestored).',
      params: DeletedParams,
      response: { 201: RestoredClient, ...problems(400, 401, 403, 404, 415, 422, 502, 503, 504) }
    },
    preHandler: async (request) => {
      const { deletedClientId } = request.params
      const last = await history.latest(deletedClientId)
      const team = typeof last?.client.developer === 'string' ? last.client.developer : null
      // Another team's deleted client is as absent as one never deleted.
      if (last?.action !== 'client.delete' || (app.accessModel === 'teams' && !inTeam(teams(request), team))) throw new errors.DeletedClientNotFound(deletedClientId)
      const { body, notRestored } = creatableFrom(last)
      checkValid(last.version, body)
      if (app.accessModel === 'teams') request.auditTeam = team
      // A create, as far as the policy goes (it may fill secure defaults the old client lacked).
      request.clientChange = { before: null, after: body }
      request.notRestored = notRestored
      request.restoredFrom = { version: last.version, clientId: deletedClientId }
    }
  }, async (request, reply) => {
    const oldClientId = request.params.deletedClientId
    const { data, bytes } = await authlete.createClient(request.upstreamCalls, request.clientChange!.after)
    const clientId = jsonScalarText(data.clientId)
    if (!/^\d+$/.test(clientId)) throw new errors.UpstreamUnreadable({ cause: new Error('upstream create answer without a numeric clientId') })
    request.createdClientId = clientId
    request.historyClient = data
    reply.code(201).header('etag', clientEtag(bytes)).header('location', `/api/clients/${clientId}`)
    return {
      clientId,
      oldClientId,
      message: `Client ${oldClientId} was restored as a NEW client ${clientId}: its client ID and its client secret are new. Give every application that used ${oldClientId} the new ID and secret.`,
      notRestored: request.notRestored!,
      client: data
    }
  })
}

// Teams mode: a restore that moves the client to another team needs membership of that team too,
// as a PUT does (src/teams/ownership.ts); no developer at all needs every team.
function checkTeamMove (teamsMode: boolean, teams: readonly string[], current: string | null, wanted: unknown): void {
  if (!teamsMode || (wanted ?? null) === current) return
  if (typeof wanted === 'string' ? inTeam(teams, wanted) : inEveryTeam(teams)) return
  throw new errors.NotYourTeam(typeof wanted === 'string' ? wanted : 'none (developer removed)')
}

export default historyRoutes
