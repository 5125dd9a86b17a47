import { Type, type Static } from 'typebox'

// Roles are cumulative: each includes every role before it.
export const ROLES = ['viewer', 'editor', 'admin'] as const

export const RoleSchema = Type.Enum(ROLES)
export type Role = Static<typeof RoleSchema>

export function hasRole (roles: readonly Role[], required: Role): boolean {
  const needed = ROLES.indexOf(required)
  return roles.some(role => ROLES.indexOf(role) >= needed)
}
