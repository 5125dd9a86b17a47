import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ROLES, type Role } from './roles.ts'

/**
 * Where an identity comes from. Usernames are only unique within a source: the OIDC account `alice`
 * and the local user `alice` are two people, and nothing keyed on a username alone may mix them.
 * An API token's identity is its owner's source.
 */
export const IDENTITY_SOURCES = ['local', 'oidc', 'gateway'] as const
export type IdentitySource = typeof IDENTITY_SOURCES[number]
export const IdentitySourceSchema = Type.Enum(IDENTITY_SOURCES)

/** A person (or service account) as every store and admin route names them: the pair, never the name alone. */
export interface Principal {
  source: IdentitySource
  username: string
}

/**
 * Who is calling, however they proved it. `via` says how: a session cookie (local or OIDC login), a
 * personal API token, or a JWT from the trusted gateway. Only cookie-borne identities need a CSRF token:
 * a browser attaches cookies on its own, never an Authorization or gateway header.
 */
export interface Identity extends Principal {
  roles: Role[]
  via: 'session' | 'api-token' | 'gateway' | 'approval'
  /** A label of the credential used, never the credential: the API token's id, the gateway's issuer. */
  credential: string | null
  /** An API token that someone other than its owner created (an admin, for a service account): who. */
  tokenCreatedBy?: Principal
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

export function samePrincipal (a: Principal, b: Principal): boolean {
  return a.source === b.source && a.username === b.username
}

/** One string for a principal, for keys of counters and indexes; the source cannot contain the colon. */
export function principalKey ({ source, username }: Principal): string {
  return `${source}:${username}`
}

export const MAX_EXTERNAL_USERNAME_LENGTH = 128
// Printable: no control, format (zero-width, bidi overrides), surrogate, private-use or unassigned
// character, no line or paragraph separator. What an IdP or gateway names a user is shown in lists,
// logs and the audit trail; nothing in it may forge a line or hide a look-alike.
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]+$/u

/** Why an OIDC or gateway username is refused, or undefined when it is acceptable. */
export function externalUsernameProblem (username: unknown): string | undefined {
  if (typeof username !== 'string' || username === '') return 'is missing or empty'
  if ([...username].length > MAX_EXTERNAL_USERNAME_LENGTH) return `is longer than ${MAX_EXTERNAL_USERNAME_LENGTH} characters`
  if (!PRINTABLE.test(username)) return 'holds a control, format or other non-printable character'
  return undefined
}

/** The same rule as a schema, for the admin routes that name an external user. */
export const ExternalUsernameSchema = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\p{C}\\p{Zl}\\p{Zp}]{1,128}$' })

/**
 * The smaller of two role sets (roles are cumulative): the carried roles that the ceiling allows, or,
 * when the ceiling is below all of them, the ceiling's highest role.
 */
export function capRoles (carried: readonly Role[], ceiling: readonly Role[]): Role[] {
  const top = Math.max(...ceiling.map(role => ROLES.indexOf(role)))
  const kept = carried.filter(role => ROLES.indexOf(role) <= top)
  return kept.length > 0 ? kept : (top >= 0 ? [ROLES[top]!] : [])
}
