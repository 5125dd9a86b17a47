// npm run emulator -- [--port 4010] [--host 127.0.0.1] [--api v3|v2]: Authlete's client-management
// API, emulated in memory (docs/emulator.md). Prints where it listens and its credentials.
import { parseArgs } from 'node:util'
import { describeEmulator, startEmulator, type EmulatorApi } from '../src/sandbox/standalone.ts'

const USAGE = 'usage: npm run emulator -- [--port <0-65535, default 4010>] [--host <address, default 127.0.0.1>] [--api <v3|v2, default v3>]\n'

function fail (message: string): never {
  process.stderr.write(`${message}\n${USAGE}`)
  process.exit(2)
}

let values: { port?: string, host?: string, api?: string }
try {
  values = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, api: { type: 'string' } } }).values
} catch (error) {
  fail((error as Error).message)
}
const port = Number(values.port ?? '4010')
if (!/^\d{1,5}$/.test(values.port ?? '4010') || port > 65535) fail(`--port must be an integer from 0 to 65535, not ${values.port}`)
const api = values.api ?? 'v3'
if (api !== 'v3' && api !== 'v2') fail(`--api must be v3 or v2, not ${api}`)

const emulator = await startEmulator({ port, host: values.host ?? '127.0.0.1', api: api as EmulatorApi }).catch((error: Error) => fail(`cannot start the emulator: ${error.message}`))
process.stdout.write(describeEmulator(emulator))
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { emulator.close().then(() => process.exit(0), () => process.exit(1)) })
}
