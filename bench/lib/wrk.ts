// Closed-loop throughput with wrk: a generated Lua script sets the method, headers and body, and its
// done() prints the exact counts and percentiles as JSON (no parsing of wrk's rounded text).
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { start } from './processes.ts'

export interface Load {
  name: string
  url: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT'
  headers: Record<string, string>
  body?: string
}

export interface WrkResult {
  requests: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
  non2xx: number
}

const luaString = (value: string) => `[==[${value}]==]`

async function script (load: Load, dir: string): Promise<string> {
  const lines = [
    `wrk.method = ${luaString(load.method)}`,
    ...Object.entries(load.headers).map(([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`),
    load.body === undefined ? '' : `wrk.body = ${luaString(load.body)}`,
    'done = function (summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\\n\',',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))',
    'end'
  ]
  const file = join(dir, `${load.name.replace(/\W+/g, '-')}.lua`)
  await writeFile(file, `${lines.join('\n')}\n`)
  return file
}

export async function wrk (load: Load, dir: string, seconds: number, connections = 32, threads = 2): Promise<WrkResult> {
  const file = await script(load, dir)
  const run = start('wrk', ['-c', String(connections), '-t', String(threads), '-d', `${seconds}s`, '--timeout', '10s', '--latency', '-s', file, load.url])
  const code = await new Promise<number | null>(resolve => run.child.once('exit', resolve))
  const json = /WRK_JSON (\{.*\})/.exec(run.output())?.[1]
  if (code !== 0 || json === undefined) throw new Error(`wrk failed on ${load.name} (exit ${code}): ${run.output()}`)
  const r = JSON.parse(json) as Record<string, number>
  const duration = r.durationUs! / 1e6
  return {
    requests: r.requests!,
    seconds: duration,
    perSecond: r.requests! / duration,
    p50Ms: r.p50Us! / 1000,
    p99Ms: r.p99Us! / 1000,
    errors: r.connect! + r.read! + r.write! + r.timeout!,
    non2xx: r.status!
  }
}
