// npm run bench: the BFF (production mode, info logs to a file) in front of an nginx stub of Authlete,
// against two baselines on the same stub, @fastify/http-proxy and a bare node:http + undici
// pass-through. Throughput and latency with wrk (-c 32 -t 2), CPU per request and RSS from /proc,
// added latency at an evenly paced 2,000 req/s (bench/paced.ts). Writes bench/results/bench.md.
//   npm run bench -- --profile   CPU profile of the BFF under GET-client load: bench/results/profile.md
//   npm run bench -- --quick     short runs, to check the harness (numbers not meaningful)
// Loopback only, every phase bounded in time, every child process killed at the end.
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLIENT_ID, CLIENT_JSON, SERVICE_ID, SERVICE_TOKEN } from './fixtures.ts'
import { login, productionLaunch, startBaseline as startBaselineProcess, startBff as startBffProcess, writeUsersFile, type Server } from './lib/bff.ts'
import { startStub } from './lib/nginx.ts'
import { cpuMicros, killAll, machineBusyMicros, memory, ownAndReapedMicros, start, stop, which, type Started } from './lib/processes.ts'
import { wrk, type Load, type WrkResult } from './lib/wrk.ts'
import { summarise } from './lib/cpuprofile.ts'
import { startPostgres } from '../test/helpers/postgres.ts'
import type { Test } from 'tap'

const args = new Set(process.argv.slice(2))
const QUICK = args.has('--quick')
const PROFILE = args.has('--profile')
const WARMUP_S = QUICK ? 2 : 5
const RUN_S = QUICK ? 3 : 15
const PACED_S = QUICK ? 3 : 10
// Tail latency on a VM varies from run to run: each fixed-rate figure is the median of this many rounds.
const PACED_ROUNDS = QUICK ? 1 : 3
// The added-p99 target: rounds of (direct, bare pass-through, BFF), the median of the per-round difference.
const ADDED_P99_ROUNDS = QUICK ? 1 : 5
const SOAK_S = QUICK ? 5 : 60
const PROFILE_S = QUICK ? 5 : 20
const CONNECTIONS = 32
const THREADS = 2
const RATE = 2000
const PATCH_RATE = 500
const PACED_CONNECTIONS = 64
// Extra Node flags for every server under test (BFF and baselines alike), e.g. BENCH_NODE_OPTIONS='--max-semi-space-size=16'.
const NODE_FLAGS = (process.env.BENCH_NODE_OPTIONS ?? '').split(/\s+/).filter(flag => flag !== '')
// The BFF's LOG_LEVEL (info unless told): BENCH_BFF_LOG_LEVEL=warn measures what the request logs cost.
const BFF_LOG_LEVEL = process.env.BENCH_BFF_LOG_LEVEL ?? 'info'
// A variant run (other Node flags or log level) writes its own file and leaves bench.md alone.
const REPORT = NODE_FLAGS.length > 0 || BFF_LOG_LEVEL !== 'info' ? 'bench.variant.md' : 'bench.md'
// @fastify/http-proxy's logger: off unless told (BENCH_PROXY_LOG_LEVEL=info: Fastify's request logs, to a file).
const PROXY_LOG_LEVEL = process.env.BENCH_PROXY_LOG_LEVEL

const repo = new URL('..', import.meta.url).pathname
const resultsDir = join(repo, 'bench', 'results')

