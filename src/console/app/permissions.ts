import { hasRole, type Identity, type Role } from './session.ts'

export type Action = 'client.create' | 'client.edit' | 'client.lock' | 'client.secret' | 'client.delete' |
  'authorization.change' | 'registration.update' | 'audit.read' | 'sessions.manage'

const NEEDS: Record<Action, Role> = {
  'client.create': 'editor',
  'client.edit': 'editor',
  'client.lock': 'editor',
  'client.secret': 'admin',
  'client.delete': 'admin',
  'authorization.change': 'editor',
  'registration.update': 'editor',
  'audit.read': 'admin',
  'sessions.manage': 'admin'
}

export type Permission = { allowed: true } | { allowed: false, reason: string }

/**
 * Whether the signed-in user may do this (to this client). The one place the console decides what
 * to offer: the server decides for real. A team check (issue 14) goes here, beside the role check.
 */
export function permission (who: Identity, action: Action, _client?: Record<string, unknown>): Permission {
  const role = NEEDS[action]
  if (!hasRole(who, role)) return { allowed: false, reason: `Needs the ${role} role; you have ${who.roles.join(', ') || 'no role'}.` }
  return { allowed: true }
}
