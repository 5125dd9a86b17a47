import { ROLES, type Role } from './roles.ts'

/** `claimValue=role` pairs; `*` matches every user. */
export type RoleMap = ReadonlyArray<{ value: string, role: Role }>

// Without OIDC_ROLE_MAP a claim value that is a role name grants that role, and nothing else does.
const IDENTITY_MAP: RoleMap = ROLES.map(role => ({ value: role, role }))

/** Parses `ops-admins=admin,ops=editor,*=viewer`; throws naming the first bad pair. */
export function parseRoleMap (text: string | undefined): RoleMap {
  if (text === undefined) return IDENTITY_MAP
  return parseClaimPairs(text, target => (ROLES as readonly string[]).includes(target), `claimValue=role with role one of ${ROLES.join(', ')}`)
    .map(({ value, target }) => ({ value, role: target as Role }))
}

/** Comma-separated `claimValue=target` pairs (OIDC_ROLE_MAP, TEAM_MAP); throws naming the first pair that is not `expected`. */
export function parseClaimPairs (text: string, accepts: (target: string) => boolean, expected: string): Array<{ value: string, target: string }> {
  return text.split(',').map(pair => pair.trim()).filter(pair => pair !== '').map(pair => {
    const at = pair.lastIndexOf('=')
    const value = pair.slice(0, at).trim()
    const target = pair.slice(at + 1).trim()
    if (at <= 0 || value === '' || !accepts(target)) throw new Error(`'${pair}' is not ${expected}`)
    return { value, target }
  })
}

/**
 * The roles a set of claims earns. `claimPath` may be dotted (`realm_access.roles` for Keycloak); the
 * claim may be a string, a space-separated string or an array of strings. An empty answer means the
 * user has no business here: the caller refuses them.
 */
export function rolesFromClaims (claims: Record<string, unknown>, claimPath: string, map: RoleMap): Role[] {
  const values = new Set(claimValues(claims, claimPath))
  const roles = new Set<Role>()
  for (const { value, role } of map) {
    if (value === '*' || values.has(value)) roles.add(role)
  }
  return ROLES.filter(role => roles.has(role))
}

export function claimValues (claims: Record<string, unknown>, claimPath: string): string[] {
  let node: unknown = claims
  for (const part of claimPath.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return []
    node = (node as Record<string, unknown>)[part]
  }
  if (typeof node === 'string') return node.split(' ').filter(value => value !== '')
  if (Array.isArray(node)) return node.filter((value): value is string => typeof value === 'string')
  return []
}
