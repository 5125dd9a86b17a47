import fp from 'fastify-plugin'
import underPressure, { TYPE_EVENT_LOOP_DELAY } from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import { errors } from '../http/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from SIGTERM on: /readyz answers 503 so that the gateway stops sending; the rest is served. */
    unready: boolean
    /** True once SHUTDOWN_DELAY has passed: new requests are refused while in-flight ones finish. */
    draining: boolean
  }
}

// Liveness and metrics must answer even when the proxy is overloaded or draining: an orchestrator
// would otherwise restart a process that is only busy.
const ALWAYS_ANSWERED = new Set(['/healthz', '/metrics'])
const READINESS = '/readyz'
const RETRY_AFTER_SECONDS = 10

/** The path of a request target, without its query: `/readyz?probe=1` is still the readiness route. */
function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query < 0 ? url : url.slice(0, query)
}

/**
 * What shutting down does to a request: `serve` it, or `refuse` it with 503 BFF_DRAINING: from SIGTERM
 * on, /readyz only, so that the gateway stops sending; once draining, every request but liveness and
 * metrics. (From SIGTERM on, every answer closes its connection: the onSend hook below.)
 */
export function shutdownVerdict (url: string, unready: boolean, draining: boolean): 'serve' | 'refuse' {
  if (!unready && !draining) return 'serve'
  const path = pathOf(url)
  if (ALWAYS_ANSWERED.has(path)) return 'serve'
  return draining || path === READINESS ? 'refuse' : 'serve'
}

/** Whether a request measured under pressure of `type` is refused at `now`, the event-loop delay counting only from `warmUntil`. */
export function refusedUnderPressure (url: string, type: string, now: number, warmUntil: number): boolean {
  if (ALWAYS_ANSWERED.has(pathOf(url))) return false
  return type !== TYPE_EVENT_LOOP_DELAY || now >= warmUntil
}

export interface OverloadOptions {
  maxEventLoopDelayMs: number
  maxHeapUsedBytes: number
  /** OVERLOAD_WARMUP_SECONDS: from the app being ready, the event-loop delay refuses nothing. */
  warmupSeconds: number
}

async function overloadPlugin (app: FastifyInstance, options: OverloadOptions): Promise<void> {
  app.decorate('unready', false)
  app.decorate('draining', false)
  // under-pressure measures the event loop from its registration, and its first sample (a mean over
  // a second) holds the start-up work that follows: loading modules, compiling schemas, opening
  // stores, all in long synchronous stretches, longer still under CPU contention. Its verdict then
  // stands for a whole second, and a new replica refused its first requests (617 in its first
  // second in a fault test). The delay counts only once the replica has been ready for the warm-up;
  // the heap limit counts at once (start-up leaves nothing on it that would pass away).
  let warmUntil = Infinity
  app.addHook('onReady', async () => { warmUntil = Date.now() + options.warmupSeconds * 1000 })
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: options.maxHeapUsedBytes,
    pressureHandler: async (request, _reply, type) => {
      if (refusedUnderPressure(request.url, type, Date.now(), warmUntil)) throw Object.assign(new errors.Overloaded(), { retryAfterSeconds: RETRY_AFTER_SECONDS })
    }
  })
  // These hooks run on every request: plain callbacks, no promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    if (shutdownVerdict(request.url, app.unready, app.draining) === 'serve') return done()
    done(Object.assign(new errors.Draining(), { retryAfterSeconds: 1 }))
  })
  // From SIGTERM on, every answer closes its connection. During SHUTDOWN_DELAY: a client or gateway
  // then sends its next request on a new connection, which the listener still takes and, once the
  // drain has closed it, is refused (a gateway retries a refused connection elsewhere, whatever the
  // method: nothing was sent); instead of reusing a keep-alive connection that the drain closes as
  // idle, perhaps just as a request is on its way on it, which is then reset (or, at a gateway, not
  // retried when it was a mutation). During the drain: requests already in flight are answered in
  // full, but their connections must not outlive them, since server.close() reaps only the
  // connections idle at that moment, and one left open by a client would hold the shutdown until
  // SHUTDOWN_TIMEOUT kills the process (exit 1, cutting every other request).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.unready || app.draining) reply.header('connection', 'close')
    done(null, payload)
  })
  // An answer whose headers went out just before the drain began still finishes keep-alive: close
  // its connection (and any other that is idle by now) once it is sent.
  app.addHook('onResponse', (_request, _reply, done) => {
    if (app.draining) app.server.closeIdleConnections()
    done()
  })
}

export default fp(overloadPlugin, { name: 'overload', fastify: '5.x' })
