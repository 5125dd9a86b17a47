import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import type { Test } from 'tap'
import { buildTestApp, login, type Login } from '../helpers/app.ts'
import type { TestPostgres } from '../helpers/postgres.ts'

// What the tests of the audit intent's deadline share (postgres-deadline, caller-gone).

export const WRITE_TIMEOUT_MS = 2000
const LOCK_PATH = '/client/lock_flag/update/'

export interface Setup {
  app: FastifyInstance
  url: string
  editor: Login
  /** The app's audit database (advisory locks are per database). */
  database: string
  /** Every log line the app wrote, parsed. */
  logs: () => Array<Record<string, any>>
}

let databases = 0

/** The app on a fresh database of `postgres`, listening for real, and an editor's session. */
export async function setup (t: Test, postgres: TestPostgres, env: Record<string, string> = {}): Promise<Setup> {
  const name = `deadline_${++databases}`
  const admin = new pg.Client({ connectionString: postgres.url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end())
  const database = postgres.url.replace(/\/postgres$/, `/${name}`)
  const { app, logs } = await buildTestApp(t, { AUDIT_STORE: database, AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS), ...env })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url, editor: await login(app, 'editor'), database, logs: () => logs.map(line => JSON.parse(line) as Record<string, any>) }
}

export interface Answer { status: number, code?: string, requestId: string | null, ms: number }

/** A lock over real HTTP; a caller that waited three times the write timeout gives up (status 0). */
export async function lock (url: string, editor: Login, writeTimeoutMs = WRITE_TIMEOUT_MS): Promise<Answer> {
  const started = performance.now()
  try {
    const response = await fetch(`${url}/api/clients/portal/lock`, {
      method: 'PUT',
      headers: { ...editor.headers, 'content-type': 'application/json' },
      body: '{"locked":true}',
      signal: AbortSignal.timeout(writeTimeoutMs * 3)
    })
    const body = await response.json() as { code?: string }
    return { status: response.status, code: body.code, requestId: response.headers.get('x-request-id'), ms: performance.now() - started }
  } catch {
    return { status: 0, requestId: null, ms: performance.now() - started }
  }
}

/** Waits for `condition`, checking every few milliseconds, for at most `withinMs`. */
export async function until (condition: () => Promise<boolean> | boolean, withinMs: number, what: string): Promise<void> {
  const deadline = performance.now() + withinMs
  while (!await condition()) {
    if (performance.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`)
    await sleep(20)
  }
}

/** How many lock changes the emulator received. */
export function forwardedLocks (app: FastifyInstance): number {
  return app.sandboxUpstream.requests.filter(request => request.path.includes(LOCK_PATH)).length
}

export async function noPendingRecord (app: FastifyInstance): Promise<boolean> {
  return (await app.auditTrail.query({ limit: 1, outcome: 'pending' })).records.length === 0
}

/**
 * Whether bytes sent to the PostgreSQL server wait unread in one of its sockets (Linux /proc/net/tcp):
 * while it is frozen, that is a transaction the proxy sent, an intent's batch.
 */
export async function unreadByServer (postgres: TestPostgres): Promise<boolean> {
  const port = Number(new URL(postgres.url).port)
  return (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1).some(line => {
    const [, local, , , queues] = line.trim().split(/\s+/)
    return local !== undefined && queues !== undefined && parseInt(local.split(':')[1]!, 16) === port && parseInt(queues.split(':')[1]!, 16) > 0
  })
}

/** A lock over its own connection that the test can abort. */
export function abortableLock (app: FastifyInstance, url: string, editor: Login, clientId: string): { abort: () => Promise<void> } {
  const serverSockets = new Map<number, Socket>()
  const track = (socket: Socket) => { serverSockets.set(socket.remotePort!, socket) }
  app.server.on('connection', track)
  const request = httpRequest(`${url}/api/clients/${clientId}/lock`, { method: 'PUT', agent: false, headers: { ...editor.headers, 'content-type': 'application/json' } })
  request.on('error', () => {})
  request.end('{"locked":true}')
  const connected = new Promise<number>(resolve => request.once('socket', socket => socket.once('connect', () => resolve(socket.localPort!))))
  return {
    /** Aborts the request; resolves once the server's side of the connection is closed. */
    async abort (): Promise<void> {
      const port = await connected
      await until(() => serverSockets.has(port), WRITE_TIMEOUT_MS, 'the server accepted the connection')
      const serverSide = serverSockets.get(port)!
      const closed = new Promise(resolve => serverSide.once('close', resolve))
      request.destroy()
      await closed
      app.server.off('connection', track)
    }
  }
}
