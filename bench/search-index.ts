// The search index of GET /api/clients?q= (src/search/) over 10,000 clients: its memory, the cost of
// one refresh (reading the whole list, 100 a time, 4 calls at once) and the latency of a search
// through the whole route (app.inject: access check, index, answer; no network), against the
// in-process emulator of Authlete.
//   node --expose-gc bench/search-index.ts [--quick] [--clients N]
// Prints a Markdown section (bench/run.ts adds it to bench/results/bench.md).
import Fastify from 'fastify'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { startSandboxUpstream } from '../src/sandbox/emulator.ts'
import { loadConfig } from '../src/config.ts'
import { buildApp } from '../src/app.ts'
import { hashPassword } from '../src/auth/passwords.ts'
import { ClientIndex } from '../src/search/client-index.ts'
import { readWholeList } from '../src/search/search-plugin.ts'
import type { AuthleteClient } from '../src/upstream/authlete-api.ts'

const args = process.argv.slice(2)
const QUICK = args.includes('--quick')
const CLIENTS = Number(args[args.indexOf('--clients') + 1] ?? '') || 10_000
const QUERIES = QUICK ? 100 : 1000
const REFRESHES = QUICK ? 2 : 5
const TARGET_MS = 20
const TEAMS = 50

const exposedGc = (globalThis as { gc?: () => void }).gc
if (exposedGc === undefined) throw new Error('run with node --expose-gc: the index\'s memory is measured between collections')
const gc: () => void = exposedGc

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
const f2 = (n: number) => n.toFixed(2)

