import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import { docsHelmet, tightenDocsCsp } from './page-security.ts'

export const OPENAPI_INFO = {
  title: 'authlete-bff',
  description: 'Session-authenticated proxy for Authlete\'s client-management API. Mutations need the x-csrf-token header from the login answer.',
  version: '0.1.0'
}

// Registered before the routes: @fastify/swagger collects them as they are added.
async function openapiPlugin (app: FastifyInstance, { docs }: { docs: boolean }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'bff_session', description: '__Host-bff_session over https' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' }
        }
      },
      security: [{ session: [], csrf: [] }]
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  // DOCS_ENABLED=false: neither Swagger UI nor /openapi.json is served (app.swagger() still works).
  if (!docs) return
  // Its own scope: the helmet headers go on Swagger UI's answers only.
  await app.register(async function docsPages (scope) {
    await scope.register(helmet, docsHelmet)
    await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: tightenDocsCsp })
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

export default fp(openapiPlugin, { name: 'openapi', fastify: '5.x' })
