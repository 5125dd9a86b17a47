// Change requests (issue 25, docs/approvals.md) as the public API answers them: the console decides
// nothing of its own about approvals, it shows the server's requests and rules and sends decisions.
import { call, get, query, type Answer } from './api.ts'
import type { ChangeRequest, ChangeStatus } from './change-request.ts'
import type { Identity } from './caller.ts'
import { decisionPermission } from './permissions.ts'
import { signal } from './signal.ts'

export type { ChangeRequest, ChangeStatus, Decision, Person } from './change-request.ts'
export interface ChangeRequestPage { changeRequests: ChangeRequest[], total: number, offset: number, limit: number }
export interface ApprovalRule { action: string, properties?: string[], quorum: number, approvers: { role: string, team?: string } }

const path = (id: string) => `/api/change-requests/${encodeURIComponent(id)}`

export const changeRequests = async (params: { status?: string, offset?: number, limit?: number }) =>
  (await get<ChangeRequestPage>(`/api/change-requests${query(params)}`)).data
export const changeRequest = async (id: string) => (await get<ChangeRequest>(path(id))).data
export const approve = async (id: string) => (await call<ChangeRequest>('POST', `${path(id)}/approve`)).data
export const reject = async (id: string, reason: string) => (await call<ChangeRequest>('POST', `${path(id)}/reject`, { body: { reason } })).data
export const withdraw = async (id: string) => (await call<ChangeRequest>('DELETE', path(id))).data
/** An applied secret change's new secret: answered once, then gone (kept in the page's memory only). */
export const oneTimeSecret = async (id: string) => (await get<{ newClientSecret?: string, clientSecret?: string }>(`${path(id)}/secret`)).data

/** Per team of the caller (`*` in roles mode): the actions that ask for approval. */
export const approvalRules = async () => (await get<{ teams: Record<string, ApprovalRule[]> }>('/api/change-requests/rules')).data.teams

/** The rule gating `action` on a client of `team`, if any: the team's rules, else those every team gets. */
export function ruleFor (rules: Record<string, ApprovalRule[]>, team: unknown, action: string): ApprovalRule | undefined {
  const forTeam = typeof team === 'string' && rules[team] !== undefined ? rules[team] : rules['*']
  return forTeam?.find(rule => rule.action === action || (action === 'client.update' && rule.action === 'client.patch'))
}

/** A gated write's answer: 202 with the change request instead of the change made. */
export function pendingRequest (answer: Answer<unknown>): ChangeRequest | undefined {
  return answer.status === 202 ? answer.data as ChangeRequest : undefined
}

/** The header's badge: how many pending requests the caller may decide (refreshed on each page). */
export const decidableCount = signal<number | undefined>(undefined)

/** The pending requests (newest page) the caller may decide; counted into the badge as a side effect. */
export async function decidableRequests (who: Identity): Promise<ChangeRequest[]> {
  const page = await changeRequests({ status: 'pending', limit: 100 })
  const decidable = page.changeRequests.filter(request => decisionPermission(who, 'approve', request).allowed)
  decidableCount.set(decidable.length)
  return decidable
}

export const approvalPath = (id: string) => `/approvals/${encodeURIComponent(id)}`

export const STATUS_TEXT: Record<ChangeStatus, string> = {
  pending: 'Pending approval',
  applying: 'Being applied',
  'approved-applied': 'Approved and applied',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
  conflict: 'Conflict: the client changed, nothing applied',
  failed: 'Failed',
  'break-glass': 'Applied at once (break-glass)'
}

export const ACTION_TEXT: Record<string, string> = {
  'client.delete': 'Delete the client',
  'client.secret.refresh': 'Refresh the secret',
  'client.secret.update': 'Set the secret',
  'client.lock': 'Lock or unlock',
  'client.move': 'Move to another team',
  'client.update': 'Edit the client',
  'client.patch': 'Edit the client'
}
