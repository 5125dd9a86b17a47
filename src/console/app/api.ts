// The console's only way to the server: the public HTTP API, same origin, the session cookie sent by
// the browser. The CSRF token lives in this module's memory only (never in web storage or URLs).

export interface FieldProblem { path: string, message: string }
export interface Problem {
  status: number
  title?: string
  detail?: string
  code?: string
  errors?: FieldProblem[]
  resultCode?: string
  resultMessage?: string
  requestId?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  /** Seconds from Retry-After, when the server sent one. */
  readonly retryAfter: number | undefined

  constructor (problem: Problem, retryAfter: number | undefined) {
    super(problemSentence(problem))
    this.status = problem.status
    this.problem = problem
    this.retryAfter = retryAfter
  }
}

/** A human sentence for a problem, always carrying the server's own detail (and Authlete's message, kept apart). */
function problemSentence (problem: Problem): string {
  const detail = problem.detail ?? problem.title ?? `the server answered ${problem.status}`
  const said = problem.resultMessage === undefined ? detail : `${detail}: ${problem.resultMessage}`
  const sentence = said.endsWith('.') ? said : `${said}.`
  return problem.requestId === undefined ? sentence : `${sentence} (request ${problem.requestId})`
}

/** "Could not save the client: Authlete rejected the request (result …; its message is resultMessage): …" */
export function explain (action: string, error: unknown): string {
  if (error instanceof ApiError) return `${action}: ${upstreamFailure(error) ?? error.message}`
  return `${action}: the server could not be reached (${String(error)}). Check the connection and retry.`
}

// The proxy's upstream problems (src/http/errors.ts) in plain words: which side failed, the proxy's
// circuit breaker or Authlete, and whether trying again can help.
const UPSTREAM_FAILURES: Record<string, { said: string, retry: boolean }> = {
  BFF_UPSTREAM_CIRCUIT_OPEN: { said: 'the proxy is holding back calls to Authlete: its circuit breaker opened after Authlete failed several times in a row, so nothing was sent to Authlete.', retry: true },
  BFF_UPSTREAM_UNAVAILABLE: { said: 'Authlete could not be reached: the proxy got no connection to it, so nothing was sent.', retry: true },
  BFF_UPSTREAM_TIMEOUT: { said: 'Authlete did not answer in time.', retry: true },
  BFF_UPSTREAM_FAILED: { said: 'Authlete failed: it answered with an error of its own.', retry: true },
  BFF_UPSTREAM_UNREADABLE: { said: 'Authlete\'s answer could not be read.', retry: true },
  BFF_UPSTREAM_TOO_LARGE: { said: 'Authlete\'s answer was larger than the proxy accepts.', retry: false },
  BFF_UPSTREAM_REDIRECT: { said: 'Authlete answered with a redirect, which the proxy never follows: its upstream address is probably wrong (ask its operators).', retry: false },
  BFF_UPSTREAM_CREDENTIALS: { said: 'Authlete refused the proxy\'s own service credentials: the proxy\'s configuration needs fixing (ask its operators); trying again will not help.', retry: false }
}
// The proxy's own passing states: another try, shortly, can succeed.
const PASSING = new Set(['BFF_DRAINING', 'BFF_OVERLOADED', 'BFF_RATE_LIMITED', 'BFF_SESSION_STORE_UNAVAILABLE', 'BFF_IDEMPOTENCY_IN_FLIGHT'])

function upstreamFailure (error: ApiError): string | undefined {
  const known = UPSTREAM_FAILURES[error.problem.code ?? '']
  if (known === undefined) return undefined
  const wait = error.retryAfter === undefined || Number.isNaN(error.retryAfter) ? '' : ` Try again in ${error.retryAfter} s.`
  // A change whose answer never came may have been made: a look first avoids making it twice.
  const unsure = error.problem.code === 'BFF_UPSTREAM_TIMEOUT' ? ' A change may or may not have been made: reload to see before trying again.' : ''
  const reference = [error.problem.code, error.problem.requestId === undefined ? undefined : `request ${error.problem.requestId}`].filter(Boolean).join(', ')
  const said = known.said.charAt(0).toUpperCase() + known.said.slice(1)
  return `${said}${unsure}${wait} (${reference})`
}

