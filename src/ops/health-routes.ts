import { Type } from 'typebox'
import { Gauge } from 'prom-client'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { problems } from '../http/problem-schema.ts'
import { UpstreamInfoSchema } from './server-info.ts'

const tags = ['operations']
// Readiness is asked every few seconds by every orchestrator probe; one upstream call per window
// keeps that off Authlete's quota.
const READINESS_CACHE_MS = 5000

export interface HealthOptions {
  /**
   * READY_REQUIRES_UPSTREAM: /readyz fails while the upstream is unavailable. Off by default: the
   * upstream is shared by every replica, so failing on it takes them all out of the gateway at once,
   * and the callers get the gateway's 502 instead of the proxy's own problem with Retry-After.
   */
  requireUpstream: boolean
}

const UpstreamState = Type.Object({
  ...UpstreamInfoSchema.properties,
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  code: Type.Optional(Type.String({ description: 'Why the last probe failed: the problem code a call would get (BFF_UPSTREAM_TIMEOUT, ...)' }))
})

/**
 * `probe`, started at most once per `cacheMs` while it succeeds (the calls in between wait for the
 * same one); after a failure, started again at the next call.
 */
export function cachedProbe<A> (probe: (arg: A) => Promise<void>, cacheMs: number): (arg: A) => Promise<void> {
  let last: { at: number, ready: Promise<void> } | undefined
  return arg => {
    if (last === undefined || Date.now() - last.at > cacheMs) {
      const ready = probe(arg)
      last = { at: Date.now(), ready }
      ready.catch(() => { last = undefined })
    }
    return last.ready
  }
}

/** An unavailable upstream fails readiness only when asked to; credentials it refuses always do (this replica's configuration). */
export function failsReadiness (code: string | undefined, requireUpstream: boolean): boolean {
  return requireUpstream || code === 'BFF_UPSTREAM_CREDENTIALS'
}

const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  const upstreamAnswers = cachedProbe<FastifyRequest>(async request => {
    await app.authlete.listClients(request.upstreamCalls, { start: 0, end: 1 })
  }, READINESS_CACHE_MS)
  const upstreamReady = new Gauge({
    name: 'bff_upstream_ready',
    help: 'The upstream answered the last readiness probe (GET /readyz) with the configured credentials: 1 yes, 0 no',
    registers: [app.metricsRegistry]
  })

  app.get('/healthz', {
    schema: { tags, summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: {
      tags,
      summary: 'This replica can serve: its stores are open and the upstream accepts its credentials',
      description: 'An upstream that cannot be reached (or times out, or fails) is reported in `upstream`, with 200: it is shared by every replica, ' +
        'so it does not take them all out of the gateway at once. With `READY_REQUIRES_UPSTREAM=true` it fails readiness (503/504). ' +
        'Credentials the upstream refuses are this replica\'s configuration: always 502.',
      response: { 200: Type.Object({ status: Type.Literal('ready'), upstream: UpstreamState, version: Type.String({ description: 'The proxy\'s version' }) }), ...problems(502, 503, 504) }
    }
  }, async (request) => {
    try {
      await upstreamAnswers(request)
    } catch (error) {
      upstreamReady.set(0)
      const { code } = error as { code?: string }
      if (failsReadiness(code, options.requireUpstream)) throw error
      request.log.warn({ code }, 'readiness: the upstream is unavailable (reported, not failed: READY_REQUIRES_UPSTREAM is off)')
      return { status: 'ready' as const, upstream: { ...app.serverInfo.upstream, status: 'unavailable' as const, code }, version: app.serverInfo.version }
    }
    upstreamReady.set(1)
    return { status: 'ready' as const, upstream: { ...app.serverInfo.upstream, status: 'ok' as const }, version: app.serverInfo.version }
  })
}

export default healthRoutes
