import { errors } from '../http/errors.ts'
import { channels } from '../ops/channels.ts'

/** What an upstream failure says about retrying: set on the errors the client throws. */
export interface FailureTraits {
  /** Safe and useful to try a read again: the connection failed, or 429/502/503/504. */
  retryable?: boolean
  /** The upstream's own Retry-After, in milliseconds. */
  retryAfterMs?: number
  /** A fault of the upstream (not of the request): counts towards opening the circuit. */
  upstreamFault?: boolean
  /** Told to the caller as Retry-After. */
  retryAfterSeconds?: number
  /** The request may have reached the upstream, but its answer never came whole: the outcome is unknown. */
  maybeReceived?: boolean
}

export interface RetryPolicy { retries: number, baseDelayMs: number, maxDelayMs: number }

/**
 * Exponential backoff with full jitter; an upstream Retry-After wins when it is longer. Undefined
 * when the upstream asks for a longer pause than the policy allows: better to answer now than to
 * hold the caller that long.
 */
export function retryDelay (policy: RetryPolicy, attempt: number, retryAfterMs?: number): number | undefined {
  const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  if (retryAfterMs === undefined) return backoff
  return retryAfterMs > policy.maxDelayMs ? undefined : Math.max(backoff, retryAfterMs)
}

// RFC 9110's HTTP-date in its three forms (IMF-fixdate, and the obsolete RFC 850 and asctime ones, the
// last without its zone), all GMT and all opening with the day's name: Date.parse reads much else (1.5,
// 2026-12-05), which is neither delay-seconds nor a date Retry-After may carry.
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /

export function retryAfterMs (header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim()
  // An empty or blank value is neither digits nor a date: undefined below.
  if (value === undefined) return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  if (!HTTP_DATE.test(value)) return undefined
  const date = Date.parse(value.endsWith('GMT') ? value : `${value} GMT`)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export interface CircuitBreakerOptions { threshold: number, cooldownMs: number }

export type CircuitState = 'closed' | 'open' | 'half-open'

/**
 * Closed: calls go through; `threshold` upstream faults in a row open it. Open: calls fail at once
 * with 503 for `cooldownMs`. Half-open: one probe goes through; its success closes the circuit, its
 * failure opens it again. Every admitted call must be settled exactly once, whatever it ended with:
 * a probe left unsettled would keep the circuit half-open, refusing every call, until a restart.
 */
export function createCircuitBreaker ({ threshold, cooldownMs }: CircuitBreakerOptions) {
  let state: CircuitState = 'closed'
  let failures = 0
  let openedAt = 0

  const enter = (next: CircuitState): void => {
    if (state === next) return
    state = next
    channels.circuit.publish({ state })
  }
  const refuse = (retryAfterMs: number): Error => Object.assign(new errors.UpstreamCircuitOpen(), { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) })

  return {
    /** Throws when the call must not go upstream now; otherwise answers whether it is the half-open probe. */
    admit (): boolean {
      if (state === 'closed') return false
      // Half-open: the probe is in flight (it ends by the call deadline at the latest).
      if (state === 'half-open') throw refuse(1000)
      const waited = Date.now() - openedAt
      if (waited < cooldownMs) throw refuse(cooldownMs - waited)
      enter('half-open')
      return true
    },
    /**
     * What an admitted call showed: `healthy` when the upstream answered as a working upstream does
     * (a success, or a rejection of the request); anything else (5xx, 429, timeout, a cut or
     * unreadable answer, any exception) is a fault.
     */
    settle (probe: boolean, healthy: boolean): void {
      if (healthy) {
        failures = 0
        enter('closed')
        return
      }
      failures++
      if (probe ? state === 'half-open' : state === 'closed' && failures >= threshold) {
        openedAt = Date.now()
        enter('open')
      }
    },
    get state (): CircuitState { return state }
  }
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>
