import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../errors.ts'
import { problems } from '../problem-schema.ts'
import { RoleSchema } from './roles.ts'
import type { UserDirectory } from './users.ts'

const tags = ['auth']

const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false })

const SessionView = Type.Object({
  username: Type.String(),
  roles: Type.Array(RoleSchema),
  csrfToken: Type.String({ description: 'Send it back as the x-csrf-token header on every request that is not GET, HEAD or OPTIONS' })
})

const SessionDetails = Type.Object({
  ...SessionView.properties,
  expiresAt: Type.String({ format: 'date-time', description: 'When the session ends unless used again (idle timeout), never later than its absolute lifetime' })
})

const authRoutes: FastifyPluginAsyncTypebox<{ users: UserDirectory }> = async (app, { users }) => {
  app.post('/auth/login', {
    schema: {
      tags,
      summary: 'Sign in with a local user; sets the session cookie',
      body: LoginBody,
      response: { 200: SessionView, ...problems(400, 401, 415) }
    }
  }, async (request, reply) => {
    const user = await users.authenticate(request.body.username, request.body.password)
    if (user === undefined) throw new errors.BadCredentials()
    const session = await app.sessions.start(request, reply, user)
    request.log.info({ username: user.username }, 'login')
    return { username: session.username, roles: session.roles, csrfToken: session.csrfToken }
  })

  app.get('/auth/session', {
    config: { access: 'session' },
    schema: { tags, summary: 'The current session', response: { 200: SessionDetails, ...problems(401) } }
  }, async (request) => {
    const session = request.session!
    return {
      username: session.username,
      roles: session.roles,
      csrfToken: session.csrfToken,
      expiresAt: new Date(session.expiresAt).toISOString()
    }
  })

  app.post('/auth/logout', {
    config: { access: 'session' },
    schema: { tags, summary: 'End the session everywhere; the cookie stops working', response: { 204: Type.Null(), ...problems(401, 403) } }
  }, async (request, reply) => {
    await app.sessions.end(request, reply)
    return reply.code(204).send(null)
  })
}

export default authRoutes
