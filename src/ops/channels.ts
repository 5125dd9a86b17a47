import diagnosticsChannel from 'node:diagnostics_channel'

// What the proxy reports about itself, published on diagnostics channels so that the code that does
// the work (upstream client, limiter, breaker, audit trail) knows nothing of who listens (metrics).
export interface UpstreamCallEvent {
  operation: string
  /** `ok`, or what went wrong: `rejected` (upstream 4xx with a result), `failed`, `timeout`, `unavailable`, `circuit-open`. */
  outcome: string
  status?: number
  durationMs: number
}

export interface RateLimitedEvent { bucket: string }
export interface CircuitEvent { state: 'open' | 'half-open' | 'closed' }
export interface AuditFailureEvent { kind: 'intent' | 'outcome' | 'sign-in' }
/** Clients of other teams an upstream list answered despite its `developer` filter (src/teams/union-pager.ts). */
export interface FilterViolationEvent { operation: string, dropped: number }

export const channels = {
  upstreamCall: diagnosticsChannel.channel('authlete-bff:upstream-call'),
  rateLimited: diagnosticsChannel.channel('authlete-bff:rate-limited'),
  circuit: diagnosticsChannel.channel('authlete-bff:circuit'),
  auditFailure: diagnosticsChannel.channel('authlete-bff:audit-failure'),
  upstreamFilterViolation: diagnosticsChannel.channel('authlete-bff:upstream-filter-violation')
}
