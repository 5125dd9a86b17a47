import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'

const tags = ['operations']
// Readiness is asked every few seconds by every orchestrator probe; one upstream call per window
// keeps that off Authlete's quota.
const READINESS_CACHE_MS = 5000

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let lastProbe: { at: number, ready: Promise<void> } | undefined

  app.get('/healthz', {
    schema: { tags, summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: { tags, summary: 'The upstream answers with the configured credentials', response: { 200: Type.Object({ status: Type.Literal('ready') }), ...problems(502, 503, 504) } }
  }, async (request) => {
    if (lastProbe === undefined || Date.now() - lastProbe.at > READINESS_CACHE_MS) {
      const ready = app.authlete.listClients(request.upstreamCalls, { start: 0, end: 1 }).then(() => undefined)
      lastProbe = { at: Date.now(), ready }
      ready.catch(() => { lastProbe = undefined })
    }
    await lastProbe.ready
    return { status: 'ready' as const }
  })
}

export default healthRoutes
