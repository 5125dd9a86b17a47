// CPU per request of the BFF on GET a client, for A/B comparisons on a machine others share: wall-clock
// throughput moves with their load, CPU time per request far less. Runs `rounds` wrk runs on one BFF
// and prints each round's figures; with --profile, also a CPU profile summary.
//   node bench/cpu.ts [--seconds 10] [--rounds 3] [--profile] [--app DIR] [--node-flags='--flag ...'] [--path /api/clients?limit=5] [--log-level warn]
//   node bench/cpu.ts --baseline bare.ts|http-proxy.ts|fastify-route.ts   the same for a baseline (bench/baselines/)
//   node bench/cpu.ts --paced 2000   each round at an evenly paced 2,000 req/s (bench/paced.ts) instead of wrk: latency percentiles
// --app runs another checkout of the app (e.g. `git archive HEAD | tar -x -C /tmp/base` with
// node_modules linked) against the same stub, for a before/after on the same machine state.
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CLIENT_ID } from './fixtures.ts'
import { login, startBaseline, startBff, writeUsersFile } from './lib/bff.ts'
import { startStub } from './lib/nginx.ts'
import { cpuMicros, killAll, machineBusyMicros, memory, ownAndReapedMicros, start, stop, which } from './lib/processes.ts'
import { wrk, type Load } from './lib/wrk.ts'
import { summarise } from './lib/cpuprofile.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    app: { type: 'string' },
    baseline: { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    path: { type: 'string', default: `/api/clients/${CLIENT_ID}` },
    'log-level': { type: 'string', default: 'info' },
    paced: { type: 'string' },
    out: { type: 'string' }
  }
})
const seconds = Number(values.seconds)
const nodeFlags = values['node-flags'].split(/\s+/).filter(flag => flag !== '')

/** CPU time so far of each kind of thread of a process (main, V8 workers, libuv pool...), by thread name. */
function threadMicros (pid: number): Map<string, number> {
  const byName = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '')
      byName.set(name, (byName.get(name) ?? 0) + cpuMicros(`${pid}/task/${tid}`))
    } catch {}
  }
  return byName
}

/** One round of bench/paced.ts against the load's URL: its percentiles, as one line. */
async function pacedRound (load: Load, rate: number): Promise<string> {
  const options = { url: load.url, method: load.method, headers: load.headers, rate, seconds, warmupSeconds: 1, connections: 64 }
  const run = start(process.execPath, [new URL('paced.ts', import.meta.url).pathname, JSON.stringify(options)], { env: { PATH: process.env.PATH } })
  const code = await new Promise<number | null>(resolve => run.child.once('exit', resolve))
  const line = run.output().trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !line.startsWith('{')) throw new Error(`paced client failed (exit ${code}): ${run.output()}`)
  const result = JSON.parse(line) as Record<string, number>
  return ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'lagP99Ms'].map(name => `${name} ${result[name]!.toFixed(2)}`).join(', ') +
    `, errors ${result.errors! + result.non2xx!}`
}

const nginx = which('nginx') ?? '/usr/sbin/nginx'
const dir = await mkdtemp(join(tmpdir(), 'bff-cpu-'))
try {
  const usersFile = await writeUsersFile(dir)
  const stub = await startStub(nginx, dir)
  const profileDir = join(dir, 'profile')
  await mkdir(profileDir)
  const profileFlags = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'] : []
  const bff = values.baseline === undefined
    ? await startBff(dir, stub.origin, usersFile, { nodeArgs: [...nodeFlags, ...profileFlags], appDir: values.app, logLevel: values['log-level'] })
    : await startBaseline(values.baseline, stub.origin, [...nodeFlags, ...profileFlags])
  process.stdout.write(`server pid ${bff.pid}\n`)
  const headers: Record<string, string> = values.baseline === undefined ? { cookie: (await login(bff.url)).cookie } : {}
  const load: Load = { name: 'cpu', url: `${bff.url}${values.path}`, method: 'GET', headers }
  const probe = await fetch(load.url, { headers: load.headers })
  if (probe.status !== 200) throw new Error(`${load.url} answered ${probe.status}: ${await probe.text()}`)
  await probe.arrayBuffer()
  await wrk(load, dir, 5)
  for (let round = 1; values.paced !== undefined && round <= Number(values.rounds); round++) {
    const cpuBefore = cpuMicros(bff.pid)
    const percentiles = await pacedRound(load, Number(values.paced))
    const cpuUs = (cpuMicros(bff.pid) - cpuBefore) / (Number(values.paced) * (seconds + 1))
    process.stdout.write(`paced round ${round} at ${values.paced}/s: ${percentiles}, ${cpuUs.toFixed(1)} us CPU/req, RSS ${memory(bff.pid).rssMb.toFixed(0)} MB\n`)
  }
  for (let round = 1; values.paced === undefined && round <= Number(values.rounds); round++) {
    const ours = () => cpuMicros(bff.pid) + cpuMicros(stub.pid) + ownAndReapedMicros()
    const [machineBefore, oursBefore, cpuBefore, threadsBefore] = [machineBusyMicros(), ours(), cpuMicros(bff.pid), threadMicros(bff.pid)]
    const result = await wrk(load, dir, seconds)
    const cpuUs = (cpuMicros(bff.pid) - cpuBefore) / result.requests
    const otherCores = Math.max(0, (machineBusyMicros() - machineBefore) - (ours() - oursBefore)) / (result.seconds * 1e6)
    const { rssMb } = memory(bff.pid)
    if (result.errors > 0 || result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`)
    const threads = [...threadMicros(bff.pid)].map(([name, micros]) => `${name} ${((micros - (threadsBefore.get(name) ?? 0)) / result.requests).toFixed(1)}`).join(', ')
    process.stdout.write(`round ${round}: ${result.perSecond.toFixed(0)} req/s, ${cpuUs.toFixed(1)} us CPU/req (by thread: ${threads}), p99 ${result.p99Ms.toFixed(2)} ms, RSS ${rssMb.toFixed(0)} MB, other load ${otherCores.toFixed(2)} cores\n`)
  }
  await stop(bff.child, 20_000)
  if (values.profile) {
    const file = (await readdir(profileDir)).find(name => name.endsWith('.cpuprofile'))
    if (file === undefined) throw new Error('no profile written')
    const { markdown } = summarise(JSON.parse(await readFile(join(profileDir, file), 'utf8')), 40)
    if (values.out === undefined) process.stdout.write(`${markdown}\n`)
    else await writeFile(values.out, markdown)
  }
} finally {
  killAll()
  await rm(dir, { recursive: true, force: true })
}
