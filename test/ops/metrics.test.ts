import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { channels } from '../../src/ops/channels.ts'
import { loadConfig } from '../../src/config.ts'
import type { AddressInfo } from 'node:net'

const TOKEN = 'metrics-token-0123456789abcdef'

interface Sample { name: string, labels: Record<string, string>, value: number }

/** The samples of a Prometheus text exposition (comments skipped). */
function parse (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/)
    if (match === null) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/** The value of the one sample with that name and exactly those labels; undefined if absent. */
function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort())
  const found = samples.filter(sample => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted)
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${wanted}`)
  return found[0]?.value
}

async function scrape (app: FastifyInstance, headers: Record<string, string> = {}): Promise<{ text: string, samples: Sample[] }> {
  const response = await app.inject({ url: '/metrics', headers })
  if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}: ${response.body}`)
  return { text: response.body, samples: parse(response.body) }
}

t.test('GET /metrics ...should answer the Prometheus text format without a session, with the process metrics', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/metrics' })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4; charset=utf-8$/)
  const samples = parse(response.body)
  t.ok(value(samples, 'process_cpu_user_seconds_total') !== undefined, 'default process metrics')
  t.ok(value(samples, 'nodejs_heap_size_total_bytes') !== undefined, 'default Node metrics')
  t.equal(value(samples, 'bff_circuit_open'), 0)
  t.match(response.body, '# TYPE bff_http_requests_total counter')
  t.match(response.body, '# TYPE bff_http_request_duration_seconds histogram')
})

t.test('GET /metrics ...should count requests by route template, method and status, and upstream calls by operation and outcome', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  t.equal((await app.inject({ url: '/api/clients', headers: admin.headers })).statusCode, 200)
  t.equal((await app.inject({ url: '/api/clients/424242424242', headers: admin.headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/26478243745571/lock', payload: { locked: true }, headers: admin.headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/26478243745571/lock', payload: { locked: false }, headers: admin.headers })).statusCode, 200)
  t.equal((await app.inject({ url: '/no/such/path/1234' })).statusCode, 404)

  const { text, samples } = await scrape(app)
  const lines = text.split('\n')
  t.ok(lines.includes('bff_http_requests_total{route="/api/clients",method="GET",status="200"} 1'), 'the exact line')
  const requests = (route: string, method: string, status: string) => value(samples, 'bff_http_requests_total', { route, method, status })
  t.equal(requests('/auth/login', 'POST', '200'), 1)
  t.equal(requests('/api/clients', 'GET', '200'), 1)
  t.equal(requests('/api/clients/:clientId', 'GET', '404'), 1)
  t.equal(requests('/api/clients/:clientIdentifier/lock', 'PUT', '200'), 2)
  t.equal(requests('unmatched', 'GET', '404'), 1)
  t.equal(requests('/metrics', 'GET', '200'), undefined, 'a scrape is counted once answered')
  t.equal(samples.filter(sample => sample.name === 'bff_http_requests_total').reduce((sum, sample) => sum + sample.value, 0), 6, 'nothing else')
  t.notOk(samples.some(sample => /424242424242|\/no\/such|portal/.test(sample.labels.route ?? '')), 'no raw path as a label')

  t.equal(value(samples, 'bff_http_request_duration_seconds_count', { route: '/api/clients/:clientIdentifier/lock', method: 'PUT' }), 2)
  t.equal(value(samples, 'bff_http_request_duration_seconds_bucket', { route: '/api/clients/:clientIdentifier/lock', method: 'PUT', le: '10' }), 2)
  t.ok(value(samples, 'bff_http_request_duration_seconds_bucket', { route: '/api/clients', method: 'GET', le: '0.001' }) !== undefined, '1 ms bucket')
  t.ok(value(samples, 'bff_http_request_duration_seconds_sum', { route: '/api/clients', method: 'GET' })! > 0)

  const calls = (operation: string, outcome: string) => value(samples, 'bff_upstream_calls_total', { operation, outcome })
  t.equal(calls('listClients', 'ok'), 1)
  t.equal(calls('getClient', 'rejected'), 1)
  t.equal(calls('getClient', 'ok'), 2, 'the history\'s read of the client after each lock (its version)')
  t.equal(calls('updateLockFlag', 'ok'), 2)
  t.equal(value(samples, 'bff_upstream_call_duration_seconds_count', { operation: 'updateLockFlag' }), 2)
  t.equal(value(samples, 'bff_upstream_call_duration_seconds_count', { operation: 'getClient' }), 3)

  const again = await scrape(app)
  t.equal(value(again.samples, 'bff_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }), 1, 'the previous scrape')
})

t.test('GET /metrics ...should report as many active sessions as there are signed-in users', async t => {
  const { app } = await buildTestApp(t)
  t.equal(value((await scrape(app)).samples, 'bff_sessions_active'), 0)
  const sessions = [await login(app, 'viewer'), await login(app, 'editor'), await login(app, 'admin')]
  t.equal(value((await scrape(app)).samples, 'bff_sessions_active'), 3)
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: sessions[0]!.headers })).statusCode, 204)
  t.equal(value((await scrape(app)).samples, 'bff_sessions_active'), 2)
})

