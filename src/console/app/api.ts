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
  if (error instanceof ApiError) return `${action}: ${error.message}`
  return `${action}: the server could not be reached (${String(error)}). Check the connection and retry.`
}

let csrfToken: string | undefined
let onSessionEnded: () => void = () => {}

export function setCsrfToken (token: string | undefined): void { csrfToken = token }
export function whenSessionEnds (listener: () => void): void { onSessionEnded = listener }

export interface Answer<T> { status: number, data: T, etag: string | undefined }

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
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  let body: string | undefined
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json'
    body = JSON.stringify(options.body)
  }
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' })
  const text = await response.text()
  const data = text === '' ? undefined : parseJson(text)
  if (!response.ok) {
    const problem: Problem = isObject(data) ? { ...(data as unknown as Problem), status: response.status } : { status: response.status, detail: `the server answered ${response.status} ${response.statusText}` }
    const retryAfter = response.headers.get('retry-after')
    const quiet = typeof options.quietUnauthenticated === 'function' ? options.quietUnauthenticated(data) : options.quietUnauthenticated === true
    if (response.status === 401 && !quiet) onSessionEnded()
    throw new ApiError(problem, retryAfter === null ? undefined : Number(retryAfter))
  }
  return { status: response.status, data: data as T, etag: response.headers.get('etag') ?? undefined }
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
