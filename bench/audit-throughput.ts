// npm run bench:audit: throughput of audited mutations (PUT /api/clients/portal/lock) through the whole
// proxy, over real HTTP, against the sandbox upstream, for each audit store. Writes a table to
// bench/results/audit-throughput.md. Bounded: a fixed number of requests on loopback only.
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Fastify from 'fastify'
import { Pool } from 'undici'
import { loadConfig } from '../src/config.ts'
import { serverOptions } from '../src/http/server-options.ts'
import { buildApp } from '../src/app.ts'
import { startPostgres } from '../test/helpers/postgres.ts'
import type { Test } from 'tap'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)

interface Result { store: string, requests: number, seconds: number, perSecond: number, p50: number, p99: number }

async function measure (label: string, auditStore: string): Promise<Result> {
  const config = loadConfig({ LOG_LEVEL: 'warn', AUDIT_STORE: auditStore })
  let password = ''
  const app = Fastify(serverOptions(config))
  await app.register(buildApp(config, { announce: message => { password = /password (\S+)/.exec(message)?.[1] ?? '' } }))
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const pool = new Pool(address, { connections: CONNECTIONS })
  try {
    const login = await pool.request({ method: 'POST', path: '/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    const { csrfToken } = await login.body.json() as { csrfToken: string }
    const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }
    const latencies: number[] = []
    let next = 0
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++
        const started = performance.now()
        const response = await pool.request({ method: 'PUT', path: '/api/clients/portal/lock', headers, body: `{"locked":${index % 2 === 0}}` })
        await response.body.dump()
        if (response.statusCode !== 200) throw new Error(`${label}: answer ${response.statusCode}`)
        latencies.push(performance.now() - started)
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: CONNECTIONS }, worker))
    const seconds = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    const { records } = await app.auditTrail.query({ limit: 1 })
    if (records[0]?.outcome !== 'success') throw new Error(`${label}: the last record is not complete`)
    return { store: label, requests: REQUESTS, seconds, perSecond: REQUESTS / seconds, p50: latencies[Math.floor(REQUESTS * 0.5)]!, p99: latencies[Math.floor(REQUESTS * 0.99)]! }
  } finally {
    await pool.close()
    await app.close()
  }
}

const teardowns: Array<() => unknown> = []
const scope = { teardown: (fn: () => unknown) => { teardowns.push(fn) } } as unknown as Test
try {
  const dir = await mkdtemp(join(tmpdir(), 'bff-bench-'))
  const postgres = await startPostgres(scope)
  const results = [
    await measure('SQLite file (WAL, synchronous=FULL)', `sqlite:${join(dir, 'audit.db')}`),
    await measure('PostgreSQL 15 (loopback, fsync on)', postgres.url),
    await measure('SQLite in memory (no durability; reference)', 'sqlite::memory:')
  ]
  const table = [
    `Audited mutations through the proxy: ${REQUESTS} x PUT /api/clients/portal/lock, ${CONNECTIONS} connections, sandbox upstream, ${new Date().toISOString()}, Node ${process.version}`,
    '',
    '| audit store | requests/s | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(r => `| ${r.store} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`)
  ].join('\n')
  await mkdir('bench/results', { recursive: true })
  await writeFile('bench/results/audit-throughput.md', `${table}\n`)
  process.stdout.write(`${table}\n`)
} finally {
  for (const fn of teardowns.reverse()) await fn()
}
