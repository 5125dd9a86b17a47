// Who is signed in, as GET /auth/session says: what the console may offer them (permissions.ts).
export type Role = 'viewer' | 'editor' | 'admin'
/** GET /auth/session: `teams` only with ACCESS_MODEL=teams (docs/teams.md). */
export interface Identity {
  username: string
  roles: Role[]
  teams?: string[]
  expiresAt?: string
  /** Where the identity comes from (local, oidc, gateway): a person is the pair of source and username. */
  source?: string
  /** How the caller proved it: an API token may ask for changes but never decide them (docs/approvals.md). */
  via?: 'session' | 'api-token' | 'gateway'
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 }
/** As a team: every team (the platform admins). */
export const EVERY_TEAM = '*'

/** Roles are cumulative: admin includes editor, which includes viewer. */
export function hasRole (who: Identity, role: Role): boolean {
  return who.roles.some(held => RANK[held] >= RANK[role])
}

/** ACCESS_MODEL=teams: the session answer names the caller's teams. */
export function teamsMode (who: Identity): boolean {
  return who.teams !== undefined
}

/** A member of every team (`*`): any developer, any client. */
export function inEveryTeam (who: Identity): boolean {
  return who.teams?.includes(EVERY_TEAM) === true
}

/** The caller's own teams, as choices (without `*`, which is no developer value). */
export function ownTeams (who: Identity): string[] {
  return (who.teams ?? []).filter(team => team !== EVERY_TEAM)
}

/** Whether the caller may act on what belongs to `team` (a client's developer): always in roles mode. */
export function inTeam (who: Identity, team: unknown): boolean {
  if (!teamsMode(who) || inEveryTeam(who)) return true
  return typeof team === 'string' && team !== '' && who.teams!.includes(team)
}
