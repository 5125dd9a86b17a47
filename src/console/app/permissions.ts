import { hasRole, inEveryTeam, inTeam, ownTeams, teamsMode, type Identity, type Role } from './caller.ts'

export type Action = 'client.create' | 'client.edit' | 'client.lock' | 'client.secret' | 'client.delete' |
  'authorization.change' | 'registration.update' | 'audit.read' | 'audit.verify' | 'sessions.manage' | 'client.credentials' |
  'client.create.type' | 'policy.exception'

const NEEDS: Record<Action, Role> = {
  'client.create': 'editor',
  'client.edit': 'editor',
  'client.lock': 'editor',
  'client.secret': 'admin',
  'client.delete': 'admin',
  // clientType, tokenAuthMethod, keys...: whoever sets them can act as the client (src/clients/credential-properties.ts).
  'client.credentials': 'admin',
  // A new client's type and authentication method: the policy decides which values pass (a public SPA with PKCE does).
  'client.create.type': 'editor',
  // Letting one client break a policy rule for a while (at most 90 days): the client's team's admins.
  'policy.exception': 'admin',
  'authorization.change': 'editor',
  'registration.update': 'editor',
  'audit.read': 'admin',
  'audit.verify': 'admin',
  'sessions.manage': 'admin'
}

export type Permission = { allowed: true } | { allowed: false, reason: string }

/**
 * Whether the signed-in user may do this (to this client): the role, then, with ACCESS_MODEL=teams,
 * the client's team (its developer). The one place the console decides what to offer: the server
 * decides for real.
 */
export function permission (who: Identity, action: Action, client?: Record<string, unknown>): Permission {
  const role = NEEDS[action]
  if (!hasRole(who, role)) return { allowed: false, reason: `Needs the ${role} role; you have ${who.roles.join(', ') || 'no role'}.` }
  if (client !== undefined && !inTeam(who, client.developer)) {
    const team = typeof client.developer === 'string' && client.developer !== '' ? `team ${client.developer}` : 'no team'
    return { allowed: false, reason: `This client belongs to ${team}; you manage ${teamList(who)}.` }
  }
  // ACCESS_MODEL=teams: the chain holds every team's records, so only an admin of every team walks it.
  if (action === 'audit.verify' && teamsMode(who) && !inEveryTeam(who)) {
    return { allowed: false, reason: `Verifying the chain needs an admin of every team (*); you manage ${teamList(who)}.` }
  }
  if (action === 'client.create' && teamsMode(who) && !inEveryTeam(who) && ownTeams(who).length === 0) {
    return { allowed: false, reason: 'You belong to no team, so there is no team to create a client for.' }
  }
  return { allowed: true }
}

function teamList (who: Identity): string {
  const teams = ownTeams(who)
  return teams.length === 0 ? 'no team' : teams.length === 1 ? `team ${teams[0]}` : `teams ${teams.join(', ')}`
}
