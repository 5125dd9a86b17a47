import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../../http/errors.ts'
import { problems } from '../../http/problem-schema.ts'
import { hasRole, RoleSchema } from '../roles.ts'
import type { Identity } from '../identity.ts'
import { Username } from '../session-admin-routes.ts'
import { refuseApiTokens } from './bearer-authenticator.ts'
import { mintToken } from './token-format.ts'
import type { ApiTokenRecord, TokenStore } from './token-store.ts'
import { TeamsSchema } from '../../teams/membership.ts'
import { tokenTeams } from '../../teams/token-teams.ts'

const tags = ['auth']
const DAY_MS = 86_400_000
const TokenId = Type.String({ pattern: '^[0-9a-f]{24}$', description: 'The token\'s id (also part of its value: bfft_<id>_...)' })

const TokenView = Type.Object({
  id: TokenId,
  name: Type.String(),
  username: Type.String({ description: 'The owner: requests with the token act as, and are audited as, this user' }),
  roles: Type.Array(RoleSchema),
  teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams: the teams the token acts for' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time', description: 'To within a minute' }), Type.Null()])
})

const CreatedToken = Type.Object({
  ...TokenView.properties,
  token: Type.String({ description: 'Send it as Authorization: Bearer <token>. Shown this once: only its hash is kept' })
})

const ForUser = Type.Object({
  username: Type.Optional({ ...Username, description: 'Admins only: another user\'s tokens' })
}, { additionalProperties: false })

function view (record: ApiTokenRecord) {
  return {
    id: record.id,
    name: record.name,
    username: record.username,
    roles: record.roles,
    ...(record.teams === undefined ? {} : { teams: record.teams }),
    createdBy: record.createdBy,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt).toISOString()
  }
}

/** The user whose tokens a request is about: the caller, or (admins only) the one named. */
function ownerFor (identity: Identity, username: string | undefined): string {
  if (username === undefined || username === identity.username) return identity.username
  if (!hasRole(identity.roles, 'admin')) throw new errors.Forbidden('admin')
  return username
}

// Tokens are managed in person (session or gateway identity), never with a token: a leaked token
// cannot mint itself a successor that outlives its revocation, nor revoke its owner's other tokens.
const tokenRoutes: FastifyPluginAsyncTypebox<{ store: TokenStore, maxDays: number }> = async (app, { store, maxDays }) => {
  app.post('/auth/tokens', {
    config: { access: 'session', audit: 'auth.token.create' },
    onRequest: refuseApiTokens,
    schema: {
      tags,
      summary: 'Create a personal API token; its value is in this answer only',
      description: 'Roles may not be above the creator\'s. Admins may create a token for another user (a service account, say) with `username`.',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
        roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
        teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams: a subset of your teams (default: all of them)' }),
        expiresInDays: Type.Integer({ minimum: 1, maximum: maxDays, description: 'At most API_TOKEN_MAX_DAYS' }),
        username: Type.Optional({ ...Username, description: 'Admins only: the user the token is for (default: the caller)' })
      }, { additionalProperties: false }),
      response: { 201: CreatedToken, ...problems(400, 401, 403, 415, 503) }
    }
  }, async (request, reply) => {
    const creator = request.identity!
    const owner = ownerFor(creator, request.body.username)
    const above = request.body.roles.find(role => !hasRole(creator.roles, role))
    if (above !== undefined) throw new errors.RoleCeiling(above)
    const teams = app.accessModel === 'teams' ? tokenTeams(creator, request.body.teams) : undefined
    const minted = mintToken()
    const now = Date.now()
    const record: ApiTokenRecord = {
      id: minted.id,
      username: owner,
      name: request.body.name,
      roles: request.body.roles,
      ...(teams === undefined ? {} : { teams }),
      createdBy: creator.username,
      createdAt: now,
      expiresAt: now + request.body.expiresInDays * DAY_MS,
      lastUsedAt: null,
      hash: minted.hash
    }
    await store.create(record)
    request.log.info({ tokenId: record.id, owner, roles: record.roles, expiresAt: record.expiresAt }, 'api token created')
    return reply.code(201).send({ ...view(record), token: minted.value })
  })

  app.get('/auth/tokens', {
    config: { access: 'session' },
    onRequest: refuseApiTokens,
    schema: {
      tags,
      summary: 'Your unexpired API tokens (admins: anyone\'s, with ?username=); never their values',
      querystring: ForUser,
      response: { 200: Type.Object({ tokens: Type.Array(TokenView) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request) => {
    const tokens = await store.listByUser(ownerFor(request.identity!, request.query.username))
    return { tokens: tokens.sort((a, b) => b.createdAt - a.createdAt).map(view) }
  })

  app.delete('/auth/tokens/:id', {
    config: { access: 'session', audit: 'auth.token.revoke' },
    onRequest: refuseApiTokens,
    schema: {
      tags,
      summary: 'Revoke an API token: yours, or anyone\'s for an admin; it stops working on every replica',
      params: Type.Object({ id: TokenId }),
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 503) }
    }
  }, async (request, reply) => {
    const identity = request.identity!
    const { id } = request.params
    const record = await store.get(id)
    // Someone else's token is as absent as an unknown one: ids of others' tokens are not confirmed.
    if (record === undefined || (record.username !== identity.username && !hasRole(identity.roles, 'admin'))) throw new errors.ApiTokenNotFound(id)
    await store.delete(id)
    request.log.info({ tokenId: id, owner: record.username }, 'api token revoked')
    return reply.code(204).send(null)
  })
}

export default tokenRoutes