/** Whether a change that failed certainly never reached Authlete, so that trying it again cannot make it twice. */
export function neverSent (error: unknown): boolean {
  if (!(error instanceof ApiError)) return false
  const code = error.problem.code ?? ''
  return code === 'BFF_UPSTREAM_CIRCUIT_OPEN' || code === 'BFF_UPSTREAM_UNAVAILABLE' || PASSING.has(code)
}

/** Whether trying the same thing again can succeed: the connection, Authlete or the proxy passing trouble. */
export function retryable (error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  const code = error.problem.code ?? ''
  return UPSTREAM_FAILURES[code]?.retry ?? PASSING.has(code)
}

let csrfToken: string | undefined
let onSessionEnded: () => void = () => {}
let onAnswered: () => void = () => {}

export function setCsrfToken (token: string | undefined): void { csrfToken = token }
export function whenSessionEnds (listener: () => void): void { onSessionEnded = listener }
/** Every answer but a 401 means the session was used, which extends it (idle-warning.tsx). */
export function whenAnswered (listener: () => void): void { onAnswered = listener }

export interface Answer<T> { status: number, data: T, etag: string | undefined, headers: Headers }

export interface CallOptions {
  body?: unknown
  headers?: Record<string, string>
  contentType?: string
  /**
   * A 401 here is an answer for the caller (sign-in), not an ended session; as a function, for the
   * bodies it accepts only (an endpoint's own 401 beside the proxy's "sign in again").
   */
  quietUnauthenticated?: boolean | ((body: unknown) => boolean)
}

export async function call<T = unknown> (method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  const changes = method !== 'GET' && method !== 'HEAD'
  if (changes && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  // One key per user action, the same on every try of it: the server answers a retry of a change it
  // already made with its first answer instead of making it twice (docs/operating.md#idempotency-keys).
  if (changes) headers['idempotency-key'] = newIdempotencyKey()
  let body: string | undefined
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json'
    body = JSON.stringify(options.body)
  }
  const send = async () => await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' })
  const response = changes ? await sendChange(send) : await send()
  const text = await response.text()
  if (response.status !== 401) onAnswered()
  const data = text === '' ? undefined : parseJson(text)
  if (!response.ok) {
    const problem: Problem = isObject(data) ? { ...(data as unknown as Problem), status: response.status } : { status: response.status, detail: `the server answered ${response.status} ${response.statusText}` }
    const retryAfter = response.headers.get('retry-after')
    const quiet = typeof options.quietUnauthenticated === 'function' ? options.quietUnauthenticated(data) : options.quietUnauthenticated === true
    if (response.status === 401 && !quiet) onSessionEnded()
    throw new ApiError(problem, retryAfter === null ? undefined : Number(retryAfter))
  }
  return { status: response.status, data: data as T, etag: response.headers.get('etag') ?? undefined, headers: response.headers }
}

const CHANGE_TRIES = 3
const MAX_WAIT_SECONDS = 5

/**
 * A change is tried again, with the same key, when the connection failed before an answer (the
 * server may have made it: its answer is then replayed) and while the server says the first try is
 * still running (409 BFF_IDEMPOTENCY_IN_FLIGHT, after its Retry-After); at most CHANGE_TRIES times.
 */
async function sendChange (send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response
    try {
      response = await send()
    } catch (error) {
      if (attempt === CHANGE_TRIES) throw error
      await pause(1)
      continue
    }
    if (attempt === CHANGE_TRIES || !await stillInFlight(response)) return response
    await pause(Math.min(Number(response.headers.get('retry-after') ?? 1) || 1, MAX_WAIT_SECONDS))
  }
}

async function stillInFlight (response: Response): Promise<boolean> {
  if (response.status !== 409) return false
  const problem = parseJson(await response.clone().text())
  return isObject(problem) && problem.code === 'BFF_IDEMPOTENCY_IN_FLIGHT'
}

const pause = async (seconds: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, seconds * 1000)) }

/** 128 random bits in hex: crypto.randomUUID needs a secure context, getRandomValues does not. */
function newIdempotencyKey (): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), byte => byte.toString(16).padStart(2, '0')).join('')
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const get = <T>(path: string) => call<T>('GET', path)

/** A query string from the set values only. */
export function query (params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value))
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}
