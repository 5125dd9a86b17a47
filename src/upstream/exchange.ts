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
 * for each answer: the proxy only ever wants the whole body. Timeouts and the size cap are the pool's.
 * Failures are transport errors; `beforeAnswer` when no answer had started, so a read may be retried.
 */
export function exchange (dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<Exchanged> {
  return new Promise((resolve, reject) => { dispatcher.dispatch(options, new Collector(resolve, reject)) })
}

// undici's (legacy) handler interface, as a class: no closures to build per request.
class Collector implements Dispatcher.DispatchHandler {
  readonly #resolve: (exchanged: Exchanged) => void
  readonly #reject: (error: Error) => void
  #status = 0
  #retryAfter: string | undefined
  #first: Buffer | undefined
  #chunks: Buffer[] | undefined

  constructor (resolve: (exchanged: Exchanged) => void, reject: (error: Error) => void) {
    this.#resolve = resolve
    this.#reject = reject
  }

  onConnect (): void {}

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
    const bytes = this.#chunks !== undefined ? Buffer.concat(this.#chunks) : this.#first ?? EMPTY
    this.#resolve({ status: this.#status, bytes, retryAfter: this.#retryAfter })
  }

  onError (error: Error): void {
    this.#reject(transportError(error, this.#status === 0))
  }
}

function headerValue (rawHeaders: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const header = rawHeaders[i]!
    if (header.length === name.length && header.toString('latin1').toLowerCase() === name) return rawHeaders[i + 1]!.toString('latin1')
  }
  return undefined
}
