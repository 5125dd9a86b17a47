import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { recordRefusedRead } from '../audit/audit-trail.ts'
import { samePrincipal, type Principal } from '../auth/identity.ts'
import { inEveryTeam } from './membership.ts'

/**
 * The teams a user belongs to, as far as the proxy knows. A local user's are the users file's (every
 * session and token of theirs is capped by it at each request). An external user's come from a claim
 * at each sign-in, so they are the teams of whatever the user holds here: their live sessions and API
 * tokens. A local user gone from the file counts the same way.
 */
async function teamsOfUser (app: FastifyInstance, user: Principal): Promise<string[]> {
  const listed = user.source === 'local' ? app.users.teamsOf(user.username) : undefined
  if (listed !== undefined) return listed
  const [sessions, tokens] = await Promise.all([app.sessions.listByUser(user), app.apiTokens.listByUser(user)])
  return [...new Set([...sessions, ...tokens].flatMap(held => held.teams ?? []))]
}

/** An admin of `adminTeams` may act on a user of `userTeams`: `*` on everyone, others on users all of whose teams are theirs (never a `*` user). */
export function administers (adminTeams: readonly string[], userTeams: readonly string[]): boolean {
  if (inEveryTeam(adminTeams)) return true
  return !inEveryTeam(userTeams) && userTeams.every(team => adminTeams.includes(team))
}

/**
 * ACCESS_MODEL=teams: an admin acts on another user (their tokens, sessions, login failures) only when
 * the admin's teams include every team of that user; otherwise 403 BFF_NOT_YOUR_TEAM before anything
 * changes. On a route with an audit action the refusal is its outcome, `denied`; a read (no action
 * of its own) is recorded as `readAction`, denied.
 */
export async function refuseUsersOutsideTeams (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, users: Principal[], readAction?: string): Promise<void> {
  if (app.accessModel !== 'teams') return
  const admin = request.identity!
  for (const user of users) {
    if (samePrincipal(user, admin) || administers(admin.teams ?? [], await teamsOfUser(app, user))) continue
    request.auditDenied = true
    if (readAction !== undefined) {
      request.auditTarget = user
      // A list has no audit action of its own: the refusal is its record (403, the answer it gets).
      reply.code(403)
      await recordRefusedRead(app.auditTrail, request, reply, readAction).catch((error: unknown) => {
        request.log.error({ err: error }, 'audit trail: refused read not recorded')
      })
    }
    throw new errors.UserOutsideYourTeams(user.username)
  }
}
