// npm run bench:history: the cost of client history (issue 24). For each audit store (SQLite file,
// PostgreSQL 15): (1) PATCH with history through the whole proxy, over real HTTP against the sandbox
// upstream (requests/s, p50, p99, CPU per request of this process, which also runs the client); (2) a
// client with BENCH_VERSIONS versions (10,000): listing its newest page, a page from the middle, and
// diffing two versions, each the median of BENCH_ROUNDS runs. Writes bench/results/history.md.
// PATCH against the previous release: `node bench/ab.ts --a-app <checkout of it> --method PATCH`.
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Fastify from 'fastify'
import { Pool } from 'undici'
import type { Test } from 'tap'
import { loadConfig } from '../src/config.ts'
import { serverOptions } from '../src/http/server-options.ts'
import { buildApp } from '../src/app.ts'
import { openAuditStore } from '../src/audit/stores/open-audit-store.ts'
import { diffStates } from '../src/history/diff.ts'
import { proxyRecord } from '../src/history/proxy-records.ts'
import { SEEDED_CLIENT_IDS } from '../src/sandbox/seed.ts'
import { startPostgres } from '../test/helpers/postgres.ts'

const PATCHES = Number(process.env.BENCH_REQUESTS ?? 2000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21)
const CLIENT = '4242424242'

interface PatchResult { perSecond: number, p50: number, p99: number, cpuMs: number }
interface ReadResult { fill: number, newest: number, middle: number, diff: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!

async function patchWithHistory (auditStore: string): Promise<PatchResult> {
  const config = loadConfig({ LOG_LEVEL: 'warn', AUDIT_STORE: auditStore, RATE_LIMIT_WRITE: '100000000/1m', RATE_LIMIT_READ: '100000000/1m', MAX_EVENT_LOOP_DELAY_MS: '0' })
  let password = ''
  const app = Fastify(serverOptions(config))
  await app.register(buildApp(config, { announce: message => { password = /password (\S+)/.exec(message)?.[1] ?? '' } }))
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const pool = new Pool(address, { connections: CONNECTIONS })
  try {
    const login = await pool.request({ method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    const { csrfToken } = await login.body.json() as { csrfToken: string }
    const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/merge-patch+json' }
    const patch = async (i: number): Promise<number> => {
      const started = performance.now()
      const answer = await pool.request({ method: 'PATCH', path: `/api/clients/${SEEDED_CLIENT_IDS.mobile}`, headers, body: JSON.stringify({ description: `bench ${i}` }) })
      await answer.body.dump()
      if (answer.statusCode !== 200) throw new Error(`PATCH answered ${answer.statusCode}`)
      return performance.now() - started
    }
    for (let i = 0; i < 50; i++) await patch(i)
    const cpu = process.cpuUsage()
    const started = performance.now()
    const latencies: number[] = []
    let next = 0
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (next < PATCHES) latencies.push(await patch(next++))
    }))
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    return { perSecond: PATCHES / seconds, p50: median(latencies), p99: percentile(latencies, 0.99), cpuMs: (used.user + used.system) / 1000 / PATCHES }
  } finally {
    await pool.close()
    await app.close()
  }
}

async function manyVersions (auditStore: string): Promise<ReadResult> {
  const store = await openAuditStore(auditStore, 60_000)
  try {
    const started = performance.now()
    for (let from = 0; from < VERSIONS; from += 250) {
      // Concurrent appends share a transaction (group commit), as concurrent writes do.
      await Promise.all(Array.from({ length: Math.min(250, VERSIONS - from) }, async (_, i) => {
        const n = from + i
        const state = { clientId: Number(CLIENT), clientName: `Client ${n}`, redirectUris: [`https://app.example/cb/${n}`, 'https://app.example/cb'], grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], contacts: ['ops@example.com'], modifiedAt: 1_700_000_000_000 + n }
        const [intent, outcome] = proxyRecord('client.patch', CLIENT, {}, { clientId: CLIENT, state, modifiedAt: state.modifiedAt, action: 'client.patch', actor: 'bench', source: 'local', via: 'session', external: false, restoredFrom: null })
        await store.append(intent)
        await store.append(outcome)
      }))
    }
    const fill = (performance.now() - started) / 1000
    const time = async (work: () => Promise<unknown>) => {
      const runs: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const at = performance.now()
        await work()
        runs.push(performance.now() - at)
      }
      return median(runs)
    }
    return {
      fill,
      newest: await time(() => store.history.list(CLIENT, { limit: 20 })),
      middle: await time(() => store.history.list(CLIENT, { limit: 20, before: Math.floor(VERSIONS / 2) })),
      diff: await time(async () => {
        const [a, b] = await Promise.all([store.history.get(CLIENT, 17), store.history.get(CLIENT, VERSIONS - 3)])
        return diffStates(a!.client, b!.client)
      })
    }
  } finally {
    await store.close()
  }
}

const teardowns: Array<() => unknown> = []
const scope = { teardown: (fn: () => unknown) => { teardowns.push(fn) } } as unknown as Test
try {
  const dir = await mkdtemp(join(tmpdir(), 'bff-bench-history-'))
  const postgres = await startPostgres(scope)
  const stores = [
    { label: 'SQLite file (WAL, synchronous=FULL)', patch: `sqlite:${join(dir, 'patch.db')}`, versions: `sqlite:${join(dir, 'versions.db')}` },
    { label: 'PostgreSQL 15 (loopback, fsync on)', patch: postgres.url, versions: postgres.url }
  ]
  const rows: string[] = []
  for (const { label, patch, versions } of stores) {
    const p = await patchWithHistory(patch)
    const v = await manyVersions(versions)
    rows.push(`| ${label} | ${p.perSecond.toFixed(0)} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | ${p.cpuMs.toFixed(2)} | ${v.fill.toFixed(1)} | ${v.newest.toFixed(2)} | ${v.middle.toFixed(2)} | ${v.diff.toFixed(2)} |`)
  }
  const table = [
    `Client history: ${PATCHES} x PATCH /api/clients/{id} with history (${CONNECTIONS} connections, sandbox upstream); one client with ${VERSIONS} versions, list and diff times the median of ${ROUNDS} runs; ${new Date().toISOString()}, Node ${process.version}`,
    '',
    '| audit store | PATCH req/s | p50 ms | p99 ms | CPU ms per PATCH (server and client) | writing the versions, s | list newest 20, ms | list 20 from the middle, ms | get two and diff, ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows
  ].join('\n')
  await mkdir('bench/results', { recursive: true })
  await writeFile('bench/results/history.md', `${table}\n`)
  process.stdout.write(`${table}\n`)
} finally {
  for (const fn of teardowns.reverse()) await fn()
}
