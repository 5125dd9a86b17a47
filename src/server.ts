import Fastify from 'fastify'
import { ConfigError, loadConfig } from './config.ts'
import { serverOptions } from './http/server-options.ts'
import { buildApp } from './app.ts'

async function main (): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`authlete-bff cannot start: ${error.message}\n`)
    // 2: a configuration error, as for every command of the CLI (docs/cli.md).
    process.exit(2)
  }
  const app = Fastify(serverOptions(config))
  await app.register(buildApp(config))
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Readiness fails and new requests are refused first; in-flight ones (and their audit
      // records) finish; then pools and stores close. SHUTDOWN_TIMEOUT bounds the whole.
      app.draining = true
      app.log.info({ signal, timeoutSeconds: config.SHUTDOWN_TIMEOUT }, 'draining')
      const deadline = setTimeout(() => {
        app.log.error('shutdown timed out; exiting with requests still in flight')
        process.exit(1)
      }, config.SHUTDOWN_TIMEOUT * 1000)
      deadline.unref()
      app.close().then(() => process.exit(0), (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      })
    })
  }
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  process.stderr.write(`authlete-bff failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
