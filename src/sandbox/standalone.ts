import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { startSandboxUpstream } from './emulator.ts'
import type { SandboxCredentials, SandboxUpstream } from './emulator.ts'

// The emulator on its own, for any client of Authlete (the official SDKs, scripts, the proxy run
// elsewhere): one API generation, on a port of the caller's choosing. Starting and describing are
// separate so that a CLI can start it and print (or not) in its own way.

export type EmulatorApi = 'v2' | 'v3'

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port: number
  host: string
  api: EmulatorApi
  /** Fixed credentials (e.g. for CI); the ones left out are taken from `stateFile`, or generated. */
  credentials?: Partial<SandboxCredentials>
  /**
   * A JSON file holding the credentials across restarts: read at start when it exists, and written
   * (mode 0600) with the credentials in use. Only the credentials: the clients start from the seed.
   */
  stateFile?: string
}

const CREDENTIAL_NAMES = ['serviceId', 'accessToken', 'apiKey', 'apiSecret'] as const

/** A state file that cannot be used: the caller named it, so the message names it and what is wrong. */
export class EmulatorStateError extends Error {
  override name = 'EmulatorStateError'
}

async function readState (file: string): Promise<Partial<SandboxCredentials>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new EmulatorStateError(`cannot read the state file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let state: unknown
  try {
    state = JSON.parse(text)
  } catch {
    throw new EmulatorStateError(`the state file ${file} is not JSON`)
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new EmulatorStateError(`the state file ${file} is not a JSON object`)
  const credentials: Partial<SandboxCredentials> = {}
  // Only the known names, each a non-empty string: anything else in the file is ignored.
  for (const name of CREDENTIAL_NAMES) {
    const value = (state as Record<string, unknown>)[name]
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '' || (name === 'serviceId' && !/^[0-9]{1,19}$/.test(value))) {
      throw new EmulatorStateError(`the state file ${file} has an invalid ${name} (${name === 'serviceId' ? 'digits' : 'a non-empty string'} expected)`)
    }
    credentials[name] = value
  }
  return credentials
}

// A unique temporary file created exclusively with mode 0600, then renamed over the state file:
// never half-written, never readable by others, and a link at the temporary name is never followed.
async function writeState (file: string, credentials: SandboxCredentials): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
  const state = Object.fromEntries(CREDENTIAL_NAMES.map(name => [name, credentials[name]]))
  try {
    await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx', flush: true })
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw new EmulatorStateError(`cannot write the state file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

export interface Emulator {
  api: EmulatorApi
  /** The base URL a client of Authlete is given (the paths start with /api). */
  url: string
  credentials: SandboxCredentials
  upstream: SandboxUpstream
  close (): Promise<void>
}

export async function startEmulator (options: EmulatorOptions): Promise<Emulator> {
  const saved = options.stateFile === undefined ? {} : await readState(options.stateFile)
  const upstream = await startSandboxUpstream({
    host: options.host,
    port: options.port,
    credentials: { ...saved, ...options.credentials },
    generations: [options.api === 'v3' ? '3.0' : '2.x']
  })
  if (options.stateFile !== undefined) {
    try {
      await writeState(options.stateFile, upstream.credentials)
    } catch (error) {
      await upstream.close()
      throw error
    }
  }
  return { api: options.api, url: upstream.url, credentials: upstream.credentials, upstream, close: () => upstream.close() }
}

/**
 * What a user needs to call the emulator: base URL, service ID, credentials, the registration access
 * token of the seeded dynamically registered client, and a first request.
 */
export function describeEmulator (emulator: Emulator): string {
  const { url, credentials } = emulator
  const { dynamicClientId, registrationAccessToken } = emulator.upstream.seed
  const v3 = emulator.api === 'v3'
  const lines = v3
    ? [`service access token:  ${credentials.accessToken}`]
    : [`service API key:       ${credentials.apiKey}`, `service API secret:    ${credentials.apiSecret}`]
  const first = v3
    ? `curl -H 'Authorization: Bearer ${credentials.accessToken}' ${url}/api/${credentials.serviceId}/client/get/list`
    : `curl -u '${credentials.apiKey}:${credentials.apiSecret}' ${url}/api/client/get/list`
  return [
    `Authlete emulator (API ${v3 ? '3.0' : '2.x'}), in memory, seeded with 4 clients`,
    `  base URL:              ${url}`,
    `  service ID:            ${credentials.serviceId}`,
    ...lines.map(line => `  ${line}`),
    `  registration access token of client ${dynamicClientId}: ${registrationAccessToken}`,
    `  try: ${first}`,
    ''
  ].join('\n')
}
