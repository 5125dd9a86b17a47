import Fastify from 'fastify'
import { ConfigError, loadConfig, sqliteFiles } from './config.ts'
import { prettyLogTransport, serverOptions } from './http/server-options.ts'
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
  const app = Fastify(serverOptions(config, prettyLogTransport(config)))
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
  // Where the SQLite files are, as absolute paths: a relative default depends on the working directory.
  const files = sqliteFiles(config)
  if (Object.keys(files).length > 0) app.log.info(files, `SQLite files: ${Object.entries(files).map(([name, path]) => `${name} ${path}`).join(', ')}`)
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  process.stderr.write(`authlete-bff failed to start: ${startFailure(error)}\n`)
  process.exit(1)
})

function startFailure (error: unknown): string {
  const { code, address, port } = error as { code?: string, address?: string, port?: number }
  if (code === 'EADDRINUSE') return `${address ?? 'the address'}:${port ?? ''} is already in use (another server is listening there: stop it, or set PORT or HOST)`
  return error instanceof Error ? error.message : String(error)
}
