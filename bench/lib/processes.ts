// Child processes of the bench: each one is registered so that it is killed at the end, also when the
// bench fails or is interrupted, and only by its own pid.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { openSync, closeSync, readFileSync } from 'node:fs'

const children = new Set<ChildProcess>()

export interface Started {
  child: ChildProcess
  pid: number
  /** Everything the process wrote so far (stdout and stderr), for error messages. */
  output: () => string
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Append stdout (and stderr) to this file instead of keeping them in memory. */
  logFile?: string
}

export function start (command: string, args: string[], options: StartOptions = {}): Started {
  let output = ''
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a')
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', logFd ?? 'pipe', logFd === undefined ? 'pipe' : logFd]
  })
  if (logFd !== undefined) closeSync(logFd)
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  children.add(child)
  child.once('exit', () => { children.delete(child) })
  if (child.pid === undefined) throw new Error(`cannot start ${command}`)
  return { child, pid: child.pid, output: () => output }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop (child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

export function killAll (): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}
process.once('exit', killAll)

export { freePort } from '../../test/helpers/server-process.ts'

/** Waits until `url` answers (any status), or fails after `timeoutMs` or when the process exits. */
export async function waitForHttp (url: string, started: Started, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${url}: the process exited (${started.child.exitCode ?? started.child.signalCode}): ${started.output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${started.output()}`)
}

export function which (command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU time the process (all its threads) has used so far, user + system, in microseconds; `pid/task/tid` for one thread. */
export function cpuMicros (pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return (utime + stime) / CLOCK_TICKS * 1e6
}

/** Resident set size now and its peak (VmRSS, VmHWM), in MB. */
export function memory (pid: number): { rssMb: number, peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

/** Busy CPU time of the whole machine so far (every core; idle and iowait excluded), in microseconds. */
export function machineBusyMicros (): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[]
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS * 1e6
}

/** CPU time of this process and of its children that have exited (wrk, the paced client), in microseconds. */
export function ownAndReapedMicros (): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number)
  return (fields[11]! + fields[12]! + fields[13]! + fields[14]!) / CLOCK_TICKS * 1e6
}
