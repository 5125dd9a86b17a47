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

export function retryAfterMs (header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export interface CircuitBreakerOptions { threshold: number, cooldownMs: number }

/**
 * Closed: calls go through; `threshold` upstream faults in a row open it. Open: calls fail at once
 * with 503 for `cooldownMs`. Half-open: one probe goes through; its success closes the circuit, its
 * failure opens it again.
 */
export function createCircuitBreaker ({ threshold, cooldownMs }: CircuitBreakerOptions) {
  let failures = 0
  let openedAt: number | undefined
  let probing = false

  const transition = (state: 'open' | 'half-open' | 'closed'): void => { channels.circuit.publish({ state }) }

  return {
    /** Throws when the call must not go upstream now; otherwise the call may proceed. */
    admit (): void {
      if (openedAt === undefined) return
      const waited = Date.now() - openedAt
      if (waited >= cooldownMs && !probing) {
        probing = true
        transition('half-open')
        return
      }
      throw Object.assign(new errors.UpstreamCircuitOpen(), { retryAfterSeconds: Math.max(1, Math.ceil((cooldownMs - waited) / 1000)) })
    },
    succeeded (): void {
      if (openedAt !== undefined) transition('closed')
      failures = 0
      openedAt = undefined
      probing = false
    },
    failed (): void {
      failures++
      if (probing || (openedAt === undefined && failures >= threshold)) {
        openedAt = Date.now()
        probing = false
        transition('open')
      }
    },
    get open (): boolean { return openedAt !== undefined }
  }
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>
