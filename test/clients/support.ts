import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { RecordedRequest, SandboxUpstream } from '../../src/sandbox/emulator.ts'
import { buildTestApp, login, type Login } from '../helpers/app.ts'

// Helpers shared by the client-management tests (test/clients and test/upstream/{contract,injection}).

export const PORTAL = '26478243745571'
export const MOBILE = '31415926535897'
export const REPORTS = '27182818284590'
export const DYNAMIC = '26837717140341'

/** Properties the upstream owns: never in a write body, never sent back by PATCH. */
export const SERVER_OWNED = ['number', 'serviceNumber', 'clientId', 'clientSecret', 'dynamicallyRegistered', 'createdAt', 'modifiedAt', 'derivedSectorIdentifier']

export type Role = 'viewer' | 'editor' | 'admin'

export interface Harness {
  app: FastifyInstance
  upstream: SandboxUpstream
  sessions: Record<Role, Login>
  /** One request as `role`: `body` is sent as JSON unless `headers` names another content type. */
  call: (role: Role, method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>
  /** Marks the emulator's log; `sent()` then answers what reached it since. */
  mark: () => { sent: () => RecordedRequest[] }
}

export async function harness (t: Test, env: Record<string, string> = {}): Promise<Harness> {
  const { app } = await buildTestApp(t, env)
  const [viewer, editor, admin] = await Promise.all([login(app, 'viewer'), login(app, 'editor'), login(app, 'admin')])
  const sessions = { viewer, editor, admin }
  const upstream = app.sandboxUpstream
  return {
    app,
    upstream,
    sessions,
    call: (role, method, url, body, headers = {}) => {
      const type = Object.keys(headers).some(name => name.toLowerCase() === 'content-type')
        ? {}
        : body === undefined ? {} : { 'content-type': 'application/json' }
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...sessions[role].headers, ...type, ...headers },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
      })
    },
    mark: () => {
      const from = upstream.requests.length
      return { sent: () => upstream.requests.slice(from) }
    }
  }
}

interface Answer { statusCode: number, headers: Record<string, unknown>, json: () => any }

/** The answer is an RFC 9457 problem with the given status and the API's security headers. */
export function assertProblem (t: Test, response: Answer, status: number): Record<string, any> {
  t.equal(response.statusCode, status, 'status')
  t.match(String(response.headers['content-type']), /^application\/problem\+json/, 'problem content type')
  assertApiHeaders(t, response)
  const problem = response.json()
  t.equal(problem.status, status, 'problem status')
  for (const member of ['type', 'title', 'detail', 'requestId']) t.type(problem[member], 'string', `problem ${member}`)
  t.equal(problem.requestId, response.headers['x-request-id'], 'requestId is the x-request-id header')
  return problem
}

/** The headers every API answer carries, and the ones none may carry. */
export function assertApiHeaders (t: Test, response: { headers: Record<string, unknown> }): void {
  t.equal(response.headers['cache-control'], 'no-store', 'cache-control: no-store')
  t.equal(response.headers['x-content-type-options'], 'nosniff', 'x-content-type-options: nosniff')
  t.notOk('x-powered-by' in response.headers, 'no x-powered-by')
  t.notOk('server' in response.headers, 'no server header')
}

/** The problem names the property at `path` (e.g. `/body/clientId`). */
export function assertNamesProperty (t: Test, problem: Record<string, any>, path: string): void {
  const errors = (problem.errors ?? []) as Array<{ path: string, message: string }>
  const name = path.split('/').at(-1)!
  t.ok(errors.some(error => error.path === path && error.message.includes(name)), `errors[] names ${path}: ${JSON.stringify(errors)}`)
  t.match(problem.detail, name, 'detail names the property')
}

/** What a client looks like once the server-owned properties are left out. */
export function writablePart (client: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...client }
  for (const name of SERVER_OWNED) delete rest[name]
  return rest
}
