import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import { docsHelmet, tightenDocsCsp } from './page-security.ts'

export const OPENAPI_INFO = {
  title: 'authlete-bff',
  description: 'Session-authenticated proxy for Authlete\'s client-management API. With a session cookie, mutations need the x-csrf-token header from the login answer; an API token (Authorization: Bearer) needs neither. In Swagger UI (/docs): sign in with POST /auth/login (Try it out; the browser keeps the cookie), then Authorize and put the answer\'s csrfToken in x-csrf-token; or Authorize with an API token as bearer.',
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
          session: { type: 'apiKey', in: 'cookie', name: 'bff_session', description: 'HttpOnly cookie set by POST /auth/login (__Host-bff_session over https); a browser sends it itself' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'The csrfToken of the login answer (or of GET /auth/session); with the cookie, on every request but GET, HEAD and OPTIONS' },
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (bfft_...) from POST /auth/tokens: no cookie, no CSRF token' }
        }
      },
      security: [{ session: [], csrf: [] }, { bearer: [] }]
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  // DOCS_ENABLED=false: neither Swagger UI nor /openapi.json is served (app.swagger() still works).
  if (!docs) return
  // Its own scope: the helmet headers go on Swagger UI's answers only. Swagger UI runs in the
  // browser, which cannot set a Cookie header: the cookie scheme would be a field that does nothing.
  // Its copy of the document leaves it out (the browser sends the cookie of a sign-in made in /docs
  // by itself); the CSRF header and the bearer token remain.
  await app.register(async function docsPages (scope) {
    await scope.register(helmet, docsHelmet)
    await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: tightenDocsCsp, transformSpecification: withoutCookieScheme })
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

function withoutCookieScheme (document: Readonly<Record<string, any>>): Record<string, any> {
  const { session: _cookie, ...schemes } = document.components.securitySchemes
  return { ...document, components: { ...document.components, securitySchemes: schemes }, security: [{ csrf: [] }, { bearer: [] }] }
}

export default fp(openapiPlugin, { name: 'openapi', fastify: '5.x' })
