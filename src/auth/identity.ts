import type { FastifyRequest } from 'fastify'
import type { Role } from './roles.ts'

/**
 * Who is calling, however they proved it. `via` says how: a session cookie (local or OIDC login), a
 * personal API token, or a JWT from the trusted gateway. Only cookie-borne identities need a CSRF token:
 * a browser attaches cookies on its own, never an Authorization or gateway header.
 */
export interface Identity {
  username: string
  roles: Role[]
  via: 'session' | 'api-token' | 'gateway'
  /** A label of the credential used, never the credential: the API token's id, the gateway's issuer. */
  credential: string | null
  /** ACCESS_MODEL=teams: the teams whose clients the caller may manage (`*`: every team; src/teams). */
  teams?: string[]
}

/**
 * Recognises one kind of credential. Answers null when the request does not carry that kind (the next
 * authenticator is asked); throws `errors.Unauthenticated` when it carries one that does not hold up,
 * so a bad token is never silently downgraded to a cookie or to anonymous.
 */
export interface Authenticator {
  name: string
  authenticate: (request: FastifyRequest) => Promise<Identity | null>
}
