// The servers under test, as the bench starts them: the BFF as it runs in production (in front of the
// nginx stub, an admin in a users file), and the baselines on the same stub.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { stripTypeScriptTypes } from 'node:module'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import { SERVICE_ID, SERVICE_TOKEN } from '../fixtures.ts'
import { freePort, start, waitForHttp, type Started } from './processes.ts'

export interface Server extends Started { url: string, logFile?: string }

const repo = new URL('../..', import.meta.url).pathname
const USERNAME = 'bench-admin'
const PASSWORD = 'bench-password-9d2e71c4'
const SESSION_SECRET = 'bench-session-secret-0123456789abcdef0123456789'

/**
 * How `npm run start:dist` runs the built server (package.json), which is how the image runs it: its
 * environment assignments (allocator settings), the Node flags before the script (heap sizing) and
 * the script.
 */
export function productionLaunch (): { env: Record<string, string>, nodeArgs: string[], script: string } {
  const start = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:dist']!.split(/\s+/)
  const node = start.indexOf('node')
  return {
    env: Object.fromEntries(start.slice(0, node).map(pair => pair.split('=', 2) as [string, string])),
    nodeArgs: start.slice(node + 1).filter(arg => arg.startsWith('--')),
    script: start.at(-1)!
  }
}

const built = new Set<string>()

/**
 * `npm run build` in an app checkout, once per bench process, so the bench measures what the image
 * runs. A checkout from before the build step has none: its sources run as they are.
 */
function builtServer (appDir: string, script: string): string {
  if (!existsSync(join(appDir, 'tsconfig.build.json'))) return 'src/server.ts'
  if (!built.has(appDir)) {
    execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: appDir, stdio: 'inherit' })
    built.add(appDir)
  }
  return script
}

/**
 * The heap-statistics preload as plain JavaScript: a `.ts` preload would switch on Node's type
 * stripping in the measured process, memory the built server does not otherwise pay.
 */
async function heapStatsPreload (dir: string): Promise<string> {
  const file = join(dir, 'heap-stats.mjs')
  await writeFile(file, stripTypeScriptTypes(await readFile(join(repo, 'bench', 'lib', 'heap-stats.ts'), 'utf8')))
  return file
}

export interface BffOptions {
  /** Node flags before the script, after those of `npm start` (profiler; a later flag wins). */
  nodeArgs?: string[]
  logLevel?: string
  /** Extra environment variables (they win over the bench's). */
  env?: Record<string, string>
  /** Another checkout of the app to run (an A/B comparison); this one by default. */
  appDir?: string
  /** Two servers in one directory need their own log and heap-statistics files. */
  logName?: string
}

export async function startBff (dir: string, stubOrigin: string, usersFile: string, options: BffOptions = {}): Promise<Server> {
  const port = await freePort()
  const logFile = join(dir, options.logName ?? 'bff.log')
  const production = productionLaunch()
  const appDir = options.appDir ?? repo
  const script = builtServer(appDir, production.script)
  const started = start(process.execPath, [...production.nodeArgs, ...options.nodeArgs ?? [], '--import', await heapStatsPreload(dir), script], {
    cwd: appDir,
    logFile,
    env: {
      PATH: process.env.PATH,
      BENCH_HEAP_STATS_FILE: join(dir, options.logName === undefined ? 'heap-stats.json' : `${options.logName}.heap-stats.json`),
      NODE_ENV: 'production',
      LOG_LEVEL: options.logLevel ?? 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      AUTHLETE_BASE_URL: stubOrigin,
      AUTHLETE_API_VERSION: 'v3',
      AUTHLETE_SERVICE_ID: SERVICE_ID,
      AUTHLETE_SERVICE_ACCESS_TOKEN: SERVICE_TOKEN,
      SESSION_SECRET,
      // Production needs /metrics guarded (the bench does not scrape it).
      METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef',
      BFF_USERS_FILE: usersFile,
      AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`,
      // The bench measures the proxy, not the limiter.
      RATE_LIMIT_READ: '1000000/1m',
      RATE_LIMIT_WRITE: '1000000/1m',
      RATE_LIMIT_SECRET: '1000000/1m',
      ...production.env,
      ...options.env
    }
  })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/healthz`, started, 30_000)
  } catch (error) {
    const output = await readFile(logFile, 'utf8').catch(() => '')
    throw new Error(`${(error as Error).message}\n${output.slice(-4000)}`)
  }
  return { ...started, url, logFile }
}

/** A baseline server; with `logFile`, its output (request logs, if its env turns them on) goes there. */
export async function startBaseline (script: string, stubOrigin: string, nodeArgs: string[] = [], options: { env?: Record<string, string>, logFile?: string } = {}): Promise<Server> {
  const port = await freePort()
  const started = start(process.execPath, [...nodeArgs, join(repo, 'bench', 'baselines', script)], {
    cwd: repo,
    logFile: options.logFile,
    env: {
      ...options.env,
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      UPSTREAM_ORIGIN: stubOrigin,
      AUTHLETE_SERVICE_ID: SERVICE_ID,
      AUTHLETE_SERVICE_ACCESS_TOKEN: SERVICE_TOKEN
    }
  })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/`, started)
  return { ...started, url, logFile: options.logFile }
}

export async function writeUsersFile (dir: string): Promise<string> {
  const file = join(dir, 'users.json')
  await writeFile(file, JSON.stringify([{ username: USERNAME, passwordHash: await hashPassword(PASSWORD), roles: ['admin'], teams: ['acme'] }]))
  return file
}

// teams: ['acme'] is the fixture client's developer (bench/fixtures.ts); roles mode ignores it.
export async function login (bffUrl: string): Promise<{ cookie: string, csrfToken: string }> {
  const response = await fetch(`${bffUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD })
  })
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`)
  const cookie = response.headers.getSetCookie().map(value => value.split(';')[0]!).join('; ')
  const { csrfToken } = await response.json() as { csrfToken: string }
  if (cookie === '' || typeof csrfToken !== 'string') throw new Error('login gave no session cookie or CSRF token')
  return { cookie, csrfToken }
}
