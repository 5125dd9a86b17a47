import { signal } from './signal.ts'

export type Role = 'viewer' | 'editor' | 'admin'
export interface Identity { username: string, roles: Role[], expiresAt?: string }

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 }

export const identity = signal<Identity | null | undefined>(undefined)

/** Roles are cumulative: admin includes editor, which includes viewer. */
export function hasRole (who: Identity, role: Role): boolean {
  return who.roles.some(held => RANK[held] >= RANK[role])
}
