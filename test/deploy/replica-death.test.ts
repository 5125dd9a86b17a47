import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtemp } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { Agent, request, type Dispatcher } from 'undici'
import { startRedis } from '../helpers/redis.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { startGateway } from './nginx-gateway.ts'

// deploy/nginx/authlete-bff.conf in front of two real replicas (`node src/server.ts`, sessions in
// Redis) and one Authlete stand-in that counts every DELETE it receives and tells which replica sent
// it (each replica has a port of its own on it). Under load through the real nginx, one mutation is
// answered 503 (both audit files locked for a moment: BFF_AUDIT_UNAVAILABLE), then the first DELETE
// that replica 1 forwards makes the stand-in kill replica 1 (SIGKILL) with that DELETE unanswered.

const READ_PATH = '/api/clients/1234'
const BLIP_PATH = '/api/clients/1234/lock'
const SERVICE_ID = '5'
const AUDIT_WRITE_TIMEOUT_MS = 500

interface StandIn {
  /** One base URL per replica, so that each request says which replica sent it. */
  urls: [string, string]
  /** Client ID -> how many times a DELETE of it reached Authlete, from which replica. */
  deletes: Map<string, number[]>
}

function json (response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

/** Answers like Authlete 3.0; `onDelete` sees each DELETE and may keep it unanswered (returns false). */
async function startStandIn (t: Test, onDelete: (replica: number) => boolean): Promise<StandIn> {
  const deletes = new Map<string, number[]>()
  const handle = (replica: number) => (request: IncomingMessage, response: ServerResponse): void => {
    request.resume()
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://stand-in').pathname
      const deleted = new RegExp(`^/api/${SERVICE_ID}/client/delete/(\\d+)$`).exec(path)
      if (request.method === 'DELETE' && deleted !== null) {
        deletes.set(deleted[1]!, [...deletes.get(deleted[1]!) ?? [], replica])
        if (onDelete(replica)) response.writeHead(204).end()
        return
      }
      if (path.endsWith('/client/get/list')) return json(response, 200, { start: 0, end: 1, totalCount: 1, clients: [{ clientId: 1234, clientName: 'Read' }] })
      json(response, 200, { clientId: 1234, clientName: 'Read' })
    })
  }
  const servers = [createServer(handle(1)), createServer(handle(2))]
  const urls = await Promise.all(servers.map(server => new Promise<string>(resolve => server.listen(0, '127.0.0.1', () => {
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  }))))
  t.teardown(() => Promise.all(servers.map(server => new Promise(resolve => {
    server.closeAllConnections()
    server.close(resolve)
  }))))
  return { urls: [urls[0]!, urls[1]!], deletes }
}

/** Another process that takes the write lock of every SQLite file given, and holds them until released. */
async function lockFiles (t: Test, files: string[]): Promise<{ release: () => Promise<void> }> {
  const script = `
    const { DatabaseSync } = require('node:sqlite')
    const dbs = process.argv.slice(1).map(file => new DatabaseSync(file))
    for (const db of dbs) db.exec('PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE')
    process.stdout.write('locked\\n')
    process.stdin.on('end', () => { for (const db of dbs) db.exec('ROLLBACK'); process.exit(0) }).resume()`
  const holder = spawn(process.execPath, ['-e', script, ...files], { stdio: ['pipe', 'pipe', 'inherit'] })
  t.teardown(() => { if (holder.exitCode === null) holder.kill('SIGKILL') })
  const exited = new Promise<void>(resolve => holder.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve() })
    exited.then(() => reject(new Error('the lock holder exited')), () => {})
  })
  return { release: async () => { holder.stdin.end(); await exited } }
}

interface Outcome { method: string, path: string, status: number, at: number }

