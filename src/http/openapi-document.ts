import Fastify from 'fastify'
import { loadConfig } from '../config.ts'
import { serverOptions } from './server-options.ts'
import { buildApp } from '../app.ts'

// Routes that exist only with OIDC (the back-channel logout) are documented too: the issuer is an
// address on loopback where nothing answers (the discard port), so discovery fails at once, in silence.
const DOCUMENTED_OIDC = { OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'openapi', OIDC_REDIRECT_URI: 'http://127.0.0.1:9/auth/callback' }

/** The OpenAPI document as the routes produce it, independent of any deployment's settings. */
export async function buildOpenApiDocument (): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent', AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory', ...DOCUMENTED_OIDC })
  const app = Fastify(serverOptions(config))
  await app.register(buildApp(config, { announce: () => {} }))
  await app.ready()
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}
