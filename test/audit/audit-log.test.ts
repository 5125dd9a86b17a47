import Fastify, { type RouteOptions } from 'fastify'
import t from 'tap'
import { loadConfig } from '../../src/config.ts'
import { serverOptions } from '../../src/http/server-options.ts'
import { buildApp } from '../../src/app.ts'
import { buildTestApp, login } from '../helpers/app.ts'
import { testUsersFile } from '../helpers/users.ts'
import { allRecords, verify } from './trail.ts'

const PORTAL = '26478243745571'
const MUTATIONS: Array<{ method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>, action: string, target: Record<string, string> }> = [
  { method: 'POST', url: '/api/clients', payload: { clientName: 'Audited' }, action: 'client.create', target: {} },
  { method: 'PUT', url: `/api/clients/${PORTAL}`, payload: { clientName: 'Portal' }, action: 'client.update', target: { clientId: PORTAL } },
  { method: 'PATCH', url: `/api/clients/${PORTAL}`, payload: { description: 'patched' }, action: 'client.patch', target: { clientId: PORTAL } },
  { method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, action: 'client.lock', target: { clientIdentifier: 'portal' } },
  { method: 'POST', url: '/api/clients/portal/secret/refresh', action: 'client.secret.refresh', target: { clientIdentifier: 'portal' } },
  { method: 'PUT', url: '/api/clients/portal/secret', payload: { clientSecret: 'audit-secret-value-1-of-32-characters' }, action: 'client.secret.update', target: { clientIdentifier: 'portal' } },
  { method: 'PUT', url: `/api/clients/${PORTAL}/authorizations/john`, payload: { scopes: ['openid'] }, action: 'authorization.update', target: { clientId: PORTAL, subject: 'john' } },
  { method: 'DELETE', url: `/api/clients/${PORTAL}/authorizations/john`, action: 'authorization.delete', target: { clientId: PORTAL, subject: 'john' } },
  { method: 'DELETE', url: `/api/clients/${PORTAL}/granted-scopes/john`, action: 'granted-scopes.delete', target: { clientId: PORTAL, subject: 'john' } },
  { method: 'PUT', url: '/api/clients/26837717140341/registration', payload: { registrationAccessToken: 'wrong-token-value', metadata: { client_name: 'x' } }, action: 'registration.update', target: { clientId: '26837717140341' } },
  { method: 'POST', url: `/api/clients/${PORTAL}/policy-exceptions`, payload: { rule: 'pkce-required', reason: 'audited', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, action: 'policy.exception.create', target: { clientId: PORTAL } },
  { method: 'DELETE', url: `/api/clients/${PORTAL}/policy-exceptions/pkce-required`, action: 'policy.exception.delete', target: { clientId: PORTAL } },
  { method: 'POST', url: `/api/clients/${PORTAL}/history/1/restore`, headers: { 'if-match': '*' }, action: 'client.restore', target: { clientId: PORTAL } },
  { method: 'DELETE', url: '/api/clients/31415926535897', action: 'client.delete', target: { clientId: '31415926535897' } },
  { method: 'POST', url: '/api/history/deleted/31415926535897/restore', action: 'client.restore-deleted', target: {} }
]

t.test('every mutating /api route ...should name an audit action (a new route without one fails here)', async t => {
  const config = loadConfig({ LOG_LEVEL: 'silent', BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: 'sqlite::memory:' })
  const app = Fastify(serverOptions(config))
  const routes: RouteOptions[] = []
  app.addHook('onRoute', route => { routes.push(route) })
  await app.register(buildApp(config))
  await app.ready()
  t.teardown(() => app.close())
  // A change request's decisions (approve, reject, withdraw) are recorded by src/approvals itself as
  // change-request.* records linked to the request (test/approvals checks each).
  const decisions = (url: string) => url.startsWith('/api/change-requests/')
  const mutating = routes.filter(route => route.url.startsWith('/api/') && route.config?.readOnly !== true && !decisions(route.url) && [route.method].flat().some(method => !['GET', 'HEAD', 'OPTIONS'].includes(method)))
  t.equal(mutating.length, MUTATIONS.length, 'every mutating route is exercised below')
  for (const route of mutating) t.type(route.config?.audit, 'string', `${String(route.method)} ${route.url} is audited`)
})

t.test('mutating /api routes ...should write exactly one audit line and one complete trail record per call, without secret values', async t => {
  const { app, logs } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  for (const mutation of MUTATIONS) {
    const before = logs.length
    const response = await app.inject({ method: mutation.method, url: mutation.url, payload: mutation.payload as object, headers: { ...admin.headers, ...mutation.headers } })
    const lines = logs.slice(before).map(line => JSON.parse(line)).filter(line => line.audit === true)
    t.equal(lines.length, 1, `${mutation.action}: one audit line`)
    const [line] = lines
    t.match(line, {
      msg: 'audit',
      action: mutation.action,
      requestId: response.headers['x-request-id'],
      username: 'admin',
      roles: ['admin'],
      status: response.statusCode,
      target: mutation.target
    }, mutation.action)
    t.type(line.time, 'number')
    t.type(line.durationMs, 'number')
    if (mutation.action === 'registration.update') {
      t.match(line.resultCode, /^A\d+$/, 'the resultCode Authlete put beside the RFC 7592 answer')
    } else {
      const answered = response.statusCode === 204 ? null : (response.json().resultCode ?? null)
      t.equal(line.resultCode, answered, `${mutation.action}: the upstream resultCode, when Authlete gave one`)
    }
    t.notMatch(JSON.stringify(line), /audit-secret-value-1-of-32-characters|wrong-token-value|clientSecret"\s*:\s*"/, `${mutation.action}: no secret value`)
    const records = (await allRecords(app)).filter(record => record.requestId === response.headers['x-request-id'])
    t.equal(records.length, 1, `${mutation.action}: one trail record`)
    t.match(records[0], { action: mutation.action, actor: 'admin', status: response.statusCode, outcome: response.statusCode < 400 ? 'success' : 'failure' })
  }
  t.equal((await allRecords(app)).length, MUTATIONS.length, 'nothing else was recorded')
  t.notMatch(JSON.stringify(await Array.fromAsync(app.auditTrail.entries())), /audit-secret-value-1-of-32-characters|wrong-token-value/)
  t.match(await verify(app), { ok: true, checked: 2 * MUTATIONS.length })
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should audit a refused call with its status and the upstream resultCode', async t => {
  const { app, logs } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'PUT', url: '/api/clients/99999999999999/lock', payload: { locked: true }, headers: editor.headers })
  t.equal(response.statusCode, 404)
  const line = logs.map(text => JSON.parse(text)).find(entry => entry.audit === true)
  t.match(line, { action: 'client.lock', username: 'editor', status: 404, resultCode: response.json().resultCode })
})
