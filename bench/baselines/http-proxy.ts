// Baseline: @fastify/http-proxy (reply-from over undici) forwarding GET /api/clients/:id to the same
// upstream path as the BFF's, with the same service credential added. No session, validation, audit;
// the logger is off (BENCH_PROXY_LOG_LEVEL=info turns Fastify's request logs on, to a file via stdout).
import Fastify from 'fastify'
import proxy from '@fastify/http-proxy'

const serviceId = process.env.AUTHLETE_SERVICE_ID!
const port = Number(process.env.PORT)
const authorization = `Bearer ${process.env.AUTHLETE_SERVICE_ACCESS_TOKEN ?? ''}`
const level = process.env.BENCH_PROXY_LOG_LEVEL

const app = Fastify({ logger: level === undefined ? false : { level } })
await app.register(proxy, {
  upstream: process.env.UPSTREAM_ORIGIN!,
  prefix: '/api/clients',
  rewritePrefix: `/api/${serviceId}/client/get`,
  httpMethods: ['GET'],
  undici: { connections: 64, keepAliveTimeout: 10_000 },
  replyOptions: {
    rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization, accept: 'application/json' })
  }
})
await app.listen({ port, host: '127.0.0.1' })
process.stdout.write(`@fastify/http-proxy listening on ${port}\n`)
process.once('SIGTERM', () => { app.close().finally(() => process.exit(0)) })
