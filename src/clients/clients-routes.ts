import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { Client, ClientInput, ClientMergePatch, SERVER_OWNED_PROPERTIES } from './client-schema.ts'
import { ClientIdParams, PageQuery, visibleClient } from './route-schemas.ts'
import { createClientEtag, ifMatchAccepts } from './etag.ts'
import { applyMergePatch } from './merge-patch.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { hasRole } from '../auth/roles.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { readClient } from './current-client.ts'
import { listAcrossTeams } from '../teams/union-pager.ts'

const tags = ['clients']
const JSON_TYPE = 'application/json; charset=utf-8'
const ETagHeader = Type.Object({ etag: Type.String({ description: 'Strong tag of the client; send it back in If-Match' }) })
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 1024 })) })

const ClientPage = Type.Object({
  clients: Type.Array(Client),
  total: Type.Integer({ description: 'How many clients match, in all' }),
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

  // PUT and PATCH with If-Match read the client first: a stale editor gets 412 instead of
  // overwriting someone else's change.
  async function currentClient (request: FastifyRequest, clientId: string, ifMatch: string | undefined): Promise<AuthleteClient> {
    const { data, bytes } = await readClient(authlete, request, clientId)
    if (!ifMatchAccepts(ifMatch, clientEtag(bytes))) throw new errors.PreconditionFailed(clientId)
    return data
  }

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
    const { clients, total } = await listAcrossTeams(app, request, developer, offset, limit, page => authlete.listClients(request.upstreamCalls, page))
    return { clients: clients.map(client => visibleClient(client, roles(request))), total, offset, limit }
  })

  app.post('/api/clients', {
    config: { access: 'editor', audit: 'client.create' },
    schema: {
      tags,
      summary: 'Create a client; the answer carries its generated secret',
      body: ClientInput,
      response: { 201: Client, ...problems(400, 401, 403, 415, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const { data, bytes } = await authlete.createClient(request.upstreamCalls, request.body)
    reply.code(201).header('etag', clientEtag(bytes)).header('location', `/api/clients/${encodeURIComponent(jsonScalarText(data.clientId))}`)
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
    config: { access: 'editor', audit: 'client.update' },
    schema: {
      tags,
      summary: 'Replace a client\'s writable properties',
      params: ClientIdParams,
      headers: IfMatchHeaders,
      body: ClientInput,
      response: { 200: Client, ...problems(400, 401, 403, 404, 412, 415, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const { clientId } = request.params
    if (request.headers['if-match'] !== undefined) await currentClient(request, clientId, request.headers['if-match'])
    return answerClient(request, reply, await authlete.updateClient(request.upstreamCalls, clientId, request.body))
  })

  app.patch('/api/clients/:clientId', {
    config: { access: 'editor', audit: 'client.patch' },
    schema: {
      tags,
      summary: 'Change some properties (JSON merge patch, RFC 7396)',
      params: ClientIdParams,
      headers: IfMatchHeaders,
      body: ClientMergePatch,
      response: { 200: Client, ...problems(400, 401, 403, 404, 412, 415, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const { clientId } = request.params
    const current = await currentClient(request, clientId, request.headers['if-match'])
    const writable = { ...current }
    for (const name of SERVER_OWNED_PROPERTIES) delete writable[name]
    const merged = applyMergePatch(writable, request.body) as AuthleteClient
    return answerClient(request, reply, await authlete.updateClient(request.upstreamCalls, clientId, merged))
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
