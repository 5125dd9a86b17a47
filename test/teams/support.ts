import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { hashPassword } from '../../src/auth/passwords.ts'
import type { RecordedRequest, SandboxUpstream } from '../../src/sandbox/emulator.ts'
import { buildTestApp, type ApiVersion, type TestApp } from '../helpers/app.ts'
import { MOBILE, PORTAL, REPORTS } from '../clients/support.ts'

// ACCESS_MODEL=teams over the sandbox's seeded teams: acme (PORTAL, MOBILE), globex (REPORTS) and
// initech (two clients seeded in teams mode only).
export { MOBILE, PORTAL, REPORTS }

export const TEAM_USERS = {
  acme: { roles: ['admin'], teams: ['acme'] },
  globex: { roles: ['admin'], teams: ['globex'] },
  both: { roles: ['editor'], teams: ['acme', 'globex'] },
  trio: { roles: ['viewer'], teams: ['acme', 'globex', 'initech'] },
  root: { roles: ['admin'], teams: ['*'] }
} as const

// These tests are about teams, not load shedding: a busy shared machine must not turn them into 503s.
export const NOT_OVERLOAD_TESTS = { MAX_EVENT_LOOP_DELAY_MS: '0' }

export type Caller = keyof typeof TEAM_USERS | 'token'
export const teamPassword = (name: string) => `${name}-team-password-4f1a`

let usersFile: Promise<string> | undefined
export function teamUsersFile (): Promise<string> {
  usersFile ??= (async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bff-team-users-')), 'users.json')
    const users = await Promise.all(Object.entries(TEAM_USERS).map(async ([username, { roles, teams }]) => ({
      username, passwordHash: await hashPassword(teamPassword(username)), roles, teams
    })))
    await writeFile(path, JSON.stringify(users))
    return path
  })()
  return usersFile
}

export interface TeamHarness extends TestApp {
  upstream: SandboxUpstream
  /** One request as `caller` (`token`: both's API token restricted to globex). */
  call: (caller: Caller, method: string, url: string, body?: unknown) => Promise<LightMyRequestResponse>
  mark: () => { sent: () => RecordedRequest[] }
  /** The audit records, newest first, as the `*` admin sees them. */
  audit: (query?: string) => Promise<Array<Record<string, any>>>
  /** The audit records, newest first, as `caller` sees them through GET /api/audit. */
  auditAs: (caller: Caller, query?: string) => Promise<Array<Record<string, any>>>
  /** The record of an answered call, once its outcome is written (a refused read is recorded after its answer). */
  recordOf: (response: LightMyRequestResponse) => Promise<Record<string, any>>
}

// Far above the few milliseconds a record takes to write, even on a busy machine.
const RECORD_DEADLINE_MS = 10_000
const RECORD_POLL_MS = 5

export async function teamHarness (t: Test, version: ApiVersion = 'v3', env: Record<string, string> = {}): Promise<TeamHarness> {
  const built = await buildTestApp(t, { ACCESS_MODEL: 'teams', AUTHLETE_API_VERSION: version, BFF_USERS_FILE: await teamUsersFile(), ...NOT_OVERLOAD_TESTS, ...env })
  const { app } = built
  const headers: Partial<Record<Caller, Record<string, string>>> = {}
  for (const username of Object.keys(TEAM_USERS) as Array<keyof typeof TEAM_USERS>) {
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: teamPassword(username) } })
    if (response.statusCode !== 200) throw new Error(`login as ${username} failed: ${response.body}`)
    const cookie = String(([response.headers['set-cookie']].flat()[0] ?? '')).split(';')[0]!
    headers[username] = { cookie, 'x-csrf-token': response.json().csrfToken }
  }
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: headers.both, payload: { name: 'ci', roles: ['editor'], teams: ['globex'], expiresInDays: 1 } })
  if (minted.statusCode !== 201) throw new Error(`token: ${minted.body}`)
  headers.token = { authorization: `Bearer ${minted.json().token}` }
  const upstream = app.sandboxUpstream
  const call: TeamHarness['call'] = (caller, method, url, body) => app.inject({
    method: method as 'GET',
    url,
    headers: { ...headers[caller], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    payload: body === undefined ? undefined : JSON.stringify(body)
  })
  const auditAs: TeamHarness['auditAs'] = async (caller, query = '') => {
    const response = await call(caller, 'GET', `/api/audit?limit=500${query}`)
    if (response.statusCode !== 200) throw new Error(`audit as ${caller}: ${response.body}`)
    return response.json().records
  }
  return {
    ...built,
    upstream,
    call,
    auditAs,
    recordOf: async response => {
      const requestId = String(response.headers['x-request-id'])
      for (const deadline = Date.now() + RECORD_DEADLINE_MS; Date.now() < deadline; await sleep(RECORD_POLL_MS)) {
        const record = (await built.app.auditTrail.query({ limit: 500 })).records.find(candidate => candidate.requestId === requestId)
        if (record !== undefined && record.outcome !== 'pending') return record as unknown as Record<string, any>
      }
      throw new Error(`no complete audit record of ${requestId} within ${RECORD_DEADLINE_MS} ms`)
    },
    mark: () => {
      const from = upstream.requests.length
      return { sent: () => upstream.requests.slice(from) }
    },
    audit: async (query = '') => await auditAs('root', query)
  }
}

/** The upstream calls that change state: anything but a read or a list (secret refresh is a GET that changes state). */
export function mutations (sent: RecordedRequest[]): RecordedRequest[] {
  return sent.filter(request => !/\/client\/(get|granted_scopes\/get)\//.test(request.path))
}
