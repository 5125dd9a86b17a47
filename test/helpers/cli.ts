import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const repo = join(import.meta.dirname, '..', '..')

export interface CliRun { code: number | null, stdout: string, stderr: string }

/** `node src/cli.ts ...args` as `npx authlete-bff` runs it, with `input` on stdin (a pipe) and only PATH and `env` set. */
export function runCli (args: string[], options: { input?: string, env?: Record<string, string> } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['src/cli.ts', ...args], { cwd: repo, env: { PATH: process.env.PATH, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += String(chunk) })
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  child.stdin.end(options.input ?? '')
  return new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr })))
}
