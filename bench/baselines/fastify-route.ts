// Baseline: the "Fastify route with undici and JSON parse/serialize": a Fastify route for
// GET /api/clients/:id that asks the same upstream path through one undici Pool, parses the answer
// and returns it (Fastify serializes it). No session, validation, audit. The logger is off, or at
// BENCH_ROUTE_LOG_LEVEL (info: Fastify's default request logging, two lines per request, to stdout,
// which the bench sends to a file): the cheapest thing a team would write by hand.
import Fastify from 'fastify'
import { Pool } from 'undici'

const serviceId = process.env.AUTHLETE_SERVICE_ID!
const port = Number(process.env.PORT)
const pool = new Pool(process.env.UPSTREAM_ORIGIN!, { connections: 64, keepAliveTimeout: 10_000 })
const headers = { authorization: `Bearer ${process.env.AUTHLETE_SERVICE_ACCESS_TOKEN ?? ''}`, accept: 'application/json' }

const level = process.env.BENCH_ROUTE_LOG_LEVEL
const app = Fastify({ logger: level === undefined ? false : { level } })
app.get<{ Params: { clientId: string } }>('/api/clients/:clientId', async (request) => {
  const { body } = await pool.request({ method: 'GET', path: `/api/${serviceId}/client/get/${request.params.clientId}`, headers })
  return await body.json()
})
await app.listen({ port, host: '127.0.0.1' })
process.stdout.write(`Fastify route listening on ${port}\n`)
process.once('SIGTERM', () => { app.close().then(() => pool.close()).finally(() => process.exit(0)) })
