import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { RoleSchema } from './roles.ts'
import { IdentitySourceSchema } from './identity.ts'
import { TeamsSchema } from '../teams/membership.ts'
import { givenUsername } from '../audit/audit-trail.ts'

const tags = ['auth']

const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false })

const Source = { ...IdentitySourceSchema, description: 'Where the identity comes from: local (users file), oidc (OpenID Provider login) or gateway; for an API token, its owner\'s' }

const SessionView = Type.Object({
  source: Source,
  username: Type.String(),
  roles: Type.Array(RoleSchema),
  csrfToken: Type.String({ description: 'Send it back as the x-csrf-token header on every request that is not GET, HEAD or OPTIONS' })
})

// Any identity may ask: an API token or gateway caller has no cookie session, so no CSRF token or expiry.
const SessionDetails = Type.Object({
  source: Source,
  username: Type.String(),
  roles: Type.Array(RoleSchema, { description: 'What this request may do: the credential\'s roles, capped by what the users file grants now (local users)' }),
  teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams only: the teams whose clients you manage (* for every team)' }),
  csrfToken: Type.Optional(Type.String({ description: 'Cookie sessions only: send it back as the x-csrf-token header on every request that is not GET, HEAD or OPTIONS' })),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'Cookie sessions only: when the session ends unless used again (idle timeout), never later than its absolute lifetime' })),
  idleTimeoutSeconds: Type.Optional(Type.Integer({ description: 'Cookie sessions only: SESSION_IDLE_TIMEOUT, how long the session lasts unused (each use extends it, give or take a tenth of it, at most a minute)' }))
})

const LogoutAtProvider = Type.Object({
  logoutUrl: Type.String({ format: 'uri', description: 'The OpenID Provider\'s end-session URL (id_token_hint, client_id, post_logout_redirect_uri)' })
})

const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/auth/login', {
    config: { signIn: 'local' },
    schema: {
      tags,
      summary: 'Sign in with a local user; sets the session cookie',
      body: LoginBody,
      response: { 200: SessionView, ...problems(400, 401, 415, 429, 503) }
    }
  }, async (request, reply) => {
    const { username, password } = request.body
    request.signInAttempt = { username: givenUsername(username) }
    const user = await app.loginThrottle.check(request, username, async () => await app.users.authenticate(username, password))
    if (user === undefined) throw new errors.BadCredentials()
    app.refuseTooManyTeams(user.teams)
    const session = await app.sessions.start(request, reply, { source: 'local', ...user })
    request.signInAttempt = { username: user.username, roles: user.roles }
    app.loginThrottle.trustBrowser(request, reply, user.username)
    request.log.info({ username: user.username }, 'login')
    return { source: 'local' as const, username: session.username, roles: session.roles, csrfToken: session.csrfToken }
  })

  app.get('/auth/session', {
    config: { access: 'session' },
    schema: { tags, summary: 'Who is calling: the cookie session, or the API token or gateway identity', response: { 200: SessionDetails, ...problems(401, 503) } }
  }, async (request) => {
    const { session } = request
    const identity = request.identity!
    const teams = app.accessModel === 'teams' ? { teams: identity.teams ?? [] } : {}
    const who = { source: identity.source, username: identity.username, roles: identity.roles, ...teams }
    if (identity.via !== 'session' || session === null) return who
    return {
      ...who,
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString(),
      idleTimeoutSeconds: app.sessions.idleTimeoutMs / 1000
    }
  })

  app.post('/auth/logout', {
    config: { access: 'session' },
    schema: {
      tags,
      summary: 'End the session everywhere; the cookie stops working',
      description: 'For a session from OIDC login, when the provider offers RP-initiated logout, answers 200 with the provider\'s logout URL: send the browser there to end the provider\'s session too. Otherwise 204.',
      response: { 200: LogoutAtProvider, 204: Type.Null(), ...problems(400, 401, 403) }
    }
  }, async (request, reply) => {
    if (request.identity?.via !== 'session') throw new errors.NotASession()
    // Read before the session is gone; the URL carries the ID token as id_token_hint.
    const logoutUrl = app.oidc?.logoutUrl(request.session?.provider)
    await app.sessions.end(request, reply)
    if (logoutUrl !== undefined) return { logoutUrl }
    return reply.code(204).send(null)
  })
}

export default authRoutes