t.test('GET /metrics ...should count audit write failures, rate limiting and circuit breaker transitions from their channels', async t => {
  const { app } = await buildTestApp(t)
  channels.auditFailure.publish({ kind: 'intent' })
  channels.auditFailure.publish({ kind: 'intent' })
  channels.auditFailure.publish({ kind: 'outcome' })
  channels.rateLimited.publish({ bucket: 'login' })
  channels.circuit.publish({ state: 'open' })
  let samples = (await scrape(app)).samples
  t.equal(value(samples, 'bff_audit_write_failures_total', { kind: 'intent' }), 2)
  t.equal(value(samples, 'bff_audit_write_failures_total', { kind: 'outcome' }), 1)
  t.equal(value(samples, 'bff_rate_limited_total', { bucket: 'login' }), 1)
  t.equal(value(samples, 'bff_circuit_state_changes_total', { state: 'open' }), 1)
  t.equal(value(samples, 'bff_circuit_open'), 1, 'open')
  channels.circuit.publish({ state: 'half-open' })
  samples = (await scrape(app)).samples
  t.equal(value(samples, 'bff_circuit_open'), 0.5, 'half-open: 0.5 (calls refused but the probe)')
  channels.circuit.publish({ state: 'closed' })
  samples = (await scrape(app)).samples
  t.equal(value(samples, 'bff_circuit_state_changes_total', { state: 'half-open' }), 1)
  t.equal(value(samples, 'bff_circuit_state_changes_total', { state: 'closed' }), 1)
  t.equal(value(samples, 'bff_circuit_open'), 0)
})

t.test('GET /metrics ...should need the bearer token when METRICS_TOKEN is set, and never log it', async t => {
  const { app, logs } = await buildTestApp(t, { METRICS_TOKEN: TOKEN })
  const refusals = [
    {},
    { authorization: 'Bearer not-the-metrics-token-at-all' },
    { authorization: `Bearer ${TOKEN}x` },
    { authorization: `Basic ${TOKEN}` },
    { authorization: TOKEN }
  ]
  for (const headers of refusals) {
    const refused = await app.inject({ url: '/metrics', headers })
    t.equal(refused.statusCode, 401, JSON.stringify(headers))
    t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(refused.headers['www-authenticate'], 'Bearer realm="metrics"')
    t.equal(refused.json().code, 'BFF_UNAUTHENTICATED')
    t.notMatch(refused.body, TOKEN)
  }
  const admin = await login(app, 'admin')
  t.equal((await app.inject({ url: '/metrics', headers: admin.headers })).statusCode, 401, 'a session is not the token')
  const { samples } = await scrape(app, { authorization: `Bearer ${TOKEN}` })
  t.equal(value(samples, 'bff_http_requests_total', { route: '/metrics', method: 'GET', status: '401' }), 6)
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } })).statusCode, 200, 'the scheme is case-insensitive')
  t.ok(logs.length > 0)
  t.notMatch(logs.join(''), TOKEN)
})

t.test('GET /metrics ...should read the token from METRICS_TOKEN_FILE', async t => {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-metrics-')), 'token')
  await writeFile(file, `${TOKEN}\n`)
  const { app } = await buildTestApp(t, { METRICS_TOKEN_FILE: file })
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200)
})

t.test('GET /metrics ...should keep the counters of two apps in one process apart, and stop listening once closed', async t => {
  const first = await buildTestApp(t)
  const second = await buildTestApp(t)
  await first.app.inject({ url: '/healthz' })
  await first.app.inject({ url: '/healthz' })
  await second.app.inject({ url: '/healthz' })
  t.equal(value((await scrape(first.app)).samples, 'bff_http_requests_total', { route: '/healthz', method: 'GET', status: '200' }), 2)
  t.equal(value((await scrape(second.app)).samples, 'bff_http_requests_total', { route: '/healthz', method: 'GET', status: '200' }), 1)
  t.not(first.app.metricsRegistry, second.app.metricsRegistry)

  await first.app.close()
  channels.rateLimited.publish({ bucket: 'after-close' })
  t.equal(value(parse(await first.app.metricsRegistry.metrics()), 'bff_rate_limited_total', { bucket: 'after-close' }), undefined, 'a closed app no longer listens')
  t.equal(value((await scrape(second.app)).samples, 'bff_rate_limited_total', { bucket: 'after-close' }), 1)
})

t.test('GET /metrics ...should be served on METRICS_PORT only, and production should not start without METRICS_TOKEN or METRICS_PORT', async t => {
  const { app } = await buildTestApp(t, { METRICS_PORT: '0' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  t.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, 'not on the app\'s port')
  const apart = await fetch(`http://127.0.0.1:${app.metricsPort!}/metrics`)
  t.equal(apart.status, 200)
  t.match(await apart.text(), /bff_http_requests_total/)
  t.equal((await fetch(`http://127.0.0.1:${app.metricsPort!}/api/clients`)).status, 404, 'nothing else there')

  const production = { NODE_ENV: 'production', AUTHLETE_BASE_URL: 'https://us.authlete.com', AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'x', SESSION_SECRET: 'x'.repeat(32), BFF_USERS_FILE: 'users.json' }
  t.throws(() => loadConfig(production), /METRICS_TOKEN: required when NODE_ENV=production, unless METRICS_PORT/)
  t.doesNotThrow(() => loadConfig({ ...production, METRICS_PORT: '9100' }))
  t.doesNotThrow(() => loadConfig({ ...production, METRICS_TOKEN: 't'.repeat(16) }))
  t.throws(() => loadConfig({ ...production, METRICS_PORT: '3000' }), /METRICS_PORT: must differ from PORT/)
})