t.test('the nginx gateway, when a replica dies under load ...should answer within every second and send no DELETE twice', async t => {
  const redis = await startRedis(t)
  let killReplica = () => {}
  let killedAt: number | undefined
  let armedAt = Infinity
  let nextId = 10_000
  const standIn = await startStandIn(t, replica => {
    if (replica !== 1 || killedAt !== undefined || Date.now() < armedAt) return true
    killedAt = Date.now()
    killReplica()
    return false
  })
  const dir = await mkdtemp(join(tmpdir(), 'bff-replica-death-'))
  const shared = {
    AUTHLETE_SERVICE_ID: SERVICE_ID,
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-replica-death',
    AUDIT_WRITE_TIMEOUT_MS: String(AUDIT_WRITE_TIMEOUT_MS),
    SESSION_STORE: 'redis',
    REDIS_URL: redis.url,
    SESSION_SECRET: 'one-session-secret-shared-by-both-replicas',
    BFF_USERS_FILE: await testUsersFile(),
    API_TOKEN_STORE: 'memory',
    TRUST_PROXY: '127.0.0.1',
    RATE_LIMIT_READ: '1000000/1m',
    RATE_LIMIT_WRITE: '1000000/1m',
    RATE_LIMIT_LOGIN: '1000000/1m',
    RATE_LIMIT_LOGIN_IP: '1000000/1m'
  }
  const replica = (n: 1 | 2) => startServerProcess(t, { ...shared, AUTHLETE_BASE_URL: standIn.urls[n - 1]!, AUDIT_STORE: `sqlite:${join(dir, `audit-${n}.db`)}` })
  // One after the other: two starting at once on a busy machine take twice as long each.
  const replicas = [await replica(1), await replica(2)] as const
  killReplica = () => { replicas[0].child.kill('SIGKILL') }
  const gateway = await startGateway(t, [replicas[0].url, replicas[1].url])
  const agent = new Agent({ connect: { ca: gateway.ca }, connections: 16 })
  t.teardown(() => agent.close())
  const call = async (method: Dispatcher.HttpMethod, path: string, headers: Record<string, string> = {}, body?: string) => {
    const response = await request(`${gateway.url}${path}`, { dispatcher: agent, method, headers, body })
    return { status: response.statusCode, body: await response.body.text() }
  }

  const login = await request(`${gateway.url}/auth/login`, {
    dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  t.equal(login.statusCode, 200, 'signed in through the gateway')
  const { csrfToken } = await login.body.json() as { csrfToken: string }
  const session = { cookie: String([login.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': csrfToken }

  // Load: 4 readers and 2 deleters (each DELETE a client of its own), until 4 s after the kill.
  const outcomes: Outcome[] = []
  const started = Date.now()
  armedAt = started + 2000
  const running = { until: Infinity }
  const loop = async (next: () => { method: Dispatcher.HttpMethod, path: string }) => {
    while (Date.now() < running.until) {
      const { method, path } = next()
      const { status } = await call(method, path, session).catch(() => ({ status: 0 }))
      outcomes.push({ method, path, status, at: Date.now() })
    }
  }
  const loops = [
    ...Array.from({ length: 4 }, () => loop(() => ({ method: 'GET', path: READ_PATH }))),
    ...Array.from({ length: 2 }, () => loop(() => ({ method: 'DELETE', path: `/api/clients/${nextId++}` })))
  ]
  // Once the load runs, one mutation is answered 503 by whichever replica gets it: both audit files
  // are locked (another process would hold them the same way) for as long as it takes.
  while (Date.now() - started < 1000) await new Promise(resolve => setTimeout(resolve, 20))
  const locked = await lockFiles(t, [1, 2].map(n => join(dir, `audit-${n}.db`)))
  const blip = await call('PUT', BLIP_PATH, { ...session, 'content-type': 'application/json' }, '{"locked":true}')
  await locked.release()
  outcomes.push({ method: 'PUT', path: BLIP_PATH, status: blip.status, at: Date.now() })
  const killed = () => killedAt !== undefined
  for (const deadline = Date.now() + 30_000; !killed() && Date.now() < deadline;) await new Promise(resolve => setTimeout(resolve, 20))
  t.ok(killedAt !== undefined, 'replica 1 was killed while Authlete held a DELETE it had forwarded')
  running.until = (killedAt ?? Date.now()) + 4000
  await Promise.all(loops)

  t.comment(`${outcomes.length} requests; the locked mutation answered ${blip.status} ${blip.body}; replica 1 killed ${(killedAt ?? 0) - started} ms in`)
  t.equal(blip.status, 503, 'the mutation a replica could not audit is answered 503 (and takes no replica out of the gateway)')

  // Every second from the start of the load to its end has at least one success.
  const ended = Math.max(...outcomes.map(outcome => outcome.at))
  const silent: string[] = []
  for (let from = started; from + 1000 <= ended; from += 250) {
    if (!outcomes.some(outcome => outcome.at >= from && outcome.at < from + 1000 && outcome.status < 300)) silent.push(`${from - started}-${from - started + 1000} ms`)
  }
  t.same(silent, [], 'no second without a success')
  const failedReads = outcomes.filter(outcome => outcome.path === READ_PATH && outcome.status !== 200)
  t.same(failedReads.map(outcome => `${outcome.status} at ${outcome.at - started} ms`), [], 'every read answered 200: those sent to the dead replica went to the other')

  // No DELETE reached Authlete twice, the one cut by the kill included.
  const twice = [...standIn.deletes].filter(([, senders]) => senders.length > 1)
  t.same(twice.map(([id, senders]) => `client ${id} deleted by replicas ${senders.join(', ')}`), [], 'no DELETE reached Authlete twice')
  const cut = [...standIn.deletes].filter(([, senders]) => senders[0] === 1).at(-1)?.[0]
  t.equal(outcomes.find(outcome => outcome.path === `/api/clients/${cut}`)?.status, 502, `the DELETE of client ${cut}, forwarded by replica 1 when it died, was answered 502 and not sent again`)
  const deletesDone = outcomes.filter(outcome => outcome.method === 'DELETE' && outcome.status === 204).length
  t.ok(deletesDone > 0, `${deletesDone} DELETEs answered 204`)
})
