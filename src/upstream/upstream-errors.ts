import { errors, upstreamRejection, type UpstreamResult } from '../http/errors.ts'
import type { FailureTraits } from './resilience.ts'

// undici (and Node's socket) error codes mapped to what the caller is told. Anything not listed is a
// 502: the upstream hop failed in a way the caller cannot fix by retrying differently.
const TRANSPORT_ERRORS: Record<string, () => Error> = {
  UND_ERR_CONNECT_TIMEOUT: () => new errors.UpstreamTimeout(),
  UND_ERR_HEADERS_TIMEOUT: () => new errors.UpstreamTimeout(),
  UND_ERR_BODY_TIMEOUT: () => new errors.UpstreamTimeout(),
  TimeoutError: () => new errors.UpstreamTimeout(),
  ECONNREFUSED: () => new errors.UpstreamUnavailable(),
  ENOTFOUND: () => new errors.UpstreamUnavailable(),
  EAI_AGAIN: () => new errors.UpstreamUnavailable(),
  EHOSTUNREACH: () => new errors.UpstreamUnavailable(),
  ENETUNREACH: () => new errors.UpstreamUnavailable(),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: () => new errors.UpstreamTooLarge()
}

// Failures to reach the upstream at all: a read can safely be sent again.
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])

export interface TransportPhase {
  /** The failure happened before any answer arrived (connecting, sending, waiting). */
  beforeAnswer?: boolean
  /** The request had been handed to a connection: the upstream may have received it. */
  sent?: boolean
}

export function transportError (cause: unknown, { beforeAnswer = false, sent = false }: TransportPhase = {}): Error & FailureTraits {
  const code = knownTransportCode(cause)
  const error: Error & FailureTraits = code !== undefined ? TRANSPORT_ERRORS[code]!() : new errors.UpstreamFailed()
  error.cause = cause
  error.upstreamFault = true
  error.retryable = beforeAnswer && causeCodes(cause).some(name => CONNECTION_FAILURES.has(name))
  // Never connected: certainly not received. Cut or timed out once written: perhaps.
  error.maybeReceived = sent
  return error
}

function causeCodes (cause: unknown): string[] {
  const codes: string[] = []
  let current = cause
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code } = current as { code?: unknown }
    if (typeof code === 'string') codes.push(code)
    current = (current as { cause?: unknown }).cause
  }
  return codes
}

// undici wraps socket failures, so the errno that decides the answer may sit a few causes deep.
function knownTransportCode (cause: unknown): string | undefined {
  let current = cause
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name } = current as { code?: unknown, name?: unknown }
    for (const key of [code, name]) {
      if (typeof key === 'string' && Object.hasOwn(TRANSPORT_ERRORS, key)) return key
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** The error for a non-2xx upstream answer whose body was read (and parsed when it could be). */
export function statusError (status: number, body: unknown, retryAfter?: number): Error & FailureTraits {
  const result = asResult(body)
  const detail = new Error(`upstream answered ${status}${result ? ` ${result.resultCode}` : ''}`)
  let error: Error & FailureTraits
  if (status >= 300 && status < 400) error = new errors.UpstreamRedirect()
  else if (status === 401 || status === 403) error = new errors.UpstreamCredentials()
  else if (status >= 400 && status < 500 && result !== undefined) error = upstreamRejection(isClientNotFound(status, result) ? 404 : status, { ...result, resultMessage: clipMessage(result.resultMessage) })
  else error = new errors.UpstreamFailed()
  error.cause = detail
  error.retryable = RETRYABLE_STATUSES.has(status)
  error.upstreamFault = status >= 500 || status === 429
  if (retryAfter !== undefined) {
    error.retryAfterMs = retryAfter
    error.retryAfterSeconds = Math.ceil(retryAfter / 1000)
  }
  return error
}

/** Authlete's message is passed on for the caller to read, not as a channel of any size (its length is Authlete's, or an impostor's). */
export const MAX_RESULT_MESSAGE_BYTES = 1024
const CLIPPED = '...'

/** A success answer's result, its message clipped like a refusal's (the lock and secret routes pass it on). */
export function clipResultMessage<T> (answer: T): T {
  const result = answer as { resultMessage?: unknown } | null
  if (typeof result === 'object' && result !== null && typeof result.resultMessage === 'string') result.resultMessage = clipMessage(result.resultMessage)
  return answer
}

// Cut at a byte boundary; a character cut in two decodes as U+FFFD, dropped before the mark.
function clipMessage (message: string): string {
  if (Buffer.byteLength(message) <= MAX_RESULT_MESSAGE_BYTES) return message
  const kept = Buffer.from(message).subarray(0, MAX_RESULT_MESSAGE_BYTES - CLIPPED.length).toString('utf8')
  return `${kept.replace(/\uFFFD$/, '')}${CLIPPED}`
}

// A missing client comes as a 404 (what Authlete's own Java library expects of a delete) or as a 400
// with a result saying so (both documents declare only 400, 401, 403 and 500): either way the caller
// gets 404 with the result. The documents name no code for it, hence the message test beside the
// emulator's code.
const CLIENT_NOT_FOUND_CODES = new Set(['A051201'])
const CLIENT_NOT_FOUND_TEXT = /\bclient\b[^.]*\b(does not exist|not found)\b/i

function isClientNotFound (status: number, result: UpstreamResult): boolean {
  return status === 400 && (CLIENT_NOT_FOUND_CODES.has(result.resultCode) || CLIENT_NOT_FOUND_TEXT.test(result.resultMessage))
}

export function asResult (body: unknown): UpstreamResult | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { resultCode, resultMessage } = body as Record<string, unknown>
  if (typeof resultCode !== 'string') return undefined
  return { resultCode, resultMessage: typeof resultMessage === 'string' ? resultMessage : resultCode }
}
