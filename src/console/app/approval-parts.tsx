// The pieces of a gated write (docs/approvals.md) that the client page and the editor share.
import type { ApprovalRule } from './approvals.ts'
import { TextField } from './ui.tsx'

/** "1 approval by an admin of team acme". */
export function ruleText (rule: ApprovalRule, team: unknown): string {
  const approvers = rule.approvers.team ?? (typeof team === 'string' && team !== '' ? team : undefined)
  return `${rule.quorum} approval${rule.quorum === 1 ? '' : 's'} by ${rule.quorum === 1 ? `an ${rule.approvers.role}` : `${rule.approvers.role}s`}${approvers === undefined ? '' : ` of team ${approvers}`} other than you`
}

/** The reason the approvers read, sent as X-Change-Reason (recorded with the request and in the audit trail). */
export function ReasonField ({ value, onInput }: { value: string, onInput: (value: string) => void }) {
  return <TextField label='Reason for the approvers (optional)' name='changeReason' value={value} onInput={onInput} autoComplete='off' hint='Up to 500 characters, e.g. a ticket number: recorded with the request and the audit trail.' />
}

export const reasonHeader = (reason: string): Record<string, string> => reason.trim() === '' ? {} : { 'x-change-reason': reason.trim() }
