import Fastify from 'fastify'
import { loadConfig } from '../config.ts'
import { serverOptions } from './server-options.ts'
import { buildApp } from '../app.ts'

/** The OpenAPI document as the routes produce it, independent of any deployment's settings. */
export async function buildOpenApiDocument (): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent', AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' })
  const app = Fastify(serverOptions(config))
  await app.register(buildApp(config, { announce: () => {} }))
  await app.ready()
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}
