// An open-loop, evenly paced load generator (run as its own process by bench/run.ts): `rate` requests
// a second, spread over each millisecond, for `seconds`, whatever the answers' latency, on up to
// `connections` keep-alive connections. Latency is measured from the moment a request is issued, so a
// stalled server shows as latency (no coordinated omission). autocannon -R would instead send each
// connection's quota in a burst at the start of every second.
// Input: one JSON argument { url, method, headers, body, rate, seconds, warmupSeconds, connections }.
// Output: one JSON line on stdout.
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'

interface PacedOptions {
  url: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT'
  headers: Record<string, string>
  body?: string
  rate: number
  seconds: number
  warmupSeconds: number
  connections: number
}

const options = JSON.parse(process.argv[2] ?? '{}') as PacedOptions
const target = new URL(options.url)
const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 })
const path = `${target.pathname}${target.search}`

const total = Math.round(options.rate * options.seconds)
const warmup = Math.round(options.rate * options.warmupSeconds)
const latencies = new Float64Array(total)
const lags: number[] = []
let recorded = 0
let errors = 0
let non2xx = 0
let sent = 0
let finished = 0

function issue (index: number, scheduledAt: number): void {
  const started = performance.now()
  if (index >= warmup) lags.push(started - scheduledAt)
  pool.request({ method: options.method, path, headers: options.headers, body: options.body })
    .then(async response => {
      await response.body.dump()
      if (response.statusCode < 200 || response.statusCode >= 300) non2xx++
      if (index >= warmup) latencies[recorded++] = performance.now() - started
    }, () => { errors++ })
    .finally(() => { finished++ })
}

const count = warmup + total
const interval = 1000 / options.rate
const begin = performance.now()
await new Promise<void>(resolve => {
  const tick = () => {
    const now = performance.now()
    // Everything due by now: at 2,000/s that is two requests a millisecond.
    while (sent < count && begin + sent * interval <= now) {
      issue(sent, begin + sent * interval)
      sent++
    }
    if (sent < count) setTimeout(tick, Math.max(0, Math.min(1, begin + sent * interval - performance.now())))
    else resolve()
  }
  tick()
})
const sendSeconds = (performance.now() - begin) / 1000
const deadline = performance.now() + 15_000
const pending = () => finished < count && performance.now() < deadline
while (pending()) await new Promise(resolve => setTimeout(resolve, 20))
await pool.close()

const sorted = latencies.slice(0, recorded).sort()
const lagSorted = Float64Array.from(lags).sort()
const at = (values: Float64Array, q: number) => values.length === 0 ? NaN : values[Math.min(values.length - 1, Math.floor(values.length * q))]!
process.stdout.write(`${JSON.stringify({
  rate: options.rate,
  achievedRate: count / sendSeconds,
  requests: recorded,
  errors,
  non2xx,
  unfinished: count - finished,
  p50Ms: at(sorted, 0.5),
  p90Ms: at(sorted, 0.9),
  p99Ms: at(sorted, 0.99),
  p999Ms: at(sorted, 0.999),
  maxMs: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  lagP99Ms: at(lagSorted, 0.99)
})}\n`)
