import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Test } from 'tap'
import { freePort } from './server-process.ts'

export interface TestRedis {
  /** redis://127.0.0.1:PORT (no password, loopback only, nothing persisted) */
  url: string
  /** Stops the server (SIGTERM, waits for it to exit): open connections are cut, the data is lost. */
  stop: () => Promise<void>
  /** Starts it again on the same port, empty. */
  start: () => Promise<void>
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause: () => void
  /** Lets a paused server go on (SIGCONT): it then answers what it was sent meanwhile. */
  resume: () => void
}

/** Debian's `redis-server` (`apt-get install redis-server`); REDIS_SERVER overrides, else it is looked up on PATH. */
function findRedisServer (): string {
  const candidates = process.env.REDIS_SERVER !== undefined && process.env.REDIS_SERVER !== ''
    ? [process.env.REDIS_SERVER]
    : [...(process.env.PATH ?? '').split(delimiter).filter(dir => dir !== '').map(dir => join(dir, 'redis-server')), '/usr/bin/redis-server', '/usr/sbin/redis-server']
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  throw new Error(`redis-server not found (looked for ${candidates.join(', ')}): install it with \`apt-get install redis-server\` or set REDIS_SERVER to its path`)
}

/** Answers once a PING on a fresh connection gets +PONG, or rejects. */
function ping (port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setTimeout(1000, () => socket.destroy(new Error('PING timed out')))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', chunk => {
      answer += chunk.toString()
      if (!answer.includes('\r\n')) return
      socket.destroy()
      if (answer.startsWith('+PONG')) resolve()
      else reject(new Error(`PING answered ${JSON.stringify(answer)}`))
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error('connection closed before PONG')))
  })
}

/**
 * A throwaway Redis on loopback (no persistence), killed in the test's teardown. A missing
 * redis-server fails the test: it is a broken machine, never a skip.
 */
export async function startRedis (t: Test): Promise<TestRedis> {
  const binary = findRedisServer()
  const dir = await mkdtemp(join(tmpdir(), 'bff-redis-'))
  const port = await freePort()
  const configFile = join(dir, 'redis.conf')
  await writeFile(configFile, [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    'save ""',
    'appendonly no',
    `dir ${dir}`,
    'daemonize no',
    'logfile ""',
    'loglevel warning'
  ].join('\n') + '\n')

  let child: ChildProcess | undefined
  let output = ''

  const start = async (): Promise<void> => {
    if (child !== undefined) return
    const spawned = spawn(binary, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = spawned
    spawned.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    spawned.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    let spawnError: Error | undefined
    spawned.on('error', error => { spawnError = error })
    spawned.on('exit', () => { if (child === spawned) child = undefined })
    const deadline = Date.now() + 10_000
    for (;;) {
      if (spawnError !== undefined) throw new Error(`redis-server (${binary}) could not be started: ${spawnError.message}`)
      if (spawned.exitCode !== null || spawned.signalCode !== null) {
        throw new Error(`redis-server exited with ${spawned.exitCode ?? spawned.signalCode} before answering PING:\n${output}`)
      }
      try {
        await ping(port)
        return
      } catch (error) {
        if (Date.now() > deadline) {
          spawned.kill('SIGKILL')
          throw new Error(`redis-server did not answer PING on port ${port} within 10 s (${(error as Error).message}):\n${output}`)
        }
      }
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  }

  const stop = async (): Promise<void> => {
    const running = child
    if (running === undefined) return
    child = undefined
    if (running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise(resolve => running.once('exit', resolve))
    running.kill('SIGTERM')
    running.kill('SIGCONT') // a paused server acts on the SIGTERM only once it runs again
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  const signal = (name: 'SIGSTOP' | 'SIGCONT'): void => {
    if (child === undefined) throw new Error('redis-server is not running')
    child.kill(name)
  }

  t.teardown(async () => {
    await stop()
    await rm(dir, { recursive: true, force: true })
  })
  await start()
  return { url: `redis://127.0.0.1:${port}`, stop, start, pause: () => signal('SIGSTOP'), resume: () => signal('SIGCONT') }
}
