import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { setTimeout as sleep } from 'node:timers/promises'
import { operations, upstreamPath, type Operation, type OperationName, type PathParams, type QueryParams, type UpstreamLocation } from './operations.ts'
import { createCircuitBreaker, retryAfterMs, retryDelay, type FailureTraits, type RetryPolicy } from './resilience.ts'
import { channels } from '../ops/channels.ts'
import { asResult, statusError, transportError } from './upstream-errors.ts'
import { parseUpstreamJson } from './json.ts'
import { errors } from '../errors.ts'

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
}

export interface UpstreamAnswer<T> {
  status: number
  data: T
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
  // Explicit timeouts and a size cap: undici's defaults are 300 s and unlimited. The connect, headers
  // and body timeouts bound every phase of a call.
  const pool = new Pool(base.origin, {
    connections: options.connections,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    maxResponseSize: options.maxResponseBytes,
    keepAliveTimeout: 10_000
  })
  const location: UpstreamLocation = {
    basePath: base.pathname.replace(/\/+$/, ''),
    apiVersion: options.apiVersion,
    serviceId: options.serviceId
  }
  const authorization = credentialHeader(options)

  const breaker = createCircuitBreaker({ threshold: options.circuitThreshold, cooldownMs: options.circuitCooldownMs })
  const retryPolicy: RetryPolicy = { retries: options.retries, baseDelayMs: 100, maxDelayMs: 2000 }

  async function attempt<T> (op: Operation, input: CallInput, record: UpstreamCall): Promise<UpstreamAnswer<T>> {
    const headers: Record<string, string> = { authorization, accept: 'application/json' }
    const body = input.body === undefined ? undefined : JSON.stringify(input.body)
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await pool.request({
      method: op.method,
      path: upstreamPath(location, op, input.params, input.query),
      headers,
      body
    }).catch((cause: unknown) => { throw transportError(cause, true) })
    const bytes = Buffer.from(await response.body.arrayBuffer().catch((cause: unknown) => { throw transportError(cause) }))
    record.status = response.statusCode
    const data = parseBody(bytes, response.statusCode)
    record.resultCode = asResult(data)?.resultCode
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw statusError(response.statusCode, data, retryAfterMs(response.headers['retry-after']))
    }
    // Every Authlete answer is a JSON object, bar the empty 204 of a delete. Anything else (null, a
    // list, an empty 200) would reach the routes as a client and break them with a 500, or worse, a 200.
    if (!isJsonObject(data) && !(data === undefined && response.statusCode === 204 && op.method === 'DELETE')) {
      throw new errors.UpstreamUnreadable({ cause: new Error(`upstream answered ${response.statusCode} without a JSON object`) })
    }
    return { status: response.statusCode, data: data as T, bytes }
  }

  // Reads are retried on connection failures and 429/502/503/504 (with backoff, honouring
  // Retry-After); mutations never are, whatever their HTTP method: secret refresh is a GET that
  // changes state. While the upstream keeps failing, the breaker answers 503 without calling it.
  const call: CallAuthlete = async <T>(calls: UpstreamCall[], name: OperationName, input: CallInput = {}) => {
    const op = operations[name]
    const record: UpstreamCall = { operation: name }
    calls.push(record)
    const started = performance.now()
    let failure: unknown
    try {
      for (let tries = 0; ; tries++) {
        breaker.admit()
        try {
          const answer = await attempt<T>(op, input, record)
          breaker.succeeded()
          return answer
        } catch (error) {
          const traits = error as FailureTraits
          if (traits.upstreamFault === true) breaker.failed()
          else if (traits.upstreamFault === false) breaker.succeeded()
          const delay = !op.mutates && traits.retryable === true && tries < retryPolicy.retries
            ? retryDelay(retryPolicy, tries, traits.retryAfterMs)
            : undefined
          if (delay === undefined) throw error
          record.retries = tries + 1
          await sleep(delay)
        }
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

function credentialHeader (options: AuthleteClientOptions): string {
  if (options.apiVersion === 'v3') return `Bearer ${options.accessToken ?? ''}`
  return `Basic ${Buffer.from(`${options.apiKey ?? ''}:${options.apiSecret ?? ''}`).toString('base64')}`
}

function isJsonObject (value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseBody (bytes: Buffer, status: number): unknown {
  if (bytes.length === 0) return undefined
  try {
    return parseUpstreamJson(bytes.toString('utf8'))
  } catch {
    // An unreadable error answer still has a status that decides the outcome.
    if (status >= 300) return undefined
    // The parser's message quotes the body; the log gets the fact, not the bytes.
    throw new errors.UpstreamUnreadable({ cause: new Error(`upstream answered ${status} with a body that is not JSON`) })
  }
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
