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
  /** Fixed credentials (e.g. for CI); the ones left out are generated. */
  credentials?: Partial<SandboxCredentials>
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
  const upstream = await startSandboxUpstream({
    host: options.host,
    port: options.port,
    credentials: options.credentials,
    generations: [options.api === 'v3' ? '3.0' : '2.x']
  })
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
