import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { loadConfig, type Config } from '../../src/config.ts'
import { serverOptions } from '../../src/http/server-options.ts'
import { buildApp } from '../../src/app.ts'
import { PASSWORDS, testUsersFile } from './users.ts'
import { NO_OVERLOAD_GUARD } from './server-process.ts'
import { checkAnswers, prepareDocument } from './authlete-documents.ts'

export interface TestApp {
  app: FastifyInstance
  config: Config
  /** Every log line the app wrote, as text. */
  logs: string[]
  /** What the sandbox admin announcement printed, if anything. */
  announced: string[]
}

export type ApiVersion = 'v2' | 'v3'

// Most tests send many requests as one user; rate limits get their own tests (test/ops/rate-limits.test.ts).
const GENEROUS_BUDGETS = {
  RATE_LIMIT_READ: '1000000/1m',
  RATE_LIMIT_WRITE: '1000000/1m',
  RATE_LIMIT_SECRET: '1000000/1m',
  RATE_LIMIT_LOGIN: '1000000/1m',
  RATE_LIMIT_LOGIN_USER: '1000000/1m',
  RATE_LIMIT_LOGIN_IP: '1000000/1m',
  RATE_LIMIT_ANONYMOUS: '1000000/1m'
}

// Tests count the records of the calls they make; the sign-ins that start their sessions are
// recorded by the server's default (AUDIT_SIGN_INS=true) and tested in test/audit/audit-actions.test.ts.
export const NO_SIGN_IN_RECORDS = { AUDIT_SIGN_INS: 'false' }

export interface TestAppOptions {
  /** Registers more routes beside the app's, before it is ready (a faulty route, say). */
  extend?: (app: FastifyInstance) => void
  /** More pino options on top of the server's own (serializers, say). */
  logger?: Record<string, unknown>
}

/**
 * The app as the server builds it (same Fastify options, same plugin), with logs captured. By default
 * in sandbox mode with a users file holding `viewer`, `editor` and `admin`; a test then fails when the
 * emulator answers anything Authlete's documents would not (test/helpers/authlete-documents.ts).
 */
export async function buildTestApp (t: Test, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  // Before the first await, so that no app of this process is running yet: the seconds it may take
  // would stall its event loop (and its overload check would answer 503). Both generations, as a
  // process may build apps of each.
  const sandbox = env.AUTHLETE_BASE_URL === undefined
  if (sandbox) for (const api of ['v3', 'v2'] as const) prepareDocument(api)
  const auditFile = join(await mkdtemp(join(tmpdir(), 'bff-audit-')), 'audit.db')
  const config = loadConfig({ LOG_LEVEL: 'info', BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: `sqlite:${auditFile}`, API_TOKEN_STORE: `sqlite:${join(dirname(auditFile), 'tokens.db')}`, ...GENEROUS_BUDGETS, ...NO_OVERLOAD_GUARD, ...NO_SIGN_IN_RECORDS, ...env })
  const logs: string[] = []
  const announced: string[] = []
  const fastifyOptions = serverOptions(config)
  fastifyOptions.logger = { ...(fastifyOptions.logger as object), ...options.logger, stream: { write: (line: string) => { logs.push(line) } } }
  const app = Fastify(fastifyOptions)
  // Closed even when start-up fails: its servers and connections would keep the test file running.
  t.teardown(() => app.close())
  await app.register(buildApp(config, { announce: message => { announced.push(message) } }))
  options.extend?.(app)
  await app.ready()
  // In sandbox mode, every answer of the emulator is checked against Authlete's documents.
  if (sandbox) checkAnswers(t, app.sandboxUpstream)
  return { app, config, logs, announced }
}

export interface Login {
  cookie: string
  csrfToken: string
  headers: Record<string, string>
}

export async function login (app: FastifyInstance, role: keyof typeof PASSWORDS): Promise<Login> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: role, password: PASSWORDS[role] } })
  if (response.statusCode !== 200) throw new Error(`login as ${role} failed: ${response.statusCode} ${response.body}`)
  const cookie = sessionCookie(response)
  const csrfToken = response.json().csrfToken as string
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } }
}

/** `name=value` of the session cookie a response set. */
export function sessionCookie (response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie']
  const first = Array.isArray(header) ? header[0] : header
  if (first === undefined) throw new Error('no session cookie set')
  return first.split(';')[0]!
}

export { PASSWORDS }

/** The random part of an API token (`bfft_<24 hex id>_<43 base64url>`); it may itself contain `_`. */
export function tokenSecret (token: string): string {
  return token.slice('bfft_'.length + 24 + 1)
}
