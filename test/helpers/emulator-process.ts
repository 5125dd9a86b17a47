import { spawn } from 'node:child_process'
import type { Test } from 'tap'

export interface EmulatorProcess {
  /** The base URL the banner printed. */
  url: string
  serviceId: string
  /** API 3.0 */
  accessToken?: string
  /** API 2.x */
  apiKey?: string
  apiSecret?: string
  registrationAccessToken: string
  output: () => string
}

function field (banner: string, label: string): string | undefined {
  return banner.match(new RegExp(`^ +${label}: +(\\S+)$`, 'm'))?.[1]
}

/**
 * Runs `script` with bash in the checkout (e.g. `npm run emulator -- --port 4010 --api v3`) in its own
 * process group, killed at teardown, and reads what the standalone emulator printed once it has.
 */
export async function startEmulatorProcess (t: Test, script: string): Promise<EmulatorProcess> {
  const child = spawn('bash', ['-c', script], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM') })
  let output = ''
  return await new Promise((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString()
      const registrationAccessToken = output.match(/registration access token of client \d+: (\S+)\n/)?.[1]
      const url = field(output, 'base URL')
      const serviceId = field(output, 'service ID')
      if (registrationAccessToken === undefined || url === undefined || serviceId === undefined) return
      resolve({
        url,
        serviceId,
        accessToken: field(output, 'service access token'),
        apiKey: field(output, 'service API key'),
        apiSecret: field(output, 'service API secret'),
        registrationAccessToken,
        output: () => output
      })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('exit', code => { reject(new Error(`the emulator exited with ${code}: ${output}`)) })
  })
}