async function main (): Promise<void> {
  const upstream = await startSandboxUpstream({ generations: ['3.0'] })
  const { serviceId, accessToken } = upstream.credentials
  const base = `${upstream.url.replace(/\/$/, '')}/api/${serviceId}/client`
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }
  // Clients shaped like real ones: a name, an alias, a team, two redirect URIs on the team's host.
  const create = async (index: number) => {
    const team = `team-${index % TEAMS}`
    const body = { clientName: `Service ${index} of ${team}`, clientIdAlias: `svc-${index}`, clientIdAliasEnabled: true, developer: team, redirectUris: [`https://app${index}.${team}.example.com/callback`, `https://app${index}.${team}.example.com/silent`] }
    const response = await fetch(`${base}/create`, { method: 'POST', headers, body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`create ${index}: ${response.status}`)
  }
  const pending = Array.from({ length: CLIENTS }, (_, index) => index)
  await Promise.all(Array.from({ length: 16 }, async () => { for (let next = pending.shift(); next !== undefined; next = pending.shift()) await create(next) }))
  const total = CLIENTS + 4
  upstream.requests.length = 0

  // Memory: the index alone, filled from the same list, between full collections.
  const listPage = async (page: { start: number, end: number }) => {
    const response = await fetch(`${base}/get/list?start=${page.start}&end=${page.end}`, { headers })
    return { data: await response.json() as { clients: AuthleteClient[], totalCount: number, start: number, end: number }, bytes: Buffer.alloc(0), status: response.status }
  }
  gc()
  const before = process.memoryUsage().heapUsed
  const index = new ClientIndex()
  index.beginFill()
  await readWholeList(listPage as never, clients => { index.add(clients) })
  index.finishFill(Date.now())
  index.sorted()
  gc()
  const indexBytes = process.memoryUsage().heapUsed - before

  // The app as the server builds it, pointed at the emulator: its first fill, then timed refreshes.
  const dir = await mkdtemp(join(tmpdir(), 'bff-bench-search-'))
  const usersFile = join(dir, 'users.json')
  await writeFile(usersFile, JSON.stringify([{ username: 'admin', passwordHash: await hashPassword('bench-search-password'), roles: ['admin'] }]))
  const config = loadConfig({ LOG_LEVEL: 'warn', AUTHLETE_BASE_URL: upstream.url, AUTHLETE_SERVICE_ID: serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: accessToken, BFF_USERS_FILE: usersFile, AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`, API_TOKEN_STORE: 'memory', MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_READ: '1000000/1m' })
  const app = Fastify({ logger: false })
  await app.register(buildApp(config, { announce: () => {} }))
  const fillStart = performance.now()
  await app.ready()
  while (!app.clientIndex.complete) await new Promise(resolve => setTimeout(resolve, 5))
  const firstFillMs = performance.now() - fillStart

  const refreshes: Array<{ ms: number, cpuMs: number, calls: number }> = []
  for (let round = 0; round < REFRESHES; round++) {
    upstream.requests.length = 0
    const cpu = process.cpuUsage()
    const start = performance.now()
    const startedAt = Date.now()
    const fresh = new ClientIndex()
    fresh.beginFill()
    await readWholeList(async page => await app.authlete.listClients([], page), clients => { fresh.add(clients) })
    fresh.finishFill(startedAt)
    const used = process.cpuUsage(cpu)
    refreshes.push({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, calls: upstream.requests.length })
  }

  // Searches through the whole route, as an admin: varied texts, some matching thousands, some one, some none.
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: 'bench-search-password' } })
  const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0]!
  const texts = ['service', 'team-7', 'svc-4321', 'app9999.team-49', 'example.com', 'no-such-client', '1234', 'SERVICE 77', 'silent', 'team-4']
  const durations: number[] = []
  const cpuTimes: number[] = []
  // The first searches of a process compile the route's code: not what a search costs afterwards.
  for (const q of texts) await app.inject({ url: `/api/clients?q=${encodeURIComponent(q)}`, headers: { cookie } })
  for (let query = 0; query < QUERIES; query++) {
    const q = texts[query % texts.length]!
    const start = performance.now()
    const cpu = process.cpuUsage()
    const response = await app.inject({ url: `/api/clients?q=${encodeURIComponent(q)}&limit=20`, headers: { cookie } })
    const used = process.cpuUsage(cpu)
    durations.push(performance.now() - start)
    cpuTimes.push((used.user + used.system) / 1000)
    if (response.statusCode !== 200) throw new Error(`search ${q}: ${response.statusCode} ${response.body}`)
  }
  durations.sort((a, b) => a - b)
  cpuTimes.sort((a, b) => a - b)
  await app.close()
  await upstream.close()

  const refreshMs = refreshes.map(refresh => refresh.ms).sort((a, b) => a - b)
  const p99 = percentile(durations, 0.99)
  process.stdout.write([
    '## Search index (GET /api/clients?q=, `node --expose-gc bench/search-index.ts`)',
    '',
    `- ${total} clients in the in-process emulator (${TEAMS} teams, an alias and two redirect URIs each)${QUICK ? '; **--quick**: fewer refreshes and queries' : ''}`,
    `- index memory: ${(indexBytes / 1024 / 1024).toFixed(1)} MiB for ${index.size} clients (${(indexBytes / index.size).toFixed(0)} bytes each; V8 heap used, between full collections)`,
    `- first fill at start-up: ${firstFillMs.toFixed(0)} ms (app ready to index complete)`,
    `- one refresh (the whole list, ${refreshes[0]!.calls} list calls, 100 clients each, 4 at once): median ${refreshMs[Math.floor(refreshMs.length / 2)]!.toFixed(0)} ms, ` +
      `CPU ${refreshes.map(refresh => refresh.cpuMs.toFixed(0)).join(' / ')} ms per refresh (this process: the proxy side and the emulator's answers together, an upper bound)`,
    `- search latency through the route (app.inject, limit 20), ${QUERIES} queries after ${texts.length} unrecorded: p50 ${f2(percentile(durations, 0.5))} ms, p99 ${f2(p99)} ms, max ${f2(durations.at(-1)!)} ms; ` +
      `CPU per query p50 ${f2(percentile(cpuTimes, 0.5))} ms, p99 ${f2(percentile(cpuTimes, 0.99))} ms (less sensitive to other load than the wall time); ` +
      `target p99 < ${TARGET_MS} ms: ${p99 < TARGET_MS ? 'PASS' : '**FAIL**'}`,
    ''
  ].join('\n') + '\n')
}

await main()
