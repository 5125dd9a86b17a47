import { hash } from 'node:crypto'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { problems } from '../http/problem-schema.ts'
import { refuseApiTokens } from './tokens/bearer-authenticator.ts'
import { ExternalUsernameSchema, IdentitySourceSchema, type Principal } from './identity.ts'
import { refuseUsersOutsideTeams } from '../teams/user-admin.ts'

const tags = ['auth']

/**
 * A username as logins produce it: local ones are stricter still, OIDC and gateway ones are refused at
 * login unless printable and at most 128 characters, so an admin can always name any user who got in.
 */
export const Username = ExternalUsernameSchema

/** `?username=alice&source=oidc`: which user an admin route is about; the source defaults to local. */
export const UserQuery = Type.Object({
  username: Username,
  source: Type.Optional({ ...IdentitySourceSchema, default: 'local', description: 'Where the user comes from (default local): usernames are unique within a source only' })
}, { additionalProperties: false })

export function queriedUser (request: FastifyRequest): Principal {
  const { username, source } = request.query as { username: string, source?: Principal['source'] }
  return { source: source ?? 'local', username }
}

const ByUser = UserQuery

const SessionSummary = Type.Object({
  id: Type.String({ description: 'A label of the session for telling them apart; not its cookie, which is never shown' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time', description: 'Last use, to within a minute' }),
  expiresAt: Type.String({ format: 'date-time', description: 'When it ends unless used again, never later than its absolute lifetime' }),
  login: Type.Enum(['local', 'oidc'], { description: 'Kept for older scripts: the same as the queried source' }),
  issuer: Type.Optional(Type.String({ description: 'The OpenID Provider, for OIDC logins' })),
  current: Type.Boolean({ description: 'The session making this request' })
})

// Admins only, and in person: a leaked API token must not be able to sign everybody out.
const sessionAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/auth/sessions', {
    config: { access: 'admin' },
    onRequest: refuseApiTokens,
    schema: {
      tags,
      summary: 'A user\'s active sessions (admin)',
      querystring: ByUser,
      response: { 200: Type.Object({ sessions: Type.Array(SessionSummary) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    const target = queriedUser(request)
    await refuseUsersOutsideTeams(app, request, reply, [target], 'auth.sessions.list')
    const sessions = await app.sessions.listByUser(target)
    return {
      sessions: sessions.sort((a, b) => b.createdAt - a.createdAt).map(session => ({
        id: hash('sha256', `session-label:${session.key}`, 'base64url').slice(0, 22),
        createdAt: new Date(session.createdAt).toISOString(),
        lastSeenAt: new Date(session.lastSeenAt).toISOString(),
        expiresAt: new Date(session.expiresAt).toISOString(),
        login: session.provider === undefined ? 'local' as const : 'oidc' as const,
        ...(session.provider === undefined ? {} : { issuer: session.provider.issuer }),
        current: session.key === request.session?.key
      }))
    }
  })

  app.delete('/auth/sessions', {
    config: { access: 'admin', audit: 'auth.sessions.revoke' },
    onRequest: refuseApiTokens,
    preHandler: async request => { request.auditTarget = queriedUser(request) },
    schema: {
      tags,
      summary: 'Sign a user out everywhere: ends all their sessions on every replica (admin)',
      description: 'API tokens are not affected: list and revoke them with /auth/tokens.',
      querystring: ByUser,
      response: { 200: Type.Object({ revoked: Type.Integer({ description: 'How many sessions were ended' }) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    const target = queriedUser(request)
    await refuseUsersOutsideTeams(app, request, reply, [target])
    const revoked = await app.sessionStore.deleteByUser(target)
    request.log.info({ target, revoked }, 'sessions revoked')
    return { revoked }
  })
}

export default sessionAdminRoutes
