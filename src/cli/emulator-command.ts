import { parseOptions, UsageError, type Command } from './command.ts'
import type { SandboxCredentials } from '../sandbox/emulator.ts'

const SECRET_OPTIONS = { v3: ['token'], v2: ['api-key', 'api-secret'] } as const

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the Authlete emulator alone',
  help: `Usage: authlete-bff emulator [--port P] [--host H] [--api v3|v2] [--service-id ID]
                             [--token T | --api-key K --api-secret S] [--state FILE]

Serves Authlete's client-management API, emulated in memory, for any Authlete client (the official
SDKs and CLI, scripts) in local development and CI; prints its base URL, service ID and credentials.
What it emulates and what it does not: docs/emulator.md. Stops on SIGINT or SIGTERM.

Credentials are generated at each start unless given: with the same ones, a client of the emulator
(the proxy) carries on after a restart. The clients always start from the seed.

Options:
  -p, --port P        0-65535 (default 4010; 0: any free port)
  --host H            the address to listen on (default 127.0.0.1)
  --api A             v3 (Authlete 3.0, Bearer token, service ID in the path) or v2 (2.x, Basic) (default v3)
  --service-id ID     the service ID (digits)
  --token T           v3: the service access token
  --api-key K         v2: the service API key
  --api-secret S      v2: the service API secret
  --state FILE        keep the credentials in FILE (JSON, mode 0600): read at start when it exists,
                      written with those in use; options given override it`,
  async run (args) {
    const { values, positionals } = parseOptions(args, {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      api: { type: 'string' },
      'service-id': { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      'api-secret': { type: 'string' },
      state: { type: 'string' }
    })
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
    const portText = values.port ?? '4010'
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not ${portText}`)
    const api = values.api ?? 'v3'
    if (api !== 'v3' && api !== 'v2') throw new UsageError(`--api must be v3 or v2, not ${api}`)
    const credentials = credentialOptions(values, api)
    if (values.state === '') throw new UsageError('--state needs a file name')
    const { describeEmulator, startEmulator, EmulatorStateError } = await import('../sandbox/standalone.ts')
    let emulator
    try {
      emulator = await startEmulator({ port: Number(portText), host: values.host ?? '127.0.0.1', api, credentials, stateFile: values.state })
    } catch (error) {
      if (error instanceof EmulatorStateError) throw new UsageError(error.message)
      throw error
    }
    process.stdout.write(describeEmulator(emulator))
    return await new Promise(resolve => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => { emulator.close().then(() => resolve(0), () => resolve(1)) })
      }
    })
  }
}

function credentialOptions (values: Record<string, string | boolean | undefined>, api: 'v3' | 'v2'): Partial<SandboxCredentials> {
  const other = api === 'v3' ? 'v2' : 'v3'
  for (const name of SECRET_OPTIONS[other]) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is for --api ${other}; with --api ${api} use ${SECRET_OPTIONS[api].map(option => `--${option}`).join(' and ')}`)
  }
  const credentials: Partial<SandboxCredentials> = {}
  const take = (option: string, name: keyof SandboxCredentials, rule: RegExp, what: string): void => {
    const value = values[option]
    if (value === undefined) return
    if (typeof value !== 'string' || !rule.test(value)) throw new UsageError(`--${option} must be ${what}`)
    credentials[name] = value
  }
  const SECRET = /^[\x21-\x7e]{1,4096}$/
  const secret = '1 to 4096 printable ASCII characters without spaces'
  take('service-id', 'serviceId', /^[0-9]{1,19}$/, '1 to 19 digits')
  take('token', 'accessToken', SECRET, secret)
  // HTTP Basic ends the user ID at the first colon.
  take('api-key', 'apiKey', /^[\x21-\x39\x3b-\x7e]{1,4096}$/, `${secret} or colons`)
  take('api-secret', 'apiSecret', SECRET, secret)
  return credentials
}
