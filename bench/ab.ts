// A/B comparison of two BFF variants on a machine others share: both run at once in front of the same
// nginx stub, and short wrk runs alternate between them (A, B, A, B...), so that a burst of someone
// else's load hits both alike. Reports each run's CPU per request and the medians. A variant is a
// checkout of the app (e.g. `git archive HEAD src package.json | tar -x -C /tmp/a` with node_modules
// linked), Node flags, a log level and environment variables:
//   node bench/ab.ts --a-app /tmp/a [--b-app DIR] [--a-flags='--flag ...'] [--b-log warn] [--b-env K=V,K=V] [--rounds 10] [--seconds 4] [--method PATCH]
// GET reads the fixture client; PATCH is run.ts's audited merge patch of it; POST creates a client
// that meets every profile (FAPI 2.0 included), so `--a-env POLICY_PROFILE=off --b-env POLICY_PROFILE=fapi2`
// compares the policy's cost on creates (bench/policy.ts runs both).
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CLIENT_ID, COMPLIANT_CREATE } from './fixtures.ts'
import { login, startBff, writeUsersFile, type Server } from './lib/bff.ts'
import { startStub } from './lib/nginx.ts'
import { cpuMicros, killAll, machineBusyMicros, memory, ownAndReapedMicros, stop, which } from './lib/processes.ts'
import { wrk, type Load } from './lib/wrk.ts'

const variantOptions = (name: string) => ({
  [`${name}-app`]: { type: 'string' },
  [`${name}-flags`]: { type: 'string', default: '' },
  [`${name}-log`]: { type: 'string', default: 'info' },
  [`${name}-env`]: { type: 'string', default: '' }
} as const)
const { values } = parseArgs({
  options: {
    ...variantOptions('a'),
    ...variantOptions('b'),
    rounds: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '4' },
    path: { type: 'string', default: `/api/clients/${CLIENT_ID}` },
    method: { type: 'string', default: 'GET' }
  }
}) as { values: Record<string, string | undefined> }

const median = (numbers: number[]) => [...numbers].sort((x, y) => x - y)[Math.floor(numbers.length / 2)]!
const split = (text: string | undefined) => (text ?? '').split(/\s+/).filter(item => item !== '')

const dir = await mkdtemp(join(tmpdir(), 'bff-ab-'))
try {
  const usersFile = await writeUsersFile(dir)
  const stub = await startStub(which('nginx') ?? '/usr/sbin/nginx', dir)
  const variants: Array<{ name: string, server: Server, load: Load, cpu: number[], rate: number[], p99: number[], logBytes: number[] }> = []
  for (const name of ['a', 'b']) {
    const env = {
      AUDIT_STORE: `sqlite:${join(dir, `audit-${name}.db`)}`,
      ...Object.fromEntries(split(values[`${name}-env`]?.replaceAll(',', ' ')).map(pair => pair.split('=', 2) as [string, string]))
    }
    const server = await startBff(dir, stub.origin, usersFile, {
      nodeArgs: split(values[`${name}-flags`]),
      appDir: values[`${name}-app`],
      logLevel: values[`${name}-log`],
      env,
      logName: `bff-${name}.log`
    })
    const { cookie, csrfToken } = await login(server.url)
    const writing = { cookie, 'x-csrf-token': csrfToken }
    const load: Load = values.method === 'PATCH'
      ? { name: `variant ${name}`, url: `${server.url}${values.path}`, method: 'PATCH', headers: { ...writing, 'content-type': 'application/merge-patch+json' }, body: '{"description":"bench"}' }
      : values.method === 'POST'
        ? { name: `variant ${name}`, url: `${server.url}/api/clients`, method: 'POST', headers: { ...writing, 'content-type': 'application/json' }, body: JSON.stringify(COMPLIANT_CREATE) }
        : { name: `variant ${name}`, url: `${server.url}${values.path}`, method: 'GET', headers: { cookie } }
    variants.push({ name, server, load, cpu: [], rate: [], p99: [], logBytes: [] })
  }
  for (const variant of variants) await wrk(variant.load, dir, 5)
  const otherLoad: number[] = []
  for (let round = 1; round <= Number(values.rounds); round++) {
    const line: string[] = []
    for (const variant of round % 2 === 1 ? variants : [...variants].reverse()) {
      const ours = () => cpuMicros(variant.server.pid) + cpuMicros(stub.pid) + ownAndReapedMicros()
      const logSize = async () => (await stat(variant.server.logFile!)).size
      const [machineBefore, oursBefore, cpuBefore, logBefore] = [machineBusyMicros(), ours(), cpuMicros(variant.server.pid), await logSize()]
      const result = await wrk(variant.load, dir, Number(values.seconds))
      if (result.errors > 0 || result.non2xx > 0) throw new Error(`${variant.name}: ${result.non2xx} non-2xx, ${result.errors} errors`)
      const cpu = (cpuMicros(variant.server.pid) - cpuBefore) / result.requests
      const other = Math.max(0, (machineBusyMicros() - machineBefore) - (ours() - oursBefore)) / (result.seconds * 1e6)
      otherLoad.push(other)
      variant.cpu.push(cpu)
      variant.rate.push(result.perSecond)
      variant.p99.push(result.p99Ms)
      // Read after the run: an asynchronous writer may still hold the last lines, a few out of thousands.
      variant.logBytes.push((await logSize() - logBefore) / result.requests)
      line.push(`${variant.name} ${cpu.toFixed(1)} us ${result.perSecond.toFixed(0)}/s p99 ${result.p99Ms.toFixed(1)} ms (other ${other.toFixed(2)})`)
    }
    process.stdout.write(`round ${round}: ${line.join(' | ')}\n`)
  }
  const [a, b] = variants as [typeof variants[0], typeof variants[0]]
  const differences = a.cpu.map((cpu, i) => b.cpu[i]! - cpu)
  for (const variant of variants) {
    process.stdout.write(`${variant.name}: median ${median(variant.cpu).toFixed(1)} us CPU/req, ${median(variant.rate).toFixed(0)} req/s, p99 ${median(variant.p99).toFixed(1)} ms, log ${median(variant.logBytes).toFixed(0)} bytes/req, RSS ${memory(variant.server.pid).rssMb.toFixed(0)} MB\n`)
  }
  const rateRatios = a.rate.map((rate, i) => b.rate[i]! / rate)
  process.stdout.write(`b - a: median ${median(differences).toFixed(1)} us CPU/req (${differences.map(d => d.toFixed(0)).join(', ')})\n`)
  process.stdout.write(`other load: median ${median(otherLoad).toFixed(2)} cores (${Math.min(...otherLoad).toFixed(2)}-${Math.max(...otherLoad).toFixed(2)})\n`)
  process.stdout.write(`b / a: median ${median(rateRatios).toFixed(3)}x req/s (${rateRatios.map(r => r.toFixed(2)).join(', ')})\n`)
  for (const variant of variants) await stop(variant.server.child)
} finally {
  killAll()
  await rm(dir, { recursive: true, force: true })
}
