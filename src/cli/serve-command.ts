import { parseOptions, UsageError, type Command } from './command.ts'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the server',
  help: `Usage: authlete-bff serve

Runs the proxy. Everything is configured by environment variables (docs/configuration.md); npm
start also loads ./.env when there is one. Without AUTHLETE_BASE_URL (and outside production) it
runs in sandbox mode. Exits 2 when the configuration is invalid (each bad variable is named), 1 when
it cannot start otherwise (port in use, unreadable users file, audit store down).`,
  async run (args) {
    const { positionals } = parseOptions(args, {})
    if (positionals.length > 0) throw new UsageError('serve takes no arguments (it is configured by environment variables)')
    // The server module starts when loaded and exits the process itself; the other commands never
    // load Fastify.
    await import('../server.ts')
    return 0
  }
}
