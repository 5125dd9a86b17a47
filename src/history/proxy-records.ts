import { randomUUID } from 'node:crypto'
import type { IntentData, NewEntry, OutcomeData } from '../audit/audit-types.ts'
import type { NewVersion } from './history-types.ts'

const NOBODY = { actor: null, source: null, via: null }

/**
 * An audit record the proxy writes on its own account (no caller's intent): a change found made
 * outside the proxy (client.external-change), retention pruning versions (history.prune), or the
 * sandbox's seeded history (by `sandbox-seed`, src/history/sandbox-history.ts). Its
 * intent and outcome are chained like any record's, so `audit verify` covers what it vouches for.
 */
export function proxyRecord (action: string, clientId: string | null, outcome: Partial<OutcomeData> = {}, version?: NewVersion, by: { actor: string | null, source: string | null, via: string | null } = NOBODY): [NewEntry, NewEntry] {
  const requestId = randomUUID()
  const time = new Date().toISOString()
  const intent: IntentData = {
    ...by,
    roles: [],
    credential: null,
    action,
    route: 'proxy',
    clientId,
    subject: null,
    clientIp: '',
    userAgent: null,
    changedProperties: null,
    callerRequestId: null
  }
  return [
    { kind: 'intent', requestId, time, data: intent },
    { kind: 'outcome', requestId, time, data: { status: 200, outcome: 'success', resultCode: null, durationMs: 0, ...outcome }, ...(version === undefined ? {} : { version }) }
  ]
}
