import { randomUUID } from 'node:crypto'
import type { IntentData, NewEntry, OutcomeData } from '../audit/audit-types.ts'
import type { NewVersion } from './history-types.ts'

/**
 * An audit record the proxy writes on its own account (no caller's intent): a change found made
 * outside the proxy (client.external-change), or retention pruning versions (history.prune). Its
 * intent and outcome are chained like any record's, so `audit verify` covers what it vouches for.
 */
export function proxyRecord (action: string, clientId: string | null, outcome: Partial<OutcomeData> = {}, version?: NewVersion): [NewEntry, NewEntry] {
  const requestId = randomUUID()
  const time = new Date().toISOString()
  const intent: IntentData = {
    actor: null,
    source: null,
    roles: [],
    via: null,
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
