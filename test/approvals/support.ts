import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import { buildTestApp, sessionCookie, type ApiVersion, type TestApp } from '../helpers/app.ts'

// People for four-eyes tests: three admins and an editor of acme, an admin of globex, an admin of
// every team. In roles mode the teams are ignored: all admins are admins of everything.
export const APPROVAL_USERS = {
  alice: { roles: ['admin'], teams: ['acme'] },
  bob: { roles: ['admin'], teams: ['acme'] },
  carol: { roles: ['admin'], teams: ['acme'] },
  erin: { roles: ['editor'], teams: ['acme'] },
  gail: { roles: ['admin'], teams: ['globex'] },
  root: { roles: ['admin'], teams: ['*'] }
} as const
export type Person = keyof typeof APPROVAL_USERS
export const passwordOf = (name: string): string => `${name}-approvals-password-93c2`

let usersFile: Promise<string> | undefined
export function approvalUsersFile (): Promise<string> {
  usersFile ??= (async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'bff-approval-users-')), 'users.json')
    const users = await Promise.all(Object.entries(APPROVAL_USERS).map(async ([username, { roles, teams }]) => ({
      username, passwordHash: await hashPassword(passwordOf(username)), roles, teams
    })))
    await writeFile(path, JSON.stringify(users))
    return path
  })()
  return usersFile
}

export interface ApprovalHarness extends TestApp {
  /** A request as `who` (signed in once, cookie and CSRF header), or with `headers` alone. */
  as: (who: Person, method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>
  /** An API token of `who` with their roles. */
  tokenOf: (who: Person) => Promise<string>
  /** A new client of team acme (teams mode) made by root; its ID. */
  newClient: (body?: Record<string, unknown>) => Promise<string>
  /** Upstream calls since `mark()`. */
  mark: () => { writes: () => string[] }
  /** The audit records of a change request, newest first, as `who` (default root) reads them. */
  audit: (changeRequestId: string, who?: Person) => Promise<Array<Record<string, any>>>
}

const WRITE_PATHS = /client\/(update|delete|lock_flag|secret)/

export async function approvalHarness (t: Test, api: ApiVersion, env: Record<string, string>): Promise<ApprovalHarness> {
  const testApp = await buildTestApp(t, { AUTHLETE_API_VERSION: api, BFF_USERS_FILE: await approvalUsersFile(), ...env })
  const { app } = testApp
  const sessions = new Map<Person, Record<string, string>>()
  const headersOf = async (who: Person): Promise<Record<string, string>> => {
    let headers = sessions.get(who)
    if (headers === undefined) {
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: who, password: passwordOf(who) } })
      if (login.statusCode !== 200) throw new Error(`login as ${who}: ${login.statusCode} ${login.body}`)
      headers = { cookie: sessionCookie(login), 'x-csrf-token': login.json().csrfToken as string }
      sessions.set(who, headers)
    }
    return headers
  }
  const as: ApprovalHarness['as'] = async (who, method, url, body, headers = {}) =>
    await app.inject({ method: method as 'GET', url, headers: { ...await headersOf(who), ...headers }, ...(body === undefined ? {} : { payload: body as object }) })
  return {
    ...testApp,
    as,
    async tokenOf (who) {
      const minted = await as(who, 'POST', '/auth/tokens', { name: 'script', roles: [...APPROVAL_USERS[who].roles], expiresInDays: 1 })
      if (minted.statusCode !== 201) throw new Error(`token: ${minted.statusCode} ${minted.body}`)
      return minted.json().token as string
    },
    async newClient (body = {}) {
      const created = await as('root', 'POST', '/api/clients', { clientName: 'Guarded', redirectUris: ['https://guarded.example/cb'], ...(env.ACCESS_MODEL === 'teams' ? { developer: 'acme' } : {}), ...body })
      if (created.statusCode !== 201) throw new Error(`create: ${created.statusCode} ${created.body}`)
      return String(created.json().clientId)
    },
    mark () {
      const from = app.sandboxUpstream.requests.length
      return { writes: () => app.sandboxUpstream.requests.slice(from).map(request => request.path).filter(path => WRITE_PATHS.test(path)) }
    },
    async audit (changeRequestId, who = 'root') {
      const page = await as(who, 'GET', '/api/audit?limit=500')
      return (page.json().records as Array<Record<string, any>>).filter(record => record.changeRequestId === changeRequestId)
    }
  }
}

/** A policy file (profile off: these tests are about approvals) with `approvals` as given; its path. */
export async function policyFile (approvals: unknown[], teams?: Record<string, unknown>): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-approval-policy-')), 'policy.json')
  await writeFile(path, JSON.stringify({ profile: 'off', approvals, ...(teams === undefined ? {} : { teams }) }))
  return path
}
