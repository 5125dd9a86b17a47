import type { Change } from '../history/diff.ts'
import type { Role } from '../auth/roles.ts'
import type { Identity } from '../auth/identity.ts'
import type { ApprovalAction, ApprovalRule } from './approval-rules.ts'

// A change request's shape and the pure rules about who may do what with it (issue 25).

export const STATUSES = ['pending', 'applying', 'approved-applied', 'rejected', 'withdrawn', 'expired', 'conflict', 'failed', 'break-glass'] as const
export type Status = (typeof STATUSES)[number]

/** A person as the proxy knows them: the source and the username (each counts once, whatever credential they use). */
export interface Person { source: string, username: string }

/** The identity a change is applied with: the requester's, as it was when they asked. */
export interface RequesterIdentity extends Person {
  source: Identity['source']
  roles: Role[]
  via: string
  teams?: string[]
}

export interface Decision extends Person { at: string, reason?: string }

/** The write as it will be replayed (src/approvals/apply.ts); the body is sealed: a secret update carries the secret. */
export interface StoredWrite {
  method: string
  url: string
  sealedBody: string | null
  /** The ETag of the client the change was made against. */
  etag: string
  /** The role the write's route needs: an approver must hold it too. */
  role: Role
}

export interface ChangeRequest {
  id: string
  status: Status
  action: ApprovalAction
  /** The route's own audit action (client.update, client.patch, ...): `action` may be client.move. */
  routeAction: string
  clientId: string
  team: string | null
  requestedBy: RequesterIdentity
  reason: string | null
  createdAt: string
  expiresAt: string
  diff: Change[]
  rule: ApprovalRule
  approvals: Decision[]
  rejection?: Decision
  write: StoredWrite
  /** conflict, failed: the problem the apply met; approved-applied, break-glass: the status it answered. */
  result?: { status: number, problem?: Record<string, unknown> }
  decidedAt?: string
  /** A secret refresh or update, applied: the answer, sealed, until the requester reads it once. */
  sealedSecret?: string
}

export type SeparationRefusal = 'token' | 'self' | 'not-approver' | 'twice'

/**
 * Why `who` may not approve (or reject) `request`, or undefined: API tokens never decide, the requester
 * never counts (admins included), an approver holds the rule's role and the route's, in the client's
 * team (or the rule's approver team), and counts once.
 */
export function approvalRefusal (request: ChangeRequest, who: Person & { via: string, roles: readonly Role[], teams?: readonly string[] }, routeRole: Role): SeparationRefusal | undefined {
  if (who.via === 'api-token' || who.via === 'approval') return 'token'
  if (samePerson(who, request.requestedBy)) return 'self'
  if (!holds(who.roles, request.rule.approvers.role) || !holds(who.roles, routeRole)) return 'not-approver'
  const team = request.rule.approvers.team ?? request.team
  if (who.teams !== undefined && team !== null && !who.teams.includes('*') && !who.teams.includes(team)) return 'not-approver'
  if (request.approvals.some(approval => samePerson(approval, who))) return 'twice'
  return undefined
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 }
const holds = (roles: readonly Role[], role: Role): boolean => roles.some(held => RANK[held] >= RANK[role])

export function samePerson (a: Person, b: Person): boolean {
  return a.source === b.source && a.username === b.username
}

/** Adds an approval; at the quorum the request turns `applying` (the one that does it applies). */
export function withApproval (request: ChangeRequest, approval: Decision): ChangeRequest {
  const approvals = [...request.approvals, approval]
  return { ...request, approvals, ...(approvals.length >= request.rule.quorum ? { status: 'applying', decidedAt: approval.at } : {}) }
}

/** What the API shows of a request: never the stored write, the secret or the requester's roles. */
export function publicView (request: ChangeRequest): Record<string, unknown> {
  return {
    id: request.id,
    status: request.status,
    action: request.action,
    clientId: request.clientId,
    team: request.team,
    requestedBy: { source: request.requestedBy.source, username: request.requestedBy.username },
    reason: request.reason,
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    diff: request.diff,
    quorum: request.rule.quorum,
    approvers: request.rule.approvers,
    approvals: request.approvals,
    ...(request.rejection === undefined ? {} : { rejection: request.rejection }),
    ...(request.decidedAt === undefined ? {} : { decidedAt: request.decidedAt }),
    ...(request.result === undefined ? {} : { result: request.result }),
    secretWaiting: request.sealedSecret !== undefined
  }
}

/** A reason someone gives (X-Change-Reason, X-Break-Glass, a rejection): printable, 1 to 500 characters. */
export const REASON_MAX = 500
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

export function reasonProblem (reason: string): string | undefined {
  if (reason.trim() === '') return 'is empty'
  if (reason.length > REASON_MAX) return `is longer than ${REASON_MAX} characters`
  if (UNPRINTABLE.test(reason)) return 'contains control, line-break or bidi characters'
  return undefined
}
