import Fastify from 'fastify'
import { ConfigError, loadConfig, sqliteFiles } from './config.ts'
import { prettyLogTransport, serverOptions } from './http/server-options.ts'
import { buildApp } from './app.ts'
import { PolicyFileError } from './policy/policy-file.ts'
import { createLogDestination, stopOnSignals } from './ops/shutdown.ts'

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
  const logs = createLogDestination()
  // A terminal in development gets pino-pretty (a transport of its own); otherwise the lines go to
  // the process's own destination, which shutdown can silence when its reader is gone.
  const pretty = prettyLogTransport(config)
  const options = serverOptions(config, pretty)
  const app = Fastify(pretty === undefined ? { ...options, logger: { ...(options.logger as object), stream: logs.stream } } : options)
  await app.register(buildApp(config))
  stopOnSignals(app, { delaySeconds: config.SHUTDOWN_DELAY, timeoutSeconds: config.SHUTDOWN_TIMEOUT, logs })
  // Re-reads BFF_USERS_FILE: a removed or demoted user's sessions and tokens follow at their next request.
  process.on('SIGHUP', () => { app.users.reload().catch(() => {}) })
  // Where the SQLite files are, as absolute paths: a relative default depends on the working directory.
  const files = sqliteFiles(config)
  if (Object.keys(files).length > 0) app.log.info(files, `SQLite files: ${Object.entries(files).map(([name, path]) => `${name} ${path}`).join(', ')}`)
  await app.listen({ port: config.PORT, host: config.HOST })
}

main().catch((error: unknown) => {
  if (error instanceof PolicyFileError) {
    process.stderr.write(`authlete-bff cannot start: POLICY_FILE: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`authlete-bff failed to start: ${startFailure(error)}\n`)
  process.exit(1)
})

function startFailure (error: unknown): string {
  const { code, address, port } = error as { code?: string, address?: string, port?: number }
  if (code === 'EADDRINUSE') return `${address ?? 'the address'}:${port ?? ''} is already in use (another server is listening there: stop it, or set PORT or HOST)`
  return error instanceof Error ? error.message : String(error)
}
