// A change request as the public API answers it (docs/approvals.md): types only, so that
// permissions.ts (and its unit test) can name it without loading the console's UI modules.
import type { Change } from './history.ts'

export interface Person { source: string, username: string }
export interface Decision extends Person { at: string, reason?: string }
export type ChangeStatus = 'pending' | 'applying' | 'approved-applied' | 'rejected' | 'withdrawn' | 'expired' | 'conflict' | 'failed' | 'break-glass'
export interface ChangeRequest {
  id: string
  status: ChangeStatus
  action: string
  clientId: string
  team: string | null
  requestedBy: Person
  reason: string | null
  createdAt: string
  expiresAt: string
  diff: Change[]
  quorum: number
  approvers: { role: 'editor' | 'admin', team?: string }
  approvals: Decision[]
  rejection?: Decision
  decidedAt?: string
  result?: { status: number, problem?: { detail?: string, title?: string } }
  secretWaiting: boolean
}
