import { createHash, timingSafeEqual } from 'node:crypto'
import diagnosticsChannel from 'node:diagnostics_channel'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { boundCounter, boundHistogram, type BoundCounter, type BoundHistogram } from './bound-metrics.ts'
import { channels, type AuditFailureEvent, type CircuitEvent, type FilterViolationEvent, type RateLimitedEvent, type UpstreamCallEvent } from './channels.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics registry (never prom-client's global one: one process may run many apps). */
    metricsRegistry: Registry
    /** With METRICS_PORT: the metrics listener's port once the app is ready. */
    metricsPort: number | null
  }
}

export interface MetricsOptions {
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  token?: string
  /** When set, /metrics is served on this port only (its own listener on `host`), not on the app's. */
  port?: number
  host?: string
}

/** A request to 404 has no route template; the path itself would make the label unbounded. */
const UNMATCHED = 'unmatched'
// A proxy answers in a few ms when the upstream is near, and gives up at its timeout (10 s by default).
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Above 0 whenever calls are refused: `bff_circuit_open > 0` alerts on open and half-open alike.
const CIRCUIT_GAUGE: Record<CircuitEvent['state'], number> = { closed: 0, open: 1, 'half-open': 0.5 }

interface Series { counter: BoundCounter, histogram: BoundHistogram }

