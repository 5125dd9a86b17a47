import Fastify from 'fastify'
import { ConfigError, loadConfig, shutdownDelaySeconds } from './config.ts'
import { serverOptions } from './http/server-options.ts'
import { buildApp } from './app.ts'
import { createLogDestination, stopOnSignals } from './ops/shutdown.ts'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`authlete-bff cannot start: ${error.message}\n`)
    process.exit(1)
  }
  const logs = createLogDestination()
  const options = serverOptions(config)
  const app = Fastify({ ...options, logger: { ...(options.logger as object), stream: logs.stream } })
  await app.register(buildApp(config))
  stopOnSignals(app, { delaySeconds: shutdownDelaySeconds(config), timeoutSeconds: config.SHUTDOWN_TIMEOUT, logs })
  // Re-reads BFF_USERS_FILE: a removed or demoted user's sessions and tokens follow at their next request.
  process.on('SIGHUP', () => { app.users.reload().catch(() => {}) })
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  process.stderr.write(`authlete-bff failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
