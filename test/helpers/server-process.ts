import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { Test } from 'tap'

export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/** `node src/server.ts` as a user runs it, on a free port, ready once /healthz answers. */
export async function startServerProcess (t: Test, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`)
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child, output: () => output }
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`server did not become healthy: ${output}`)
}