async function metricsPlugin (app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const register = new Registry()
  collectDefaultMetrics({ register })
  const registers = [register]

  // Counted on every request: label sets bound once (bound-metrics.ts).
  const httpRequests = boundCounter({ name: 'bff_http_requests_total', help: 'HTTP requests answered, by route template, method and status', labelNames: ['route', 'method', 'status'], registers })
  const httpDuration = boundHistogram({ name: 'bff_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route template and method', labelNames: ['route', 'method'], buckets: DURATION_BUCKETS, registers })
  const upstreamCalls = boundCounter({ name: 'bff_upstream_calls_total', help: 'Calls to Authlete, by operation and outcome', labelNames: ['operation', 'outcome'], registers })
  const upstreamDuration = boundHistogram({ name: 'bff_upstream_call_duration_seconds', help: 'Duration of calls to Authlete, by operation', labelNames: ['operation'], buckets: DURATION_BUCKETS, registers })
  const rateLimited = new Counter({ name: 'bff_rate_limited_total', help: 'Requests refused by a rate limit, by bucket', labelNames: ['bucket'] as const, registers })
  const circuitChanges = new Counter({ name: 'bff_circuit_state_changes_total', help: 'Upstream circuit breaker transitions, by new state', labelNames: ['state'] as const, registers })
  const circuitOpen = new Gauge({ name: 'bff_circuit_open', help: 'Upstream circuit breaker: 0 closed, 1 open, 0.5 half-open (one probe in flight, other calls refused)', registers })
  const auditFailures = new Counter({ name: 'bff_audit_write_failures_total', help: 'Audit trail writes that failed, by kind (intent, outcome or sign-in)', labelNames: ['kind'] as const, registers })
  const filterViolations = new Counter({ name: 'bff_upstream_filter_violations_total', help: 'Clients of other teams an upstream list answered or counted despite its developer filter (dropped, never shown), by operation', labelNames: ['operation'] as const, registers })
  circuitOpen.set(0)

  const count = app.sessionStore.count?.bind(app.sessionStore)
  if (count !== undefined) {
    // Asked of the store at scrape time only; a store that cannot count has no such series.
    register.registerMetric(new Gauge({
      name: 'bff_sessions_active',
      help: 'Unexpired sessions in the session store',
      registers: [],
      async collect () { this.set(await count()) }
    }))
  }

  // The series of each (route, method, status), looked up without building a key: the hook runs on every answer.
  const series = new Map<string, Map<string, Map<number, Series>>>()
  function seriesOf (route: string, method: string, status: number): Series {
    let byMethod = series.get(route)
    if (byMethod === undefined) series.set(route, byMethod = new Map())
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map())
    let found = byStatus.get(status)
    if (found === undefined) {
      found = { counter: httpRequests.bind({ route, method, status: String(status) }), histogram: httpDuration.bind({ route, method }) }
      byStatus.set(status, found)
    }
    return found
  }

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const labels = seriesOf(request.is404 ? UNMATCHED : request.routeOptions.url ?? UNMATCHED, request.method, reply.statusCode)
    labels.counter.inc()
    labels.histogram.observe(reply.elapsedTime / 1000)
    done()
  })

  const upstreamSeries = new Map<string, Series>()
  // Diagnostics channels are process-wide: with several apps in one process (tests), each counts
  // every event. Each app stops listening when it closes.
  const subscriptions: Array<[diagnosticsChannel.Channel, (message: unknown) => void]> = [
    [channels.upstreamCall, (message) => {
      const { operation, outcome, durationMs } = message as UpstreamCallEvent
      const key = `${operation} ${outcome}`
      let found = upstreamSeries.get(key)
      if (found === undefined) upstreamSeries.set(key, found = { counter: upstreamCalls.bind({ operation, outcome }), histogram: upstreamDuration.bind({ operation }) })
      found.counter.inc()
      found.histogram.observe(durationMs / 1000)
    }],
    [channels.rateLimited, (message) => { rateLimited.inc({ bucket: (message as RateLimitedEvent).bucket }) }],
    [channels.circuit, (message) => {
      const { state } = message as CircuitEvent
      circuitChanges.inc({ state })
      circuitOpen.set(CIRCUIT_GAUGE[state])
    }],
    [channels.auditFailure, (message) => { auditFailures.inc({ kind: (message as AuditFailureEvent).kind }) }],
    [channels.upstreamFilterViolation, (message) => {
      const { operation, dropped } = message as FilterViolationEvent
      filterViolations.inc({ operation }, dropped)
    }]
  ]
  for (const [channel, listener] of subscriptions) diagnosticsChannel.subscribe(channel.name, listener)
  app.addHook('onClose', async () => {
    for (const [channel, listener] of subscriptions) diagnosticsChannel.unsubscribe(channel.name, listener)
  })

  app.decorate('metricsRegistry', register)

  const expectedToken = options.token === undefined ? undefined : digest(options.token)
  app.decorate('metricsPort', null)
  if (options.port !== undefined) {
    await serveApart(app, register, expectedToken, options.port, options.host)
    return
  }
  app.get('/metrics', {
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics of this process',
      description: 'Prometheus text exposition format. No session needed; when METRICS_TOKEN is set, needs `Authorization: Bearer <METRICS_TOKEN>`.',
      response: {
        200: { description: 'The metrics', content: { 'text/plain; version=0.0.4': { schema: Type.String() } } },
        ...problems(401)
      }
    }
  }, async (request, reply) => {
    if (expectedToken !== undefined && !bearerMatches(request.headers.authorization, expectedToken)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw new errors.Unauthenticated()
    }
    reply.type(register.contentType)
    return await register.metrics()
  })
}

// A listener of its own (METRICS_PORT), reachable by the scraper and not through the gateway: the main
// port then has no /metrics at all. Plain node:http, GET /metrics only; METRICS_TOKEN still applies.
async function serveApart (app: FastifyInstance, register: Registry, expectedToken: Buffer | undefined, port: number, host: string | undefined): Promise<void> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?', 1)[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    if (expectedToken !== undefined && !bearerMatches(request.headers.authorization, expectedToken)) {
      response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n')
      return
    }
    register.metrics().then(text => {
      response.writeHead(200, { 'content-type': register.contentType }).end(text)
    }, (error: unknown) => {
      app.log.error({ err: error }, 'metrics failed')
      response.writeHead(500).end()
    })
  })
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    app.metricsPort = (server.address() as AddressInfo).port
  })
  app.addHook('onClose', async () => {
    if (server.listening) await new Promise(resolve => server.close(resolve))
  })
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

// Both sides hashed first: equal lengths for timingSafeEqual, and no hint of the token's length.
function bearerMatches (header: string | undefined, expected: Buffer): boolean {
  if (header === undefined || !/^bearer /i.test(header)) return false
  return timingSafeEqual(digest(header.slice('bearer '.length).trim()), expected)
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x', dependencies: ['sessions'] })