function log (message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

function checkTools (): string {
  const major = Number(process.versions.node.split('.')[0])
  const problems: string[] = []
  if (major < 24) problems.push(`Node ${process.version}: Node 24 is needed (export PATH=$PWD/node_modules/.bin:$PATH)`)
  const nginx = which('nginx') ?? ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(path => which(path) !== undefined)
  if (nginx === undefined) problems.push('nginx is not installed (Debian/Ubuntu: apt-get install -y nginx-light or nginx)')
  if (which('wrk') === undefined) problems.push('wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)')
  if (problems.length > 0) {
    process.stderr.write(`npm run bench cannot run:\n  - ${problems.join('\n  - ')}\nInstall both with: sudo apt-get install -y nginx wrk\n`)
    process.exit(1)
  }
  return nginx!
}

function productionCommand (): string {
  const { env, nodeArgs, script } = productionLaunch()
  return [...Object.entries(env).map(([name, value]) => `${name}=${value}`), 'node', ...nodeArgs, script].join(' ')
}

// ---- the processes under test (bench/lib/bff.ts), with this run's Node flags and log level ----

const startBff = (dir: string, stubOrigin: string, usersFile: string, nodeArgs: string[] = []) =>
  startBffProcess(dir, stubOrigin, usersFile, { nodeArgs: [...NODE_FLAGS, ...nodeArgs], logLevel: BFF_LOG_LEVEL })
const startBaseline = (script: string, stubOrigin: string, options?: Parameters<typeof startBaselineProcess>[3]) => startBaselineProcess(script, stubOrigin, NODE_FLAGS, options)

/** One request of the load, checked: the load must measure 200s, not errors. */
async function probe (load: Load): Promise<void> {
  const response = await fetch(load.url, { method: load.method, headers: load.headers, body: load.body })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${load.name}: ${load.method} ${load.url} answered ${response.status}: ${text.slice(0, 500)}`)
  JSON.parse(text)
}

// ---- measurements ----

interface Throughput extends WrkResult { cpuUsPerRequest: number, rssMb: number, peakMb: number, logBytesPerRequest?: number, otherCores: number }

// The processes of the bench that are running (their CPU is not "other load").
const live = new Set<Started>()
function liveMicros (): number {
  let total = 0
  for (const running of live) {
    try { total += cpuMicros(running.pid) } catch {}
  }
  return total
}

/** CPU the bench does not account for (other processes on the machine), in cores, over a run. */
function backgroundMeter (): () => number {
  const ours = () => ownAndReapedMicros() + liveMicros()
  const machineBefore = machineBusyMicros()
  const oursBefore = ours()
  const started = performance.now()
  return () => Math.max(0, (machineBusyMicros() - machineBefore) - (ours() - oursBefore)) / ((performance.now() - started) * 1000)
}

/**
 * On a shared machine, waits (at most `maxSeconds`) until other processes use less than 0.25 of a core
 * over 2 s, so that a measurement does not start in the middle of someone's test run.
 */
async function waitForQuiet (label: string, maxSeconds = QUICK ? 5 : 90): Promise<void> {
  const deadline = performance.now() + maxSeconds * 1000
  let other = 0
  while (performance.now() < deadline) {
    const meter = backgroundMeter()
    await new Promise(resolve => setTimeout(resolve, 2000))
    other = meter()
    if (other < BUSY_CORES) return
  }
  log(`${label}: the machine stays busy (other processes use ${other.toFixed(2)} cores); measuring anyway`)
}

const BUSY_CORES = 0.25
const ATTEMPTS = 3

/** Runs a measurement on a quiet machine: waits for quiet first, and redoes a run that other processes disturbed. */
async function onQuietMachine<T extends { otherCores: number }> (label: string, measure: () => Promise<T>): Promise<T> {
  let result: T | undefined
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    await waitForQuiet(label)
    result = await measure()
    if (result.otherCores < BUSY_CORES) return result
    if (attempt < ATTEMPTS) log(`${label}: other processes used ${result.otherCores.toFixed(2)} cores during the run; measuring again`)
  }
  return result!
}

async function throughput (load: Load, server: Started, dir: string, seconds = RUN_S, logFile?: string): Promise<Throughput> {
  return await onQuietMachine(load.name, () => throughputOnce(load, server, dir, seconds, logFile))
}

async function throughputOnce (load: Load, server: Started, dir: string, seconds: number, logFile?: string): Promise<Throughput> {
  const logBefore = logFile === undefined ? 0 : (await stat(logFile)).size
  const cpuBefore = cpuMicros(server.pid)
  const background = backgroundMeter()
  const result = await wrk(load, dir, seconds, CONNECTIONS, THREADS)
  const otherCores = background()
  const cpuAfter = cpuMicros(server.pid)
  const logAfter = logFile === undefined ? 0 : (await stat(logFile)).size
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${load.name}: ${result.non2xx} answers were not 2xx and ${result.errors} requests failed, out of ${result.requests}`)
  }
  const { rssMb, peakMb } = memory(server.pid)
  const measured = {
    ...result,
    cpuUsPerRequest: (cpuAfter - cpuBefore) / result.requests,
    rssMb,
    peakMb,
    logBytesPerRequest: logFile === undefined ? undefined : (logAfter - logBefore) / result.requests,
    otherCores
  }
  log(`${load.name}: ${measured.perSecond.toFixed(0)} req/s, p50 ${measured.p50Ms.toFixed(2)} ms, p99 ${measured.p99Ms.toFixed(2)} ms, ` +
    `${measured.cpuUsPerRequest.toFixed(0)} us CPU/req, RSS ${rssMb.toFixed(0)} MB (peak ${peakMb.toFixed(0)}), other load ${otherCores.toFixed(2)} cores`)
  // The BFF's log grows by a few hundred MB a minute under load: keep the disk use bounded. The file
  // is open in append mode, so the server keeps writing at the new end.
  if (logFile !== undefined) await truncate(logFile, 0)
  return measured
}

interface Paced { otherCores: number, p99Rounds?: number[], rate: number, achievedRate: number, requests: number, errors: number, non2xx: number, unfinished: number, p50Ms: number, p90Ms: number, p99Ms: number, p999Ms: number, maxMs: number, lagP99Ms: number }

async function paced (load: Load, rate: number): Promise<Paced> {
  return await onQuietMachine(`${load.name} paced`, () => pacedOnce(load, rate))
}

