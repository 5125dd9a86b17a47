import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import type { AuditStore } from '../audit/stores/audit-store.ts'
import type { IntentData, OutcomeData } from '../audit/audit-types.ts'
import type { ChangeRequest } from './change-request.ts'

export type ChangeRequestAction = 'change-request.create' | 'change-request.approve' | 'change-request.reject' | 'change-request.withdraw' | 'change-request.expire' | 'change-request.break-glass'

/**
 * An audit record of a step of a change request (its apply is the replayed write's own record, with
 * the same changeRequestId). The intent is written before the step changes anything: a trail that
 * cannot record it refuses the step (503); `finish` writes the outcome.
 */
export async function auditStep (store: AuditStore, request: FastifyRequest | null, action: ChangeRequestAction, changeRequest: ChangeRequest, reason?: string): Promise<(status: number) => Promise<void>> {
  const key = randomUUID()
  const identity = request?.identity
  const intent: IntentData = {
    actor: identity?.username ?? null,
    source: identity?.source ?? null,
    roles: identity?.roles ?? [],
    via: identity?.via ?? null,
    credential: identity?.credential ?? null,
    action,
    // The expiry sweep has no request: it is the proxy's own step.
    route: request === null ? 'expiry' : `${request.method} ${request.routeOptions.url ?? ''}`,
    clientId: changeRequest.clientId,
    subject: null,
    ...(changeRequest.team === null ? {} : { team: changeRequest.team }),
    clientIp: request?.ip ?? '',
    userAgent: null,
    changedProperties: changeRequest.diff.map(change => change.property),
    callerRequestId: null,
    changeRequestId: changeRequest.id,
    ...(reason === undefined ? {} : { reason }),
    ...(action === 'change-request.break-glass' ? { breakGlass: true as const } : {})
  }
  const started = performance.now()
  try {
    await store.append({ kind: 'intent', requestId: key, time: new Date(Date.now()).toISOString(), data: intent })
  } catch (cause) {
    throw new errors.AuditUnavailable({ cause })
  }
  return async status => {
    const outcome: OutcomeData = { status, outcome: status < 400 ? 'success' : 'failure', resultCode: null, durationMs: Math.round((performance.now() - started) * 1000) / 1000 }
    await store.append({ kind: 'outcome', requestId: key, time: new Date(Date.now()).toISOString(), data: outcome }).catch(error => {
      request?.log.error({ err: error }, 'audit trail: outcome of a change request step not recorded')
    })
  }
}
