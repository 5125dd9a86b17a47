import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import overload from '../../src/ops/overload.ts'
import { shutdownOnSignals, type ShutdownOptions } from '../../src/ops/shutdown.ts'

// The shutdown's steps on a small real app (Fastify with the overload plugin, which holds the
// unready and draining flags), its exit recorded instead of ending this process. The process-level
// behaviour (real signals, sockets, the audit records of requests in flight) is in shutdown.test.ts
// and drain.test.ts.

interface Harness {
  app: FastifyInstance
  /** What happened, in order: log messages, `closed`, `exit <code>`. */
  steps: string[]
  logs: Array<Record<string, unknown>>
  onSignal: (signal: NodeJS.Signals) => void
  /** Resolves with the first exit code. */
  exited: Promise<number>
}

async function harness (t: Test, options: ShutdownOptions, onClose: () => Promise<void> = async () => {}): Promise<Harness> {
  const steps: string[] = []
  const logs: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString()) as Record<string, unknown>
      logs.push(line)
      steps.push(String(line.msg))
      done()
    }
  })
  const app = Fastify({ logger: { level: 'info', stream } })
  await app.register(overload, { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 0, warmupSeconds: 0 })
  app.addHook('onClose', async () => {
    steps.push(app.draining ? 'closed while draining' : 'closed')
    await onClose()
  })
  await app.ready()
  t.teardown(() => app.close())
  let exit!: (code: number) => void
  const exited = new Promise<number>(resolve => { exit = resolve })
  const onSignal = shutdownOnSignals(app, options, async code => {
    steps.push(`exit ${code}`)
    exit(code)
    // As process.exit: nothing after it runs.
    return await new Promise<never>(() => {})
  })
  return { app, steps, logs, onSignal, exited }
}

t.test('shutdownOnSignals ...should fail readiness at once, drain and close after SHUTDOWN_DELAY, then exit 0', async t => {
  const delaySeconds = 0.2
  const { app, steps, logs, onSignal, exited } = await harness(t, { delaySeconds, timeoutSeconds: 30 })
  t.equal(app.unready, false)
  const signalled = performance.now()
  onSignal('SIGTERM')
  t.equal(app.unready, true, 'readiness fails at once')
  t.equal(app.draining, false, 'the rest is still served')
  t.match(logs[0], { level: 30, signal: 'SIGTERM', delaySeconds, timeoutSeconds: 30, msg: 'shutting down: /readyz fails from now on' })
  t.equal(await exited, 0)
  const waited = performance.now() - signalled
  t.ok(waited >= delaySeconds * 1000 - 1, `drained after the delay (${Math.round(waited)} ms)`)
  t.equal(app.draining, true)
  t.same(steps, ['shutting down: /readyz fails from now on', 'draining', 'closed while draining', 'exit 0'])
})

t.test('shutdownOnSignals ...should end SHUTDOWN_DELAY at a second signal, saying so once, and start the steps only once', async t => {
  const { app, steps, logs, onSignal, exited } = await harness(t, { delaySeconds: 600, timeoutSeconds: 900 })
  onSignal('SIGTERM')
  onSignal('SIGINT')
  onSignal('SIGTERM')
  t.equal(await exited, 0, 'drained and closed at once, not after 600 s')
  t.equal(app.draining, true)
  t.same(steps, ['shutting down: /readyz fails from now on', 'second signal: draining now', 'draining', 'closed while draining', 'exit 0'])
  t.match(logs[1], { level: 30, signal: 'SIGINT' })
})

t.test('shutdownOnSignals ...should exit 1 when closing fails, logging why', async t => {
  const { steps, logs, onSignal, exited } = await harness(t, { delaySeconds: 0, timeoutSeconds: 30 }, async () => { throw new Error('pool would not end') })
  onSignal('SIGINT')
  t.equal(await exited, 1)
  t.match(logs.find(line => line.msg === 'shutdown failed'), { level: 50, err: { message: 'pool would not end' } })
  t.same(steps.filter(step => step.startsWith('exit')), ['exit 1'], 'and only that exit')
})

t.test('shutdownOnSignals ...should exit 1 a quarter second (the logs\' flush) before SHUTDOWN_TIMEOUT when closing never ends', async t => {
  const timeoutSeconds = 0.5
  let release!: () => void
  const closing = new Promise<void>(resolve => { release = resolve })
  const { steps, logs, onSignal, exited } = await harness(t, { delaySeconds: 0, timeoutSeconds }, async () => await closing)
  // Timers fire in the order they are due: one just before the deadline, one at SHUTDOWN_TIMEOUT.
  const before = new Promise<void>(resolve => setTimeout(() => { steps.push('before the deadline'); resolve() }, timeoutSeconds * 1000 - 250 - 5))
  const timeout = new Promise<void>(resolve => setTimeout(() => { steps.push('SHUTDOWN_TIMEOUT'); resolve() }, timeoutSeconds * 1000))
  onSignal('SIGTERM')
  t.equal(await exited, 1)
  await Promise.all([before, timeout])
  t.same(steps, ['shutting down: /readyz fails from now on', 'draining', 'closed while draining', 'before the deadline', 'shutdown timed out; exiting with requests still in flight', 'exit 1', 'SHUTDOWN_TIMEOUT'])
  t.match(logs.find(line => line.msg === 'shutdown timed out; exiting with requests still in flight'), { level: 50 })
  release()
})
