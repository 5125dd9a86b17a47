import fp from 'fastify-plugin'
import cors, { type FastifyCorsOptions } from '@fastify/cors'
import type { FastifyInstance, FastifyRequest } from 'fastify'

export interface CrossOriginOptions {
  /** Exact origins allowed to call the API with credentials; empty: no CORS headers at all. */
  origins: string[]
}

const ALLOWED_HEADERS = ['content-type', 'x-csrf-token', 'x-csrf', 'if-match', 'authorization']
const EXPOSED_HEADERS = ['etag', 'location', 'x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-policy-warnings', 'x-policy-filled']
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

// Registered before the access check: a preflight carries no cookie, so it is answered here, before
// the session is asked for; and the answers the access check refuses still carry the CORS headers, so
// an allowed page can read why. Per request, because a listed origin gets every header and any other
// origin none (@fastify/cors with a plain list still sends Allow-Credentials and answers preflights).
async function crossOriginPlugin (app: FastifyInstance, { origins }: CrossOriginOptions): Promise<void> {
  if (origins.length === 0) return
  const allowed = new Set(origins)
  const listed: FastifyCorsOptions = {
    credentials: true,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600
  }
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) => {
      const origin = request.headers.origin
      if (origin === undefined || !allowed.has(origin)) return callback(null, { origin: false })
      // Only a real preflight is answered without a session; any other OPTIONS goes on to the
      // access check like every request.
      callback(null, { ...listed, origin, preflight: isPreflight(request) })
    }
  })
}

function isPreflight (request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
}

export default fp(crossOriginPlugin, { name: 'cross-origin', fastify: '5.x' })
