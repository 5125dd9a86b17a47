// Baseline: the least a Node proxy can do. node:http + one undici Pool, GET /api/clients/:id forwarded
// to the same upstream path as the BFF's, the body buffered and sent back as is: no session, no
// validation, no parsing, no audit, no logs.
import { createServer } from 'node:http'
import { Pool } from 'undici'

const upstream = process.env.UPSTREAM_ORIGIN!
const serviceId = process.env.AUTHLETE_SERVICE_ID!
const port = Number(process.env.PORT)
const pool = new Pool(upstream, { connections: 64, keepAliveTimeout: 10_000 })
const upstreamHeaders = { authorization: `Bearer ${process.env.AUTHLETE_SERVICE_ACCESS_TOKEN ?? ''}`, accept: 'application/json' }
const CLIENT_PATH = /^\/api\/clients\/([0-9]{1,19})$/

const server = createServer((request, response) => {
  const match = CLIENT_PATH.exec(request.url ?? '')
  if (request.method !== 'GET' || match === null) {
    response.writeHead(404).end()
    return
  }
  pool.request({ method: 'GET', path: `/api/${serviceId}/client/get/${match[1]!}`, headers: upstreamHeaders })
    .then(async ({ statusCode, body }) => {
      const bytes = Buffer.from(await body.arrayBuffer())
      response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': bytes.length })
      response.end(bytes)
    })
    .catch(() => { response.writeHead(502).end() })
})
server.keepAliveTimeout = 65_000

server.listen(port, '127.0.0.1', () => { process.stdout.write(`bare pass-through listening on ${port}\n`) })
process.once('SIGTERM', () => {
  server.close()
  server.closeAllConnections()
  pool.close().finally(() => process.exit(0))
})
