import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'
import { RoleSchema } from './roles.ts'
import { TeamsSchema } from '../teams/membership.ts'
import { administers } from '../teams/user-admin.ts'

const tags = ['auth']
const PAGE_DEFAULT = 100
const PAGE_MAX = 500

const LocalUser = Type.Object({
  username: Type.String(),
  roles: Type.Array(RoleSchema),
  teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams: the user\'s teams in the users file (* for every team)' })
})

const UsersQuery = Type.Object({
  offset: Type.Integer({ minimum: 0, maximum: 10_000, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT, description: `Users per page, by name (default ${PAGE_DEFAULT}, at most ${PAGE_MAX})` })
}, { additionalProperties: false })

/**
 * The local users as the users file has them now (BFF_USERS_FILE, or the sandbox's): names, roles and
 * teams, never a password hash. Their sessions and tokens are /auth/sessions and /auth/tokens. In teams
 * mode an admin of some teams sees the users they may act on: those all of whose teams are theirs.
 */
const userListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/users', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'The local users (users file) with their roles and teams, a page at a time, by name (admin); never a password hash',
      querystring: UsersQuery,
      response: { 200: Type.Object({ users: Type.Array(LocalUser), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer() }), ...problems(400, 401, 403) }
    }
  }, async (request) => {
    const { offset, limit } = request.query
    const admin = request.identity!
    const isAdmin = (username: string) => admin.source === 'local' && admin.username === username
    const users = app.accessModel === 'teams' ? app.users.list().filter(user => isAdmin(user.username) || administers(admin.teams ?? [], user.teams ?? [])) : app.users.list()
    return { users: users.slice(offset, offset + limit), total: users.length, offset, limit }
  })
}

export default userListRoutes
