import { performance } from 'node:perf_hooks'
import type { Dispatcher } from 'undici'
import { transportError } from './upstream-errors.ts'

export interface Exchanged {
  status: number
  /** The whole body (its size is capped by the pool's maxResponseSize). */
  bytes: Buffer
  /** The first Retry-After header of an answer that is not a success, for the retry policy. */
  retryAfter?: string
}

const EMPTY = Buffer.alloc(0)
const RETRY_AFTER = 'retry-after'

/**
 * One request through undici's dispatcher, the body collected into one buffer. What `request()` plus
 * `body.arrayBuffer()` do, without the Readable stream, async resource and header object they build
 * for each answer: the proxy only ever wants the whole body. The size cap is the pool's.
 *
 * `deadline` (a `performance.now()` time) bounds the whole exchange: waiting in the pool's queue,
 * connecting, the headers and every byte of the body. The pool's own timeouts bound each phase
 * (a body timeout is per chunk), so an answer trickled a byte at a time would pass them all. When the
 * deadline passes, the caller is answered at once; the request is aborted (its socket destroyed) if it
 * is on a connection, or as soon as the pool hands it one.
 * Failures are transport errors; `beforeAnswer` when no answer had started, so a read may be retried.
 */
export function exchange (dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, deadline: number): Promise<Exchanged> {
  return new Promise((resolve, reject) => { dispatcher.dispatch(options, new Collector(resolve, reject, deadline)) })
}

/** What undici calls the deadline's expiry; mapped to 504 BFF_UPSTREAM_TIMEOUT (upstream-errors.ts). */
function deadlinePassed (): Error {
  return Object.assign(new Error('the upstream call did not complete within AUTHLETE_TIMEOUT_MS'), { name: 'TimeoutError', code: 'BFF_DEADLINE' })
}

// undici's (legacy) handler interface, as a class: no closures to build per request.
class Collector implements Dispatcher.DispatchHandler {
  readonly #resolve: (exchanged: Exchanged) => void
  readonly #reject: (error: Error) => void
  #status = 0
  #retryAfter: string | undefined
  #first: Buffer | undefined
  #chunks: Buffer[] | undefined
  #abort: ((error: Error) => void) | undefined
  #sent = false
  #settled = false
  readonly #timer: NodeJS.Timeout

  constructor (resolve: (exchanged: Exchanged) => void, reject: (error: Error) => void, deadline: number) {
    this.#resolve = resolve
    this.#reject = reject
    this.#timer = setTimeout(() => { this.#expire() }, Math.max(0, deadline - performance.now()))
  }

  // Called when the request gets a connection, just before it is written.
  onConnect (abort: (error: Error) => void): void {
    if (this.#settled) {
      abort(deadlinePassed())
      return
    }
    this.#abort = abort
    this.#sent = true
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx interim answers come before the real one.
    if (statusCode < 200) return true
    this.#status = statusCode
    if (statusCode >= 300) this.#retryAfter = headerValue(rawHeaders, RETRY_AFTER)
    return true
  }

  onData (chunk: Buffer): boolean {
    if (this.#first === undefined) this.#first = chunk
    else (this.#chunks ??= [this.#first]).push(chunk)
    return true
  }

  onComplete (): void {
    this.#settle()
    const bytes = this.#chunks !== undefined ? Buffer.concat(this.#chunks) : this.#first ?? EMPTY
    this.#resolve({ status: this.#status, bytes, retryAfter: this.#retryAfter })
  }

  onError (error: Error): void {
    this.#settle()
    this.#reject(transportError(error, { beforeAnswer: this.#status === 0, sent: this.#sent }))
  }

  #expire (): void {
    const error = deadlinePassed()
    this.onError(error)
    this.#abort?.(error)
  }

  /**
   * The answer, the failure and the deadline race: the first settles the promise (a promise settles
   * once, so the later ones change nothing), and a request the pool connects after that is aborted.
   */
  #settle (): void {
    this.#settled = true
    clearTimeout(this.#timer)
  }
}

function headerValue (rawHeaders: Buffer[], name: string): string | undefined {
  // Names and values alternate: the list is always of even length.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const header = rawHeaders[i]!
    if (header.length === name.length && header.toString('latin1').toLowerCase() === name) return rawHeaders[i + 1]!.toString('latin1')
  }
  return undefined
}
