import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'

// node:sqlite is synchronous: a busy timeout is a sleep on the event loop. Another process holding
// the audit file's write lock for 8 s made /healthz take 2 s and 29% of concurrent reads answer 503
// BFF_OVERLOADED. Now the lock is waited for off the event loop.

const HOLD_MS = 8000
const CLIENT = { clientId: 1234, clientName: 'Unblocked' }

/** A second process that takes the file's write lock, says `locked`, and holds it for `holdMs`. */
async function holdWriteLock (t: Test, file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const { DatabaseSync } = require('node:sqlite')
    const db = new DatabaseSync(process.argv[1])
    db.exec('PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE')
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('COMMIT'); db.close() }, Number(process.argv[2]))`
  const holder = spawn(process.execPath, ['-e', script, file, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { if (holder.exitCode === null) holder.kill('SIGKILL') })
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve() })
    holder.once('exit', code => reject(new Error(`the lock holder exited with ${code}`)))
  })
  return { released: new Promise(resolve => holder.once('exit', () => resolve())) }
}

async function timed (url: string, init?: RequestInit): Promise<{ status: number, body: string, ms: number }> {
  const started = performance.now()
  const response = await fetch(url, init)
  const body = await response.text()
  return { status: response.status, body, ms: performance.now() - started }
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 503 BFF_AUDIT_UNAVAILABLE after AUDIT_WRITE_TIMEOUT_MS, forward nothing, and keep /healthz and reads fast, while another process holds the SQLite write lock', async t => {
  const upstream = await startFaultUpstream(t)
  upstream.answer((request, response) => {
    if (request.method === 'POST') json(response, 200, { resultCode: 'A215001', resultMessage: 'ok' })
    else json(response, 200, CLIENT)
  })
  const auditFile = join(await mkdtemp(join(tmpdir(), 'bff-lock-')), 'audit.db')
  const server = await startServerProcess(t, {
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: '5',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-lock-test',
    BFF_USERS_FILE: await testUsersFile(),
    SESSION_SECRET: 'a-fixed-session-secret-for-this-test-only',
    AUDIT_STORE: `sqlite:${auditFile}`,
    // The reads run back to back for the whole hold: a quiet machine makes more than the default budget.
    RATE_LIMIT_READ: '1000000/1m'
    // AUDIT_WRITE_TIMEOUT_MS: the default, 2000
  })
  const login = await fetch(`${server.url}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  const { csrfToken } = await login.json() as { csrfToken: string }
  const session = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken }
  const lock = () => timed(`${server.url}/api/clients/1234/lock`, { method: 'PUT', headers: { ...session, 'content-type': 'application/json' }, body: '{"locked":true}' })
  t.equal((await lock()).status, 200, 'a mutation before the lock is taken')
  const upstreamBefore = upstream.requests.length

  const { released } = await holdWriteLock(t, auditFile, HOLD_MS)
  const state = { mutating: true }
  const mutations = Promise.all([lock(), lock()]).finally(() => { state.mutating = false })
  const health: number[] = []
  const reads: Array<{ status: number, ms: number }> = []
  while (state.mutating) {
    health.push((await timed(`${server.url}/healthz`)).ms)
    reads.push(await timed(`${server.url}/api/clients/1234`, { headers: session }))
  }
  const refused = await mutations
  for (const answer of refused) {
    t.equal(answer.status, 503)
    t.equal(JSON.parse(answer.body).code, 'BFF_AUDIT_UNAVAILABLE')
    t.ok(answer.ms >= 1900 && answer.ms < 5000, `refused after AUDIT_WRITE_TIMEOUT_MS (${Math.round(answer.ms)} ms)`)
  }
  t.equal(upstream.requests.length - upstreamBefore, reads.length, 'nothing but the reads was forwarded')
  const worst = (values: number[]) => Math.round(Math.max(...values))
  const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!)
  const readMs = reads.map(read => read.ms)
  t.comment(`with the lock held: ${health.length} /healthz, median ${median(health)} ms, worst ${worst(health)} ms; ${reads.length} reads, median ${median(readMs)} ms, worst ${worst(readMs)} ms`)
  t.ok(health.length >= 5, 'health was checked throughout')
  t.ok(worst(health) < 1000, `/healthz kept its latency (worst ${worst(health)} ms)`)
  t.same([...new Set(reads.map(read => read.status))], [200], 'every read answered 200')
  t.ok(worst(readMs) < 1000, `reads kept their latency (worst ${worst(readMs)} ms)`)

  await released
  t.equal((await lock()).status, 200, 'mutations succeed again once the lock is released')
  const verified = await (await fetch(`${server.url}/api/audit/verify`, { headers: session })).json()
  t.match(verified, { ok: true }, 'the chain verifies')
  const locks = (await (await fetch(`${server.url}/api/audit?action=client.lock`, { headers: session })).json() as { records: Array<{ outcome: string }> }).records
  t.same(locks.map(record => record.outcome), ['success', 'success'], 'two complete lock records, nothing from the refused ones')
})
