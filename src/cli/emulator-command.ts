import { parseOptions, UsageError, type Command } from './command.ts'

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the Authlete emulator alone',
  help: `Usage: authlete-bff emulator [--port P] [--host H] [--api v3|v2]

Serves Authlete's client-management API, emulated in memory, for any Authlete client (the official
SDKs and CLI, scripts) in local development and CI; prints its base URL, service ID and credentials.
What it emulates and what it does not: docs/emulator.md. Stops on SIGINT or SIGTERM.

Options:
  -p, --port P   0-65535 (default 4010; 0: any free port)
  --host H       the address to listen on (default 127.0.0.1)
  --api A        v3 (Authlete 3.0, Bearer token, service ID in the path) or v2 (2.x, Basic) (default v3)`,
  async run (args) {
    const { values, positionals } = parseOptions(args, { port: { type: 'string', short: 'p' }, host: { type: 'string' }, api: { type: 'string' } })
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
    const portText = values.port ?? '4010'
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not ${portText}`)
    const api = values.api ?? 'v3'
    if (api !== 'v3' && api !== 'v2') throw new UsageError(`--api must be v3 or v2, not ${api}`)
    const { describeEmulator, startEmulator } = await import('../sandbox/standalone.ts')
    const emulator = await startEmulator({ port: Number(portText), host: values.host ?? '127.0.0.1', api })
    process.stdout.write(describeEmulator(emulator))
    return await new Promise(resolve => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => { emulator.close().then(() => resolve(0), () => resolve(1)) })
      }
    })
  }
}
