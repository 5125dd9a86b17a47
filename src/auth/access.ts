import { timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { hasRole, type Role } from './roles.ts'
import { capRoles, type Authenticator, type Identity } from './identity.ts'
import { capTeams } from '../teams/membership.ts'
import { sessionSource } from './stores/session-store.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: a role, or 'session' for any authenticated caller. Unset: public. */
    access?: Role | 'session'
  }
  interface FastifyInstance {
    /** Credential kinds besides the session cookie, asked in the order they were added. */
    authenticators: Authenticator[]
  }
  interface FastifyRequest {
    identity: Identity | null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

// Runs at onRequest, before the body is read: an anonymous or forged request is refused whatever it
// sends, and nothing of it is parsed or forwarded.
async function accessPlugin (app: FastifyInstance): Promise<void> {
  app.decorate('authenticators', [])
  app.decorateRequest('identity', null)
  app.addHook('onRequest', async (request) => {
    const access = requiredAccess(request)
    if (access === undefined) return
    const identity = currentLocalRoles(app, await identify(app, request))
    if (identity === null) throw new errors.Unauthenticated()
    request.identity = identity
    if (identity.via === 'session' && !SAFE_METHODS.has(request.method) && !tokenMatches(request.headers['x-csrf-token'], request.session!.csrfToken)) {
      throw new errors.CsrfRejected()
    }
    if (access !== 'session' && !hasRole(identity.roles, access)) throw new errors.Forbidden(access)
  })
}

async function identify (app: FastifyInstance, request: FastifyRequest): Promise<Identity | null> {
  for (const authenticator of app.authenticators) {
    const identity = await authenticator.authenticate(request)
    if (identity !== null) return identity
  }
  const session = await app.sessions.load(request)
  if (session === null) return null
  return { source: sessionSource(session), username: session.username, roles: session.roles, via: 'session', credential: null, ...(session.teams === undefined ? {} : { teams: session.teams }) }
}

// A session or token carries the roles its user had when it was made; the users file says what they
// have now. The smaller wins, and a user gone from the file is nobody (401), whatever they still hold.
// External identities have no file to ask: the gateway's token is checked at every request, an OIDC
// session lasts at most SESSION_MAX_AGE.
function currentLocalRoles (app: FastifyInstance, identity: Identity | null): Identity | null {
  if (identity?.source !== 'local') return identity
  const granted = app.users.rolesOf(identity.username)
  if (granted === undefined) return null
  const teams = identity.teams === undefined ? {} : { teams: capTeams(identity.teams, app.users.teamsOf(identity.username) ?? []) }
  return { ...identity, roles: capRoles(identity.roles, granted), ...teams }
}

function requiredAccess (request: FastifyRequest): Role | 'session' | undefined {
  const access = request.routeOptions.config.access
  if (access !== undefined) return access
  // Unknown /api paths too: an anonymous caller learns nothing about which routes exist.
  // The path alone: `/api?x` is /api too.
  const path = request.url.split('?', 1)[0]!
  return path.startsWith('/api/') || path === '/api' ? 'session' : undefined
}

function tokenMatches (header: string | string[] | undefined, expected: string): boolean {
  if (typeof header !== 'string') return false
  const given = Buffer.from(header)
  const wanted = Buffer.from(expected)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

export default fp(accessPlugin, { name: 'access', fastify: '5.x', dependencies: ['sessions', 'users'] })
