import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { setTimeout as sleep } from 'node:timers/promises'
import { createPathBuilder, operations, type Operation, type OperationName, type PathParams, type QueryParams } from './operations.ts'
import { createCircuitBreaker, retryAfterMs, retryDelay, type FailureTraits, type RetryPolicy } from './resilience.ts'
import { channels } from '../ops/channels.ts'
import { asResult, clipResultMessage, statusError } from './upstream-errors.ts'
import { createRedactor } from './redact.ts'
import { parseUpstreamJson } from './json.ts'
import { HAS_LONG_INTEGERS, IS_OBJECT, NOT_JSON, scanJson } from './json-scan.ts'
import { exchange } from './exchange.ts'
import { errors } from '../http/errors.ts'

export interface AuthleteClientOptions {
  baseUrl: string
  apiVersion: 'v2' | 'v3'
  serviceId?: string
  accessToken?: string
  apiKey?: string
  apiSecret?: string
  timeoutMs: number
  maxResponseBytes: number
  connections: number
  retries: number
  circuitThreshold: number
  circuitCooldownMs: number
}

/** What one upstream call did, kept on the request for the audit record and the logs. */
export interface UpstreamCall {
  operation: OperationName
  status?: number
  resultCode?: string
  durationMs?: number
  /** How many times a read was sent again after a transient failure. */
  retries?: number
  /** The request may have reached the upstream, but no whole answer came back (timed out, cut). */
  maybeReceived?: boolean
}

export interface UpstreamAnswer<T> {
  status: number
  /** The answer parsed (on first use: an admin's read is answered with `bytes` as they are). */
  readonly data: T
  /** Authlete's answer as sent: always one JSON object (or empty for a delete's 204). */
  bytes: Buffer
}

export interface CallInput {
  params?: PathParams
  query?: QueryParams
  body?: unknown
}

export type CallAuthlete = <T>(calls: UpstreamCall[], name: OperationName, input?: CallInput) => Promise<UpstreamAnswer<T>>

export function createAuthleteClient (options: AuthleteClientOptions): { call: CallAuthlete, close: () => Promise<void> } {
  const base = new URL(options.baseUrl)
  // Explicit timeouts and a size cap: undici's defaults are 300 s and unlimited. Each phase is also
  // bounded by the call's own deadline (exchange.ts), which covers them all and the pool's queue.
  const pool = new Pool(base.origin, {
    connections: options.connections,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    maxResponseSize: options.maxResponseBytes,
    keepAliveTimeout: 10_000
  })
  const pathOf = createPathBuilder({
    basePath: base.pathname.replace(/\/+$/, ''),
    apiVersion: options.apiVersion,
    serviceId: options.serviceId
  })
  const authorization = credentialHeader(options)
  const redact = createRedactor(options)
  // The same headers for every call without a body; undici only reads them.
  const readHeaders = { authorization, accept: 'application/json' }
  const bodyHeaders = { ...readHeaders, 'content-type': 'application/json' }

  const breaker = createCircuitBreaker({ threshold: options.circuitThreshold, cooldownMs: options.circuitCooldownMs })
  const retryPolicy: RetryPolicy = { retries: options.retries, baseDelayMs: 100, maxDelayMs: 2000 }

  async function attempt<T> (op: Operation, input: CallInput, record: UpstreamCall, deadline: number): Promise<UpstreamAnswer<T>> {
    const body = input.body === undefined ? undefined : JSON.stringify(input.body)
    const response = await exchange(pool, {
      method: op.method,
      path: pathOf(op, input.params, input.query),
      headers: body === undefined ? readHeaders : bodyHeaders,
      body
    }, deadline)
    const { status } = response
    const bytes = redact.bytes(response.bytes)
    record.status = status
    const scan = bytes.length === 0 ? NOT_JSON : scanJson(bytes)
    if (status < 200 || status >= 300) {
      const data = scan === NOT_JSON ? undefined : parseUpstreamJson(bytes.toString('utf8'), (scan & HAS_LONG_INTEGERS) !== 0)
      const result = asResult(data)
      record.resultCode = result?.resultCode
      if (result !== undefined) (data as { resultMessage?: string }).resultMessage = redact.message(result.resultMessage)
      throw statusError(status, data, retryAfterMs(response.retryAfter))
    }
    // Every Authlete answer is a JSON object, bar the empty 204 of a delete. Anything else (null, a
    // list, an empty 200) would reach the routes as a client and break them with a 500, or worse, a 200.
    if (bytes.length === 0 && status === 204 && op.method === 'DELETE') return new Answer<T>(status, bytes, 0, record)
    if (scan === NOT_JSON && bytes.length > 0) {
      // The parser's message would quote the body; the log gets the fact, not the bytes.
      throw unreadable(`upstream answered ${status} with a body that is not JSON`)
    }
    if ((scan & IS_OBJECT) === 0) throw unreadable(`upstream answered ${status} without a JSON object`)
    const answer = new Answer<T>(status, bytes, scan, record)
    // A mutation's result code goes into its audit record; a read's answer is parsed only if used.
    if (op.mutates) record.resultCode = asResult(answer.data)?.resultCode
    return answer
  }

  // Reads are retried on connection failures and 429/502/503/504 (with backoff, honouring
  // Retry-After); mutations never are, whatever their HTTP method: secret refresh is a GET that
  // changes state. While the upstream keeps failing, the breaker answers 503 without calling it.
  // AUTHLETE_TIMEOUT_MS is one deadline for the whole call: the retries and their pauses share it.
  const call: CallAuthlete = async <T>(calls: UpstreamCall[], name: OperationName, input: CallInput = {}) => {
    const op = operations[name]
    const record: UpstreamCall = { operation: name }
    calls.push(record)
    const started = performance.now()
    const deadline = started + options.timeoutMs
    let failure: unknown
    try {
      for (let tries = 0; ; tries++) {
        const probe = breaker.admit()
        let answer: UpstreamAnswer<T>
        try {
          answer = await attempt<T>(op, input, record, deadline)
        } catch (error) {
          const traits = error as FailureTraits
          // Only an answer the upstream gave as a working upstream does is healthy; whatever else
          // ended the attempt (a thrown bug included) counts as a fault, so a probe always settles.
          breaker.settle(probe, traits.upstreamFault === false)
          if (traits.maybeReceived === true) record.maybeReceived = true
          const delay = !op.mutates && traits.retryable === true && tries < retryPolicy.retries
            ? retryDelay(retryPolicy, tries, traits.retryAfterMs)
            : undefined
          if (delay === undefined || performance.now() + delay >= deadline) throw error
          record.retries = tries + 1
          await sleep(delay)
          continue
        }
        breaker.settle(probe, true)
        return answer
      }
    } catch (error) {
      failure = error
      throw error
    } finally {
      record.durationMs = Math.round((performance.now() - started) * 1000) / 1000
      if (channels.upstreamCall.hasSubscribers) {
        channels.upstreamCall.publish({ operation: name, outcome: callOutcome(failure), status: record.status, durationMs: record.durationMs })
      }
    }
  }

  return { call, close: () => pool.close() }
}

