#!/usr/bin/env node
import { EXIT_USAGE, type CommandGroup } from './cli/command.ts'
import { runCli } from './cli/run-cli.ts'
import { serveCommand } from './cli/serve-command.ts'
import { usersCommands } from './cli/users-commands.ts'
import { auditCommands } from './cli/audit-commands.ts'
import { openapiCommand } from './cli/openapi-command.ts'
import { emulatorCommand } from './cli/emulator-command.ts'
import { policyCommands } from './cli/policy-commands.ts'

// authlete-bff's one command line (docs/cli.md); the npm scripts are aliases of its commands.
const root: CommandGroup = {
  name: 'authlete-bff',
  summary: '',
  help: `Usage: authlete-bff <command> [options]

A backend-for-frontend proxy for Authlete's client-management API, and the tools to run it.

Exit codes: 0 ok; 1 a check failed or the command could not do what was asked; 2 a usage or
configuration error. Documentation: docs/cli.md.`,
  commands: [serveCommand, usersCommands, auditCommands, policyCommands, openapiCommand, emulatorCommand]
}

// `authlete-bff openapi --out - | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(0)
})

// exitCode, not exit(): what the command wrote to a pipe is flushed first; `serve` keeps running.
runCli(root, process.argv.slice(2)).then(code => { process.exitCode = code }, (error: unknown) => {
  process.stderr.write(`authlete-bff: ${(error as Error).message}\n`)
  process.exitCode = EXIT_USAGE
})
