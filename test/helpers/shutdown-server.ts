import { mkdtemp } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { Pool } from 'undici'
import { json, type FaultUpstream } from './fault-upstream.ts'
import { startServerProcess, type ServerProcess } from './server-process.ts'
import { PASSWORDS, testUsersFile } from './users.ts'

// What the shutdown tests (test/ops/shutdown.test.ts, test/ops/drain.test.ts) share: a real
// `node src/server.ts` in front of a slow upstream stand-in, and plain sockets to see resets.

export const CLIENT = { clientId: 1234, clientName: 'Draining' }
export const UPSTREAM_DELAY_MS = 500

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function waitFor (what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Answers like Authlete, UPSTREAM_DELAY_MS late. */
export function slowAuthlete (upstream: FaultUpstream): void {
  upstream.answer((request, response) => {
    setTimeout(() => {
      if (request.method === 'POST') json(response, 200, { resultCode: 'A215001', resultMessage: 'ok' })
      else if (request.url?.includes('/client/get/list') === true) json(response, 200, { start: 0, end: 1, totalCount: 1, clients: [CLIENT] })
      else json(response, 200, CLIENT)
    }, UPSTREAM_DELAY_MS)
  })
}

export async function startServer (t: Test, upstream: FaultUpstream, env: Record<string, string>): Promise<ServerProcess & { auditFile: string }> {
  const auditFile = join(await mkdtemp(join(tmpdir(), 'bff-shutdown-')), 'audit.db')
  const server = await startServerProcess(t, {
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: '5',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-shutdown-test',
    BFF_USERS_FILE: await testUsersFile(),
    SESSION_SECRET: 'a-fixed-session-secret-for-this-test-only',
    AUDIT_STORE: `sqlite:${auditFile}`,
    RATE_LIMIT_READ: '1000000/1m',
    RATE_LIMIT_WRITE: '1000000/1m',
    RATE_LIMIT_SECRET: '1000000/1m',
    RATE_LIMIT_LOGIN: '1000000/1m',
    RATE_LIMIT_LOGIN_IP: '1000000/1m',
    RATE_LIMIT_ANONYMOUS: '1000000/1m',
    // The arrival of each request ("incoming request") is logged at debug level.
    LOG_LEVEL: 'debug',
    ...env
  })
  return { ...server, auditFile }
}

export async function signIn (pool: Pool): Promise<Record<string, string>> {
  const response = await pool.request({
    method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  const { csrfToken } = await response.body.json() as { csrfToken: string }
  const setCookie = response.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie[0]! : setCookie!).split(';')[0]!
  return { cookie, 'x-csrf-token': csrfToken }
}

export function exited (server: ServerProcess): Promise<{ code: number | null, signal: NodeJS.Signals | null, at: number }> {
  return new Promise(resolve => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve({ code: server.child.exitCode, signal: server.child.signalCode, at: Date.now() })
    else server.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }))
  })
}

export interface RawAnswer { status: number, headers: Record<string, string>, body: string }

export interface RawConnection {
  /** Resolves once the whole request is in the kernel's hands (written to the socket). */
  send: (method: string, path: string, headers: Record<string, string>, body?: string) => Promise<void>
  /** The next answer on the connection, read by its Content-Length; rejects on a reset or a close. */
  nextAnswer: () => Promise<RawAnswer>
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<void>
  destroy: () => void
}

/** A keep-alive HTTP/1.1 connection over a plain socket, to know when a request has been sent. */
export async function openConnection (url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let received = Buffer.alloc(0)
  let failure: Error | undefined
  let wake = () => {}
  socket.on('data', chunk => { received = Buffer.concat([received, chunk]); wake() })
  socket.on('error', error => { failure = error; wake() })
  const closed = new Promise<void>(resolve => socket.on('close', () => {
    failure ??= new Error('the connection was closed before an answer')
    wake()
    resolve()
  }))
  const parsed = (): RawAnswer | undefined => {
    const headEnd = received.indexOf('\r\n\r\n')
    if (headEnd < 0) return undefined
    const [statusLine = '', ...headerLines] = received.subarray(0, headEnd).toString('latin1').split('\r\n')
    const headers = Object.fromEntries(headerLines.map(line => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
    const end = headEnd + 4 + Number(headers['content-length'] ?? 0)
    if (received.length < end) return undefined
    const body = received.subarray(headEnd + 4, end).toString('utf8')
    received = received.subarray(end)
    return { status: Number(statusLine.split(' ')[1]), headers, body }
  }
  return {
    send: (method, path, headers, body = '') => new Promise((resolve, reject) => {
      const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, `content-length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)]
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`, error => { if (error === undefined || error === null) resolve(); else reject(error) })
    }),
    nextAnswer: async () => {
      for (;;) {
        const answer = parsed()
        if (answer !== undefined) return answer
        if (failure !== undefined) throw failure
        await new Promise<void>(resolve => { wake = resolve })
      }
    },
    closed,
    destroy: () => socket.destroy()
  }
}
