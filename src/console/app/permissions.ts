import type { ChangeRequest } from './change-request.ts'
import { hasRole, inEveryTeam, inTeam, ownTeams, teamsMode, type Identity, type Role } from './caller.ts'

/** Every console action the permissions decide (a runtime list, so that a test can walk all of them). */
export const ACTIONS = ['client.create', 'client.edit', 'client.lock', 'client.secret', 'client.delete',
  'authorization.change', 'registration.update', 'audit.read', 'audit.verify', 'sessions.manage', 'client.credentials',
  'client.create.type', 'policy.exception',
  'change.decide', 'change.withdraw'] as const
export type Action = typeof ACTIONS[number]

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
  'sessions.manage': 'admin',
  // Approving or rejecting a change request (docs/approvals.md): at least an editor; decisionPermission says more.
  'change.decide': 'editor',
  'change.withdraw': 'viewer'
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

/** The role each gated write needs of whoever asks for it, and so of whoever approves it. */
const WRITE_ROLE: Record<string, Role> = { 'client.delete': 'admin', 'client.secret.refresh': 'admin', 'client.secret.update': 'admin' }

/**
 * Whether the caller may approve, reject or withdraw this change request, as the server's separation
 * of duties decides it (docs/approvals.md): the requester never decides their own request (they
 * withdraw it), an API token never decides, an approver holds the rule's role and the write's, in the
 * client's team or the rule's approver team, and counts once.
 */
export function decisionPermission (who: Identity, decision: 'approve' | 'reject' | 'withdraw', request: ChangeRequest): Permission {
  if (request.status !== 'pending') return { allowed: false, reason: `This request is ${request.status} already.` }
  const mine = isRequester(who, request)
  if (decision === 'withdraw') return mine ? { allowed: true } : { allowed: false, reason: 'Only the person who asked for a change withdraws it.' }
  if (who.via === 'api-token') return { allowed: false, reason: 'An API token may ask for a change, never approve or reject one: a person decides.' }
  if (mine) return { allowed: false, reason: 'You asked for this change: another person decides it (you can withdraw it).' }
  const role = higher(request.approvers.role, WRITE_ROLE[request.action] ?? 'editor')
  if (!hasRole(who, role)) return { allowed: false, reason: `Deciding this request needs the ${role} role; you have ${who.roles.join(', ') || 'no role'}.` }
  const team = request.approvers.team ?? request.team
  if (team !== null && !inTeam(who, team)) return { allowed: false, reason: `Approvers of this request are members of team ${team}; you manage ${teamList(who)}.` }
  if (request.approvals.some(approval => samePerson(who, approval))) {
    return { allowed: false, reason: 'You approved it already: each person counts once.' }
  }
  return { allowed: true }
}

function higher (one: Role, two: Role): Role {
  return hasRole({ username: '', roles: [one] }, two) ? one : two
}

/** A person is the pair of identity source and username (the source unknown: the name alone). */
function samePerson (who: Identity, person: { source: string, username: string }): boolean {
  return person.username === who.username && (who.source === undefined || person.source === who.source)
}

export const isRequester = (who: Identity, request: ChangeRequest): boolean => samePerson(who, request.requestedBy)
