import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createAuthleteClient, type AuthleteClientOptions, type UpstreamCall } from './authlete-client.ts'
import { createAuthleteApi } from './authlete-api.ts'

declare module 'fastify' {
  interface FastifyInstance {
    authlete: ReturnType<typeof createAuthleteApi>
  }
  interface FastifyRequest {
    /** Upstream calls made for this request, in order; read by the audit record. */
    upstreamCalls: UpstreamCall[]
  }
}

async function authletePlugin (app: FastifyInstance, options: AuthleteClientOptions): Promise<void> {
  const client = createAuthleteClient(options)
  app.decorate('authlete', createAuthleteApi(client.call))
  app.decorateRequest('upstreamCalls', null as unknown as UpstreamCall[])
  // A plain callback: a hook on every request need not cost a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    request.upstreamCalls = []
    done()
  })
  app.addHook('onClose', async () => { await client.close() })
}

export default fp(authletePlugin, { name: 'authlete', fastify: '5.x' })