/** The target at a fixed rate, right after nginx direct at the same rate: both see the same machine. */
async function pacedAgainst (load: Load, reference: Load, rate: number): Promise<{ paced: Paced, reference: Paced }> {
  const directRounds: Paced[] = []
  const targetRounds: Paced[] = []
  for (let round = 0; round < PACED_ROUNDS; round++) {
    directRounds.push(await paced(reference, rate))
    targetRounds.push(await paced(load, rate))
  }
  return { paced: medianOf(targetRounds), reference: medianOf(directRounds) }
}

interface AddedP99 { bff: Paced, bare: Paced, direct: Paced, addedBff: number[], addedBare: number[], difference: number }

/**
 * The added-p99 rule: rounds of nginx direct, the bare pass-through and the BFF at the same rate, one
 * after the other; in each round the BFF's added p99 minus the bare one's (the machine's jitter of
 * that moment cancels out); the median of those differences.
 */
async function addedP99Rounds (direct: Load, bare: Load, bff: Load, rate: number): Promise<AddedP99> {
  const rounds = { direct: [] as Paced[], bare: [] as Paced[], bff: [] as Paced[] }
  for (let round = 0; round < ADDED_P99_ROUNDS; round++) {
    rounds.direct.push(await paced(direct, rate))
    rounds.bare.push(await paced(bare, rate))
    rounds.bff.push(await paced(bff, rate))
  }
  const addedBff = rounds.bff.map((r, i) => r.p99Ms - rounds.direct[i]!.p99Ms)
  const addedBare = rounds.bare.map((r, i) => r.p99Ms - rounds.direct[i]!.p99Ms)
  const differences = addedBff.map((added, i) => added - addedBare[i]!).sort((a, b) => a - b)
  return { bff: medianOf(rounds.bff), bare: medianOf(rounds.bare), direct: medianOf(rounds.direct), addedBff, addedBare, difference: differences[Math.floor(differences.length / 2)]! }
}

/** Each figure the median over rounds (counts summed, other load the worst); p99Rounds keeps every round's p99. */
function medianOf (rounds: Paced[]): Paced {
  const median = (pick: (round: Paced) => number) => {
    const values = rounds.map(pick).sort((a, b) => a - b)
    return values[Math.floor(values.length / 2)]!
  }
  const sum = (pick: (round: Paced) => number) => rounds.reduce((total, round) => total + pick(round), 0)
  return {
    rate: rounds[0]!.rate,
    achievedRate: median(r => r.achievedRate),
    requests: sum(r => r.requests),
    errors: sum(r => r.errors),
    non2xx: sum(r => r.non2xx),
    unfinished: sum(r => r.unfinished),
    p50Ms: median(r => r.p50Ms),
    p90Ms: median(r => r.p90Ms),
    p99Ms: median(r => r.p99Ms),
    p999Ms: median(r => r.p999Ms),
    maxMs: median(r => r.maxMs),
    lagP99Ms: median(r => r.lagP99Ms),
    otherCores: Math.max(...rounds.map(r => r.otherCores)),
    p99Rounds: rounds.map(r => r.p99Ms)
  }
}

