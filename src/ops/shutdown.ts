import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import type { FastifyInstance } from 'fastify'

export interface LogDestination {
  stream: pino.DestinationStream
  /** Writes what is buffered; gives up after `timeoutMs` (a reader that stopped reading). */
  flush: (timeoutMs: number) => Promise<void>
  /** Drops every later line: nothing is written, nothing waits at exit. */
  silence: () => void
}

/**
 * Standard output, asynchronous, as pino's default destination, but owned by the process so that it
 * can be silenced. At exit pino flushes its destination synchronously, and that flush retries every
 * failed write, EPIPE included, every 100 ms, forever: a process whose log reader had gone was still
 * alive 80 minutes after SIGTERM. A destination that answered EPIPE stops being written to (pino's
 * own guard, for asynchronous writes), and the process silences it before it exits.
 */
export function createLogDestination (): LogDestination {
  const stream = pino.destination({ dest: 1, sync: false })
  return {
    stream,
    flush: timeoutMs => new Promise(resolve => {
      const timer = setTimeout(resolve, timeoutMs)
      stream.flush(() => {
        clearTimeout(timer)
        resolve()
      })
    }),
    silence: () => {
      stream.write = () => true
      stream.flushSync = () => {}
      stream.end = () => {}
    }
  }
}

export interface ShutdownOptions {
  /** SHUTDOWN_DELAY: seconds during which /readyz fails while everything else is still served; a second signal ends it. */
  delaySeconds: number
  /** SHUTDOWN_TIMEOUT: seconds from the signal to the exit, whatever is still in flight. */
  timeoutSeconds: number
}

// Long enough to write the last lines to a reader that keeps up; short enough not to matter.
const LOG_FLUSH_TIMEOUT_MS = 250

/**
 * SIGTERM or SIGINT, as Kubernetes and load balancers need it: /readyz answers 503 at once, so the
 * gateway stops sending, while everything else is served normally for `delaySeconds` (requests
 * already on their way are read and answered; every answer closes its connection); a second signal
 * ends the delay. Then the listener closes, idle keep-alive connections are closed, requests on busy
 * ones get 503 BFF_DRAINING with `Connection: close` (src/ops/overload.ts), in-flight requests finish
 * with their audit records, and pools and stores close. Past `timeoutSeconds` the process exits 1.
 */
export function stopOnSignals (app: FastifyInstance, { logs, ...options }: ShutdownOptions & { logs: LogDestination }): void {
  const onSignal = shutdownOnSignals(app, options, async code => {
    await logs.flush(LOG_FLUSH_TIMEOUT_MS)
    logs.silence()
    process.exit(code)
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal)
}

/**
 * The shutdown's steps, for each signal received: the first starts them, a second ends the delay.
 * `exit` ends the process (it never returns); the deadline leaves it the time to flush the logs.
 */
export function shutdownOnSignals (app: FastifyInstance, { delaySeconds, timeoutSeconds }: ShutdownOptions, exit: (code: number) => Promise<never>): (signal: NodeJS.Signals) => void {
  // A second signal ends the delay: a person pressing Ctrl-C twice, or an orchestrator in a hurry.
  const hurry = new AbortController()
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    app.unready = true
    app.log.info({ signal, delaySeconds, timeoutSeconds }, 'shutting down: /readyz fails from now on')
    const deadline = setTimeout(() => {
      app.log.error('shutdown timed out; exiting with requests still in flight')
      exit(1).catch(() => {})
    }, timeoutSeconds * 1000 - LOG_FLUSH_TIMEOUT_MS)
    deadline.unref()
    await sleep(delaySeconds * 1000, undefined, { signal: hurry.signal }).catch(() => {})
    app.draining = true
    app.log.info('draining')
    try {
      await app.close()
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed')
      await exit(1)
    }
    await exit(0)
  }
  let signalled = false
  return signal => {
    if (signalled) {
      if (!hurry.signal.aborted) app.log.info({ signal }, 'second signal: draining now')
      hurry.abort()
      return
    }
    signalled = true
    stop(signal).catch(() => {})
  }
}
