import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { operations, upstreamPath, type OperationName, type PathParams, type QueryParams, type UpstreamLocation } from './operations.ts'
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
}

/** What one upstream call did, kept on the request for the audit record and the logs. */
export interface UpstreamCall {
  operation: OperationName
  status?: number
  resultCode?: string
  durationMs?: number
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
  // Explicit timeouts and a size cap: undici's defaults are 300 s and unlimited.
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

  const call: CallAuthlete = async <T>(calls: UpstreamCall[], name: OperationName, input: CallInput = {}) => {
    const op = operations[name]
    const record: UpstreamCall = { operation: name }
    calls.push(record)
    const started = performance.now()
    const headers: Record<string, string> = { authorization, accept: 'application/json' }
    const body = input.body === undefined ? undefined : JSON.stringify(input.body)
    if (body !== undefined) headers['content-type'] = 'application/json'
    try {
      const response = await pool.request({
        method: op.method,
        path: upstreamPath(location, op, input.params, input.query),
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs)
      }).catch((cause: unknown) => { throw transportError(cause) })
      const bytes = Buffer.from(await response.body.arrayBuffer().catch((cause: unknown) => { throw transportError(cause) }))
      record.status = response.statusCode
      const data = parseBody(bytes, response.statusCode)
      record.resultCode = asResult(data)?.resultCode
      if (response.statusCode < 200 || response.statusCode >= 300) throw statusError(response.statusCode, data)
      // Every Authlete answer is a JSON object, bar the empty 204 of a delete. Anything else (null, a
      // list, an empty 200) would reach the routes as a client and break them with a 500, or worse, a 200.
      if (!isJsonObject(data) && !(data === undefined && response.statusCode === 204 && op.method === 'DELETE')) {
        throw new errors.UpstreamUnreadable({ cause: new Error(`upstream answered ${response.statusCode} without a JSON object`) })
      }
      return { status: response.statusCode, data: data as T, bytes }
    } finally {
      record.durationMs = Math.round((performance.now() - started) * 1000) / 1000
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