async function pacedOnce (load: Load, rate: number): Promise<Paced> {
  const background = backgroundMeter()
  const options = { url: load.url, method: load.method, headers: load.headers, body: load.body, rate, seconds: PACED_S, warmupSeconds: 1, connections: PACED_CONNECTIONS }
  const run = start(process.execPath, [join(repo, 'bench', 'paced.ts'), JSON.stringify(options)], { cwd: repo, env: { PATH: process.env.PATH } })
  const timer = setTimeout(() => run.child.kill('SIGKILL'), (PACED_S + 40) * 1000)
  const code = await new Promise<number | null>(resolve => run.child.once('exit', resolve))
  clearTimeout(timer)
  const line = run.output().trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !line.startsWith('{')) throw new Error(`paced client failed on ${load.name} (exit ${code}): ${run.output()}`)
  const result = { ...JSON.parse(line) as Paced, otherCores: background() }
  if (result.errors > 0 || result.non2xx > 0 || result.unfinished > 0) {
    throw new Error(`${load.name} at ${rate}/s: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.unfinished} unfinished`)
  }
  log(`${load.name} paced at ${rate}/s (sent ${result.achievedRate.toFixed(0)}/s): p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
    `p99.9 ${result.p999Ms.toFixed(2)} ms, client lag p99 ${result.lagP99Ms.toFixed(2)} ms, other load ${result.otherCores.toFixed(2)} cores`)
  return result
}

async function warmUp (load: Load, dir: string, logFile?: string): Promise<void> {
  await probe(load)
  await waitForQuiet(`${load.name} warm-up`)
  await wrk(load, dir, WARMUP_S, CONNECTIONS, THREADS)
  if (logFile !== undefined) await truncate(logFile, 0)
}

interface HeapStats { rssMb: number, heapTotalMb: number, heapUsedMb: number, externalMb: number, heapLimitMb: number, spaces: Record<string, { sizeMb: number, usedMb: number }> }

/** The BFF's own memory breakdown (bench/lib/heap-stats.ts, on SIGUSR2). */
async function heapStats (server: Started, dir: string): Promise<HeapStats | undefined> {
  const file = join(dir, 'heap-stats.json')
  await rm(file, { force: true })
  process.kill(server.pid, 'SIGUSR2')
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    const text = await readFile(file, 'utf8').catch(() => '')
    if (text !== '') return JSON.parse(text) as HeapStats
  }
  return undefined
}

function describeHeap (label: string, heap: HeapStats | undefined): string {
  if (heap === undefined) return `${label}: no heap statistics`
  const space = (name: string) => {
    const s = heap.spaces[name]
    return s === undefined ? 'n/a' : `${s.sizeMb.toFixed(0)} MB (${s.usedMb.toFixed(0)} used)`
  }
  return `${label}: RSS ${heap.rssMb.toFixed(0)} MB = V8 heap ${heap.heapTotalMb.toFixed(0)} MB ` +
    `(new space ${space('new_space')}, old space ${space('old_space')}, code ${space('code_space')}, large objects ${space('large_object_space')}; ` +
    `${heap.heapUsedMb.toFixed(0)} MB used; heap limit ${heap.heapLimitMb.toFixed(0)} MB) + external ${heap.externalMb.toFixed(0)} MB + the rest (Node binary, libraries, stacks, malloc)`
}

// ---- the report ----

interface Row { name: string, process: string, t: Throughput, paced?: Paced, reference?: Paced, note?: string }

const f0 = (n: number) => Number.isFinite(n) ? n.toFixed(0) : 'n/a'
const f2 = (n: number) => Number.isFinite(n) ? n.toFixed(2) : 'n/a'

function machine (): string[] {
  // Some tools print their version on stderr, or exit 1 after printing it.
  const tool = (command: string, flags: string[]) => {
    try {
      return execFileSync('sh', ['-c', `${command} ${flags.join(' ')} 2>&1 || true`], { encoding: 'utf8' }).trim().split('\n')[0] ?? '?'
    } catch {
      return '?'
    }
  }
  return [
    `- date: ${new Date().toISOString()}`,
    `- nproc: ${tool('nproc', [])}; CPU: ${cpus()[0]?.model ?? '?'}; RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; kernel ${tool('uname', ['-r'])}`,
    `- Node ${process.version}; ${tool('nginx', ['-v'])}; ${tool('wrk', ['-v']).replace(/ \[.*$/, '')}`
  ]
}

// ---- the full run ----

function lockLoad (url: string, cookie: string, csrfToken: string): Load {
  return {
    name: 'BFF lock client',
    url: `${url}/api/clients/${CLIENT_ID}/lock`,
    method: 'PUT',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: '{"locked":true}'
  }
}

/** An audited write: throughput, then paced at PATCH_RATE against Authlete's own update call. */
async function writeRow (label: string, load: Load, server: Server, dir: string, reference: Load): Promise<Row> {
  log(`BFF ${label}`)
  await warmUp(load, dir, server.logFile)
  const t = await throughput(load, server, dir, RUN_S, server.logFile)
  await probe(reference)
  const measured = await pacedAgainst(load, reference, PATCH_RATE)
  return { name: `BFF: ${load.method} ${new URL(load.url).pathname.replace(CLIENT_ID, ':id')} (${label})`, process: 'BFF', t, paced: measured.paced, reference: measured.reference, note: `paced at ${PATCH_RATE}/s vs direct POST at ${PATCH_RATE}/s` }
}

async function benchmark (nginx: string, dir: string): Promise<void> {
  const usersFile = await writeUsersFile(dir)
  const stub = await startStub(nginx, dir)
  live.add(stub)
  log(`nginx stub on ${stub.origin} (pid ${stub.pid})`)
  const bff = await startBff(dir, stub.origin, usersFile)
  live.add(bff)
  log(`BFF on ${bff.url} (pid ${bff.pid}), logs in ${bff.logFile}`)
  const { cookie, csrfToken } = await login(bff.url)
  const idleHeap = await heapStats(bff, dir)

  const upstreamHeaders = { authorization: `Bearer ${SERVICE_TOKEN}`, accept: 'application/json' }
  const direct: Load = { name: 'nginx direct GET', url: `${stub.origin}/api/${SERVICE_ID}/client/get/${CLIENT_ID}`, method: 'GET', headers: upstreamHeaders }
  const directPost: Load = {
    name: 'nginx direct POST update',
    url: `${stub.origin}/api/${SERVICE_ID}/client/update/${CLIENT_ID}`,
    method: 'POST',
    headers: { ...upstreamHeaders, 'content-type': 'application/json' },
    body: CLIENT_JSON
  }
  const bffGet: Load = { name: 'BFF GET client', url: `${bff.url}/api/clients/${CLIENT_ID}`, method: 'GET', headers: { cookie } }
  const bffList: Load = { name: 'BFF list clients', url: `${bff.url}/api/clients?limit=5`, method: 'GET', headers: { cookie } }
  const bffPatch: Load = {
    name: 'BFF PATCH client',
    url: `${bff.url}/api/clients/${CLIENT_ID}`,
    method: 'PATCH',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/merge-patch+json' },
    body: '{"description":"bench"}'
  }

  const rows: Row[] = []

  log('nginx direct (reference)')
  await warmUp(direct, dir)
  const directT = await throughput(direct, stub, dir)
  const directPaced = await paced(direct, RATE)
  await probe(directPost)
  rows.push({ name: 'nginx direct: GET client (reference)', process: 'nginx', t: directT, paced: directPaced, reference: directPaced })

  log('BFF GET client: 3 runs, paced, then a minute of load')
  await warmUp(bffGet, dir, bff.logFile)
  const getRuns: Throughput[] = []
  const getHeaps: Array<HeapStats | undefined> = []
  for (let run = 0; run < 3; run++) {
    getRuns.push(await throughput(bffGet, bff, dir, RUN_S, bff.logFile))
    getHeaps.push(await heapStats(bff, dir))
  }
  // The bare pass-through runs beside the BFF for the added-p99 rounds (and is measured below).
  const bare = await startBaseline('bare.ts', stub.origin)
  live.add(bare)
  const bareGet: Load = { name: 'bare node:http + undici GET', url: `${bare.url}/api/clients/${CLIENT_ID}`, method: 'GET', headers: {} }
  await warmUp(bareGet, dir)
  const added = await addedP99Rounds(direct, bareGet, bffGet, RATE)
  const getPaced = added.bff
  const getReference = added.direct
  const soak = await throughput(bffGet, bff, dir, SOAK_S, bff.logFile)
  const soakHeap = await heapStats(bff, dir)
  getHeaps.push(soakHeap)
  const bestGet = getRuns.reduce((best, run) => run.perSecond > best.perSecond ? run : best)
  const medianGet = [...getRuns].sort((a, b) => a.perSecond - b.perSecond)[1]!
  rows.push({ name: 'BFF: GET /api/clients/:id', process: 'BFF', t: medianGet, paced: getPaced, reference: getReference, note: 'median of 3 runs' })

  log('BFF list clients')
  await warmUp(bffList, dir, bff.logFile)
  const listT = await throughput(bffList, bff, dir, RUN_S, bff.logFile)
  const list = await pacedAgainst(bffList, direct, RATE)
  rows.push({ name: 'BFF: GET /api/clients?limit=5', process: 'BFF', t: listT, paced: list.paced, reference: list.reference, note: '5 clients, ~7.7 KB upstream' })

  log('BFF PATCH client (audited: SQLite intent + outcome, upstream GET + POST)')
  await warmUp(bffPatch, dir, bff.logFile)
  const patchT = await throughput(bffPatch, bff, dir, RUN_S, bff.logFile)
  await probe(directPost)
  const patch = await pacedAgainst(bffPatch, directPost, PATCH_RATE)
  rows.push({ name: 'BFF: PATCH /api/clients/:id', process: 'BFF', t: patchT, paced: patch.paced, reference: patch.reference, note: `paced at ${PATCH_RATE}/s vs direct POST at ${PATCH_RATE}/s` })
  rows.push(await writeRow('lock', lockLoad(bff.url, cookie, csrfToken), bff, dir, directPost))
  const bffPeak = memory(bff.pid).peakMb
  await stop(bff.child)
  live.delete(bff)

  log('BFF PATCH client with the audit trail in PostgreSQL')
  const postgres = await startPostgres(scope)
  const bffPg = await startBffProcess(dir, stub.origin, usersFile, { nodeArgs: NODE_FLAGS, logLevel: BFF_LOG_LEVEL, logName: 'bff-pg.log', env: { AUDIT_STORE: postgres.url } })
  live.add(bffPg)
  const pgSession = await login(bffPg.url)
  const bffPatchPg: Load = { ...bffPatch, name: 'BFF PATCH client (PostgreSQL)', url: `${bffPg.url}/api/clients/${CLIENT_ID}`, headers: { ...bffPatch.headers, cookie: pgSession.cookie, 'x-csrf-token': pgSession.csrfToken } }
  await warmUp(bffPatchPg, dir, bffPg.logFile)
  const patchPgT = await throughput(bffPatchPg, bffPg, dir, RUN_S, bffPg.logFile)
  rows.push({ name: 'BFF: PATCH /api/clients/:id, audit in PostgreSQL', process: 'BFF', t: patchPgT, note: 'PostgreSQL 15 on loopback, fsync on' })
  await stop(bffPg.child)
  live.delete(bffPg)

  // ACCESS_MODEL=teams: the same PATCH (which reads anyway) and lock (one read more) with the team check.
  const teams = await startBffProcess(dir, stub.origin, usersFile, { nodeArgs: NODE_FLAGS, logLevel: BFF_LOG_LEVEL, env: { ACCESS_MODEL: 'teams' }, logName: 'bff-teams.log' })
  live.add(teams)
  const teamsSession = await login(teams.url)
  rows.push(await writeRow('PATCH (teams)', { ...bffPatch, name: 'BFF PATCH client (teams)', url: `${teams.url}/api/clients/${CLIENT_ID}`, headers: { ...bffPatch.headers, cookie: teamsSession.cookie, 'x-csrf-token': teamsSession.csrfToken } }, teams, dir, directPost))
  rows.push(await writeRow('lock (teams)', lockLoad(teams.url, teamsSession.cookie, teamsSession.csrfToken), teams, dir, directPost))
  await stop(teams.child)
  live.delete(teams)

  const baselines: Record<string, Throughput> = {}
  const baselineRuns: Array<{ label: string, script: string, note: string, env?: Record<string, string>, logged: boolean }> = [
    { label: '@fastify/http-proxy', script: 'http-proxy.ts', note: PROXY_LOG_LEVEL === undefined ? 'logger off' : `logger at ${PROXY_LOG_LEVEL}, to a file`, env: PROXY_LOG_LEVEL === undefined ? undefined : { BENCH_PROXY_LOG_LEVEL: PROXY_LOG_LEVEL }, logged: PROXY_LOG_LEVEL !== undefined },
    { label: 'Fastify route + undici + request logs', script: 'fastify-route.ts', note: 'Fastify\'s default request logging (info) to a file', env: { BENCH_ROUTE_LOG_LEVEL: 'info' }, logged: true },
    { label: 'bare node:http + undici', script: 'bare.ts', note: 'no parsing, no logs', logged: false }
  ]
  for (const { label, script, note, env, logged } of baselineRuns) {
    log(`baseline ${label}`)
    const server = script === 'bare.ts' ? bare : await startBaseline(script, stub.origin, { env, logFile: logged ? join(dir, `${script}.log`) : undefined })
    live.add(server)
    const load: Load = { name: `${label} GET`, url: `${server.url}/api/clients/${CLIENT_ID}`, method: 'GET', headers: {} }
    await warmUp(load, dir, server.logFile)
    const t = await throughput(load, server, dir, RUN_S, server.logFile)
    baselines[label] = t
    const row: Row = { name: `baseline ${label}: GET client`, process: label, t, note }
    if (script === 'bare.ts') Object.assign(row, { paced: added.bare, reference: added.direct })
    rows.push(row)
    await stop(server.child)
    live.delete(server)
  }

  // ---- targets ----
  const proxy = baselines['@fastify/http-proxy']!
  const route = baselines['Fastify route + undici + request logs']!
  const ratio = (baseline: Throughput) => `${(medianGet.perSecond / baseline.perSecond).toFixed(2)}x (${f0(medianGet.perSecond)} vs ${f0(baseline.perSecond)} req/s)`
  const roundsText = (values: number[]) => values.map(f2).join(', ')
  const rssGrowth = getRuns[2]!.rssMb - getRuns[0]!.rssMb
  const growthLimit = Math.max(5, getRuns[0]!.rssMb * 0.05)
  const targets: Array<[string, string, string, boolean]> = [
    ['throughput vs Fastify route + undici + request logs', '>= 0.95x', ratio(route), medianGet.perSecond >= 0.95 * route.perSecond],
    [`throughput vs @fastify/http-proxy (${PROXY_LOG_LEVEL === undefined ? 'logger off: set BENCH_PROXY_LOG_LEVEL=info for the target' : `logger at ${PROXY_LOG_LEVEL}`})`, '>= 0.95x', ratio(proxy), medianGet.perSecond >= 0.95 * proxy.perSecond],
    [`added p99 at ${RATE} req/s vs the bare pass-through's, same rounds`, '<= +1 ms (median of the per-round differences)',
      `${f2(added.difference)} ms (${ADDED_P99_ROUNDS} rounds; BFF added ${roundsText(added.addedBff)} ms, bare added ${roundsText(added.addedBare)} ms)`, added.difference <= 1],
    [`RSS after ${SOAK_S} s of load`, '< 150 MB', `${f0(soak.rssMb)} MB (peak ${f0(soak.peakMb)} MB)`, soak.rssMb < 150],
    ['RSS growth across 3 runs', `< ${f0(growthLimit)} MB (5%, at least 5 MB)`, `${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MB (${getRuns.map(run => f0(run.rssMb)).join(' / ')} MB; V8 old space used ${getHeaps.slice(0, 3).map(heap => f0(heap?.spaces.old_space?.usedMb ?? NaN)).join(' / ')} MB)`, rssGrowth < growthLimit]
  ]

  const report = [
    '# authlete-bff benchmark (`npm run bench`)',
    '',
    ...machine(),
    `- load: wrk -c ${CONNECTIONS} -t ${THREADS} -d ${RUN_S}s after a ${WARMUP_S} s warm-up of the same request; latency at a fixed rate: ` +
      `bench/paced.ts, open loop, evenly paced (every millisecond), ${PACED_ROUNDS} x ${PACED_S} s after 1 s unrecorded, up to ${PACED_CONNECTIONS} connections`,
    '- upstream: nginx (one process, access log off) answering a fixed 1.5 KB Authlete client (list: 5 clients), same stub for every row',
    `- BFF: built (\`npm run build\`) and run as the image and \`npm run start:dist\` run it (\`${productionCommand()}\`), NODE_ENV=production, LOG_LEVEL=${BFF_LOG_LEVEL} to a file, AUDIT_STORE=sqlite (WAL, synchronous=FULL), session cookie of an admin`,
    '- CPU us/req: utime+stime of the server process (all threads) over the wrk run / completed requests; peak RSS: VmHWM',
    '- other load: CPU used on the machine by processes that are not part of the bench (wrk run / paced run), in cores; above ~0.1 the row was measured on a busy machine',
    QUICK ? '- **--quick: short runs, the numbers are not meaningful**' : '',
    '',
    '## Results',
    '',
    '| target | req/s | p50 ms | p99 ms | CPU us/req | peak RSS MB | log B/req | p99 ms at fixed rate | added p99 ms | other load, cores | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(row => {
      const added = row.paced === undefined || row.reference === undefined || row.paced === row.reference
        ? '-'
        : `${f2(row.paced.p99Ms - row.reference.p99Ms)} (direct ${f2(row.reference.p99Ms)})`
      const rounds = (result: Paced | undefined) => result?.p99Rounds === undefined || result.p99Rounds.length < 2 ? '' : ` (${result.p99Rounds.map(f2).join(', ')})`
      return `| ${row.name} | ${f0(row.t.perSecond)} | ${f2(row.t.p50Ms)} | ${f2(row.t.p99Ms)} | ${f0(row.t.cpuUsPerRequest)} | ${f0(row.t.peakMb)} | ` +
        `${row.t.logBytesPerRequest === undefined ? '-' : f0(row.t.logBytesPerRequest)} | ${row.paced === undefined ? '-' : `${f2(row.paced.p99Ms)} @ ${row.paced.rate}/s${rounds(row.paced)}`} | ${added} | ` +
        `${f2(row.t.otherCores)}${row.paced === undefined ? '' : ` / ${f2(row.paced.otherCores)}`} | ${row.note ?? ''} |`
    }),
    '',
    `Added p99: the row's p99 at the fixed rate minus nginx direct's p99 at the same rate, measured just before it (PATCH: direct POST at ${PATCH_RATE}/s); ` +
      `${PACED_ROUNDS} rounds of direct then target, ${PACED_S} s each, medians (each round's p99 in brackets). ` +
      `BFF peak RSS over all its runs: ${f0(bffPeak)} MB.`,
    '',
    '## Targets: GET a client through the full BFF',
    '',
    '| target | wanted | measured | result |',
    '| --- | --- | --- | --- |',
    ...targets.map(([name, wanted, measured, pass]) => `| ${name} | ${wanted} | ${measured} | ${pass ? 'PASS' : '**FAIL**'} |`),
    '',
    '## BFF GET client, run by run',
    '',
    '| run | seconds | req/s | p50 ms | p99 ms | CPU us/req | RSS after MB | peak RSS MB | V8 new space MB | V8 old space used MB | other load, cores |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[...getRuns, soak].map((run, index) => `| ${index < 3 ? index + 1 : 'soak'} | ${f0(run.seconds)} | ${f0(run.perSecond)} | ${f2(run.p50Ms)} | ${f2(run.p99Ms)} | ${f0(run.cpuUsPerRequest)} | ${f0(run.rssMb)} | ${f0(run.peakMb)} | ` +
      `${f0(getHeaps[index]?.spaces.new_space?.sizeMb ?? NaN)} | ${f0(getHeaps[index]?.spaces.old_space?.usedMb ?? NaN)} | ${f2(run.otherCores)} |`),
    '',
    'V8 grows the young generation (new space) under a high allocation rate, up to a size it derives from the machine\'s memory; ' +
      'RSS that grows with the new space while the old space stays flat is that sizing, not a leak.',
    '',
    'BFF memory (process.memoryUsage and V8 heap spaces, asked by signal):',
    '',
    `- ${describeHeap('after start-up and login, idle', idleHeap)}`,
    `- ${describeHeap(`after the ${SOAK_S} s run`, soakHeap)}`,
    `- BFF launch: \`${productionCommand()}\` (package.json "start:dist", after \`npm run build\`)${NODE_FLAGS.length > 0 ? `; extra Node flags of every server under test: \`${NODE_FLAGS.join(' ')}\`` : '; baselines: plain `node` (V8 sizes their young generation from the machine\'s memory)'}`,
    '',
    `Best of the 3 runs: ${f0(bestGet.perSecond)} req/s. Paced GET through the BFF: p50 ${f2(getPaced.p50Ms)}, p90 ${f2(getPaced.p90Ms)}, p99 ${f2(getPaced.p99Ms)}, ` +
      `p99.9 ${f2(getPaced.p999Ms)} ms (direct just before: ${f2(getReference.p50Ms)}, ${f2(getReference.p90Ms)}, ${f2(getReference.p99Ms)}, ${f2(getReference.p999Ms)} ms).`,
    ''
  ].filter((line, index, all) => line !== '' || all[index - 1] !== '').join('\n')

  const searchIndex = execFileSync(process.execPath, ['--expose-gc', join(repo, 'bench', 'search-index.ts'), ...(QUICK ? ['--quick'] : [])], { cwd: repo, encoding: 'utf8' })
  await mkdir(resultsDir, { recursive: true })
  await writeFile(join(resultsDir, REPORT), `${report}\n${searchIndex}`)
  process.stdout.write(`${report}\n${searchIndex}`)
}

// ---- --profile ----

async function profile (nginx: string, dir: string): Promise<void> {
  const usersFile = await writeUsersFile(dir)
  const stub = await startStub(nginx, dir)
  const profileDir = join(dir, 'profile')
  await mkdir(profileDir, { recursive: true })
  live.add(stub)
  const bff = await startBff(dir, stub.origin, usersFile, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'])
  live.add(bff)
  log(`BFF on ${bff.url} (pid ${bff.pid}) with --cpu-prof`)
  const { cookie } = await login(bff.url)
  const load: Load = { name: 'BFF GET client (profiled)', url: `${bff.url}/api/clients/${CLIENT_ID}`, method: 'GET', headers: { cookie } }
  await warmUp(load, dir, bff.logFile)
  const t = await throughput(load, bff, dir, PROFILE_S, bff.logFile)
  // SIGTERM: the server closes and exits, and Node writes the profile on exit.
  await stop(bff.child, 20_000)
  const file = (await readdir(profileDir)).find(name => name.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`no .cpuprofile written in ${profileDir}`)
  const { markdown } = summarise(JSON.parse(await readFile(join(profileDir, file), 'utf8')))
  await mkdir(resultsDir, { recursive: true })
  await copyFile(join(profileDir, file), join(resultsDir, 'bff-get-client.cpuprofile'))
  const report = [
    '# CPU profile of the BFF: GET a client (`npm run bench -- --profile`)',
    '',
    ...machine(),
    `- \`${productionCommand().replace('node ', 'node --cpu-prof --cpu-prof-interval=250 ')}\` (production, info logs to a file), ${WARMUP_S} s warm-up then wrk -c ${CONNECTIONS} -t ${THREADS} -d ${PROFILE_S}s on GET /api/clients/:id against the nginx stub; the profile covers the whole process (start-up and login included)`,
    `- under the profiler: ${f0(t.perSecond)} req/s, p99 ${f2(t.p99Ms)} ms, ${f0(t.cpuUsPerRequest)} us CPU/req (the profiler costs some of that); other processes used ${f2(t.otherCores)} cores meanwhile`,
    '- raw profile: bench/results/bff-get-client.cpuprofile (open it in Chrome DevTools > Performance, or VS Code)',
    '',
    markdown,
    ''
  ].join('\n')
  await writeFile(join(resultsDir, 'profile.md'), report)
  process.stdout.write(`${report}\n`)
}

// The throwaway PostgreSQL cluster (test/helpers/postgres.ts) is torn down with the rest at the end.
const teardowns: Array<() => unknown> = []
const scope = { teardown: (fn: () => unknown) => { teardowns.push(fn) } } as unknown as Test

const nginx = checkTools()
const dir = await mkdtemp(join(tmpdir(), 'bff-bench-'))
const deadline = setTimeout(() => {
  process.stderr.write('npm run bench: over its time budget (40 min, waits for a quiet machine included), stopping\n')
  killAll()
  process.exit(1)
}, 40 * 60_000)
deadline.unref()
try {
  await (PROFILE ? profile(nginx, dir) : benchmark(nginx, dir))
} catch (error) {
  process.stderr.write(`npm run bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  const bffLog = await readFile(join(dir, 'bff.log'), 'utf8').catch(() => '')
  if (bffLog !== '') process.stderr.write(`last lines of the BFF's log:\n${bffLog.trimEnd().split('\n').slice(-15).join('\n')}\n`)
  process.exitCode = 1
} finally {
  killAll()
  for (const teardown of teardowns.reverse()) await Promise.resolve(teardown()).catch(() => {})
  await rm(dir, { recursive: true, force: true }).catch(() => {})
}