/** An upstream answer whose JSON is parsed on first use (and its result code recorded then). */
class Answer<T> implements UpstreamAnswer<T> {
  readonly status: number
  readonly bytes: Buffer
  readonly #scan: number
  readonly #record: UpstreamCall
  #data: T | undefined
  #parsed = false

  constructor (status: number, bytes: Buffer, scan: number, record: UpstreamCall) {
    this.status = status
    this.bytes = bytes
    this.#scan = scan
    this.#record = record
  }

  get data (): T {
    if (!this.#parsed) {
      this.#parsed = true
      if (this.bytes.length > 0) {
        this.#data = clipResultMessage(parseUpstreamJson(this.bytes.toString('utf8'), (this.#scan & HAS_LONG_INTEGERS) !== 0) as T)
        this.#record.resultCode = asResult(this.#data)?.resultCode
      }
    }
    return this.#data as T
  }
}

// A maintenance page, a truncated body: the upstream is not working, whatever its status said.
function unreadable (detail: string): Error & FailureTraits {
  return Object.assign(new errors.UpstreamUnreadable({ cause: new Error(detail) }), { upstreamFault: true })
}

function credentialHeader (options: AuthleteClientOptions): string {
  if (options.apiVersion === 'v3') return `Bearer ${options.accessToken ?? ''}`
  return `Basic ${Buffer.from(`${options.apiKey ?? ''}:${options.apiSecret ?? ''}`).toString('base64')}`
}

const OUTCOMES: Record<string, string> = {
  BFF_UPSTREAM_REJECTED: 'rejected',
  BFF_UPSTREAM_TIMEOUT: 'timeout',
  BFF_UPSTREAM_UNAVAILABLE: 'unavailable',
  BFF_UPSTREAM_CIRCUIT_OPEN: 'circuit-open'
}

function callOutcome (failure: unknown): string {
  if (failure === undefined) return 'ok'
  return OUTCOMES[(failure as { code?: string }).code ?? ''] ?? 'failed'
}
