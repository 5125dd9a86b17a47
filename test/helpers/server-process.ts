import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { Test } from 'tap'

// The event-loop-delay guard answers 503 BFF_OVERLOADED when the loop stalls past a threshold, which a
// busy test machine does; only its own tests (test/ops/gateway.test.ts) set MAX_EVENT_LOOP_DELAY_MS.
export const NO_OVERLOAD_GUARD = { MAX_EVENT_LOOP_DELAY_MS: '0' }

const START_TIMEOUT_MS = 90_000

export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
}

// Below Linux's ephemeral range (32768-60999): a port the kernel handed out for listen(0) is just
// as likely to be the local end of the next outgoing connection (tests open thousands, to Redis,
// PostgreSQL, nginx...) before the caller binds it. Random, and checked by binding it once.
const PORT_RANGE = { from: 20_000, to: 32_000 }

export async function freePort (): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from))
    if (await canListen(port)) return port
    if (attempt === 50) throw new Error('no free port found')
  }
}

async function canListen (port: number): Promise<boolean> {
  const server = createServer()
  return await new Promise(resolve => {
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}

/**
 * Another server than the sources: the compiled one (`dist/src/server.js` of a build), say; or
 * another program than this Node starting it (`command: ['npm', 'run', 'start:dist']`).
 */
export interface ServerScript { script?: string, cwd: string, nodeArgs?: string[], args?: string[], command?: string[] }

function commandLine (server: ServerScript | undefined): [string, string[]] {
  if (server?.command !== undefined) return [server.command[0]!, server.command.slice(1)]
  return [process.execPath, [...server?.nodeArgs ?? [], server?.script ?? 'src/server.ts', ...server?.args ?? []]]
}

/** `node src/server.ts` as a user runs it, on a free port, ready once /healthz answers. */
export async function startServerProcess (t: Test, env: Record<string, string>, server?: ServerScript): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(...commandLine(server), {
    cwd: server?.cwd ?? new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...NO_OVERLOAD_GUARD, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const url = `http://127.0.0.1:${port}`
  // A start-up on a loaded two-core machine (type stripping, SQLite, the bundle) can take tens of seconds.
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child, output: () => output }
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`server did not become healthy: ${output}`)
}
