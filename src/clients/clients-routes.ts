import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { Client, ClientInput, ClientMergePatch, ClientReplacement } from './client-schema.ts'
import { ClientIdParams, PageCounts, PageQuery, visibleClient } from './route-schemas.ts'
import { createClientEtag } from './etag.ts'
import type { AuthleteClient, Page } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { hasRole } from '../auth/roles.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { readClient } from './current-client.ts'
import { clientChangeSteps } from './client-change.ts'
import { listAcrossTeams } from '../teams/union-pager.ts'

const tags = ['clients']
const JSON_TYPE = 'application/json; charset=utf-8'
const ETagHeader = Type.Object({ etag: Type.String({ description: 'Strong tag of the client; send it back in If-Match' }) })
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1024 })) })

const ClientPage = Type.Object({
  clients: Type.Array(Client),
  ...PageCounts,
  offset: Type.Integer(),
  limit: Type.Integer()
})

const clientsRoutes: FastifyPluginAsyncTypebox<{ etagKey: string }> = async (app, { etagKey }) => {
  const { authlete } = app
  const clientEtag = createClientEtag(etagKey)

  const roles = (request: FastifyRequest) => request.identity?.roles ?? []
  // Admins get Authlete's answer byte for byte; other roles get it without the secret.
  const answerClient = (request: FastifyRequest, reply: FastifyReply, answer: UpstreamAnswer<AuthleteClient>) => {
    reply.header('etag', clientEtag(answer.bytes))
    if (hasRole(roles(request), 'admin')) return reply.type(JSON_TYPE).send(answer.bytes)
    return visibleClient(answer.data, roles(request))
  }

  // The prepare steps (client-change.ts): the whole client each write sets, read and checked before the intent.
  const prepare = clientChangeSteps(app, clientEtag)

  app.get('/api/clients', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'List clients, a page at a time',
      querystring: PageQuery,
      response: { 200: ClientPage, ...problems(400, 401, 403, 502, 503, 504) }
    }
  }, async (request) => {
    const { developer, offset, limit } = request.query
    const fetch = (page: Page) => authlete.listClients(request.upstreamCalls, page)
    const { clients, ...totals } = await listAcrossTeams(app, request, { operation: 'listClients', developer, offset, limit, fetch })
    return { clients: clients.map(client => visibleClient(client, roles(request))), ...totals, offset, limit }
  })

  app.post('/api/clients', {
    config: { access: 'editor', audit: 'client.create', setsClient: true },
    schema: {
      tags,
      summary: 'Create a client; the answer carries its generated secret',
      description: 'Editors choose clientType and tokenAuthMethod; the other credential properties (tokenAuthSignAlg, jwks, jwksUri, selfSignedCertificateKeyId, registrationAccessTokenHash, tlsClientAuth*) can be given by admins only (403 otherwise); Authlete\'s defaults apply. The security policy (docs/policy.md) refuses a client that would break it (422 BFF_POLICY_VIOLATION, listing violations) and fills what the body leaves out with its secure values (named in X-Policy-Filled).',
      body: ClientInput,
      response: { 201: Client, ...problems(400, 401, 403, 415, 502, 503, 504) }
    },
    preHandler: prepare.create
  }, async (request, reply) => {
    const { data, bytes } = await authlete.createClient(request.upstreamCalls, request.clientChange!.after)
    const clientId = jsonScalarText(data.clientId)
    // Without its ID the new client cannot be named in Location (nor found again by the caller).
    if (!/^\d+$/.test(clientId)) throw new errors.UpstreamUnreadable({ cause: new Error('upstream create answer without a numeric clientId') })
    request.createdClientId = clientId
    reply.code(201).header('etag', clientEtag(bytes)).header('location', `/api/clients/${clientId}`)
    return data
  })

  app.get('/api/clients/:clientId', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Read a client',
      params: ClientIdParams,
      response: { 200: { ...Client, headers: ETagHeader }, ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request, reply) => {
    return answerClient(request, reply, await readClient(authlete, request, request.params.clientId))
  })

  app.put('/api/clients/:clientId', {
    config: { access: 'editor', audit: 'client.update', setsClient: true },
    schema: {
      tags,
      summary: 'Replace a client\'s writable properties (those left out are cleared; PATCH changes some)',
      description: 'PUT replaces: every writable property left out of the body is cleared, except credential properties (clientType, tokenAuthMethod, tokenAuthSignAlg, jwks, jwksUri, selfSignedCertificateKeyId, registrationAccessTokenHash, tlsClientAuth*), which admins only can change: below admin, a different value is a 403 and the ones left out are kept as they are. A client as GET answered it may be sent back edited: its server-owned properties are accepted when they equal the current values, and ignored; one that differs is a 400 naming it.',
      params: ClientIdParams,
      headers: IfMatchHeaders,
      body: ClientReplacement,
      response: { 200: Client, ...problems(400, 401, 403, 404, 412, 415, 502, 503, 504) }
    },
    preHandler: prepare.replace
  }, async (request, reply) => {
    return answerClient(request, reply, await authlete.updateClient(request.upstreamCalls, request.params.clientId, request.clientChange!.after))
  })

  app.patch('/api/clients/:clientId', {
    config: { access: 'editor', audit: 'client.patch', setsClient: true },
    schema: {
      tags,
      summary: 'Change some properties (JSON merge patch, RFC 7396)',
      description: 'Changing a credential property (clientType, tokenAuthMethod, tokenAuthSignAlg, jwks, jwksUri, selfSignedCertificateKeyId, registrationAccessTokenHash, tlsClientAuth*) needs admin (403 naming it).',
      params: ClientIdParams,
      headers: IfMatchHeaders,
      body: ClientMergePatch,
      response: { 200: Client, ...problems(400, 401, 403, 404, 412, 415, 502, 503, 504) }
    },
    preHandler: prepare.patch
  }, async (request, reply) => {
    return answerClient(request, reply, await authlete.updateClient(request.upstreamCalls, request.params.clientId, request.clientChange!.after))
  })

  app.delete('/api/clients/:clientId', {
    config: { access: 'admin', audit: 'client.delete' },
    schema: {
      tags,
      summary: 'Delete a client',
      params: ClientIdParams,
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request, reply) => {
    await authlete.deleteClient(request.upstreamCalls, request.params.clientId)
    return reply.code(204).send(null)
  })
}

export default clientsRoutes
