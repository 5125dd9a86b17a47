import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'
import { Client } from './client-schema.ts'
import { listAcrossTeams } from '../teams/union-pager.ts'
import type { Page } from '../upstream/authlete-api.ts'
import { teamOf } from '../teams/membership.ts'
import { ClientSubjectParams, PageCounts, PageQuery, SubjectParams, UpstreamResult, visibleClient } from './route-schemas.ts'

const tags = ['authorizations']
const upstreamProblems = problems(400, 401, 403, 404, 502, 503, 504)
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\s]+$' }), { maxItems: 1000 })

const GrantedScopes = Type.Object({
  subject: Type.Optional(Type.String()),
  latestGrantedScopes: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()])),
  mergedGrantedScopes: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Null()]))
}, { additionalProperties: true, description: 'Authlete\'s granted-scopes answer, as it answered' })

const authorizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { authlete } = app

  app.get('/api/subjects/:subject/clients', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'Clients the end-user has authorized',
      params: SubjectParams,
      querystring: PageQuery,
      response: {
        200: Type.Object({ subject: Type.String(), clients: Type.Array(Client), ...PageCounts, offset: Type.Integer(), limit: Type.Integer() }),
        ...upstreamProblems
      }
    }
  }, async (request) => {
    // API 3.0 lists authorized clients without their developer: a team is then read from the client.
    const readTeam = async (clientId: string) => teamOf((await authlete.getClient(request.upstreamCalls, clientId).catch(missingAsEmpty)).data)
    const { subject } = request.params
    const { developer, offset, limit } = request.query
    const fetch = (page: Page) => authlete.listAuthorizedClients(request.upstreamCalls, subject, page)
    const { clients, ...totals } = await listAcrossTeams(app, request, { operation: 'listAuthorizedClients', developer, offset, limit, fetch, readTeam })
    const roles = request.identity?.roles ?? []
    return { subject, clients: clients.map(client => visibleClient(client, roles)), ...totals, offset, limit }
  })

  app.put('/api/clients/:clientId/authorizations/:subject', {
    config: { access: 'editor', audit: 'authorization.update' },
    schema: {
      tags,
      summary: 'Change the scopes of the tokens the end-user holds for the client',
      params: ClientSubjectParams,
      body: Type.Object({ scopes: Type.Optional(Scopes) }, { additionalProperties: false }),
      response: { 200: UpstreamResult, ...problems(415), ...upstreamProblems }
    }
  }, async (request) => {
    const { clientId, subject } = request.params
    const { data } = await authlete.updateAuthorization(request.upstreamCalls, clientId, subject, request.body.scopes)
    return data
  })

  app.delete('/api/clients/:clientId/authorizations/:subject', {
    config: { access: 'editor', audit: 'authorization.delete' },
    schema: { tags, summary: 'Delete the tokens the end-user holds for the client', params: ClientSubjectParams, response: { 200: UpstreamResult, ...upstreamProblems } }
  }, async (request) => {
    const { data } = await authlete.deleteAuthorization(request.upstreamCalls, request.params.clientId, request.params.subject)
    return data
  })

  app.get('/api/clients/:clientId/granted-scopes/:subject', {
    config: { access: 'viewer' },
    schema: { tags, summary: 'Scopes the end-user has granted to the client', params: ClientSubjectParams, response: { 200: GrantedScopes, ...upstreamProblems } }
  }, async (request) => {
    const { data } = await authlete.getGrantedScopes(request.upstreamCalls, request.params.clientId, request.params.subject)
    return data
  })

  app.delete('/api/clients/:clientId/granted-scopes/:subject', {
    config: { access: 'editor', audit: 'granted-scopes.delete' },
    schema: { tags, summary: 'Forget the scopes the end-user has granted to the client', params: ClientSubjectParams, response: { 200: UpstreamResult, ...upstreamProblems } }
  }, async (request) => {
    const { data } = await authlete.deleteGrantedScopes(request.upstreamCalls, request.params.clientId, request.params.subject)
    return data
  })
}

// A client deleted since it was listed has no team.
function missingAsEmpty (error: unknown): { data: Record<string, unknown> } {
  if ((error as { statusCode?: number }).statusCode === 404) return { data: {} }
  throw error
}

export default authorizationRoutes
