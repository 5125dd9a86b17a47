import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { allRecords } from '../audit/trail.ts'

// The admin's view of sessions, with the default (memory) store; the Redis store across replicas is
// in sessions-redis.test.ts.

const PROBLEM = /^application\/problem\+json/
const ENV = { API_TOKEN_STORE: 'memory' }

function sessionId (cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
  return value.slice(0, value.lastIndexOf('.'))
}

t.test('GET /auth/sessions ...should list a user\'s sessions with times and a label, never the cookie or the CSRF token', async t => {
  const { app } = await buildTestApp(t, { ...ENV, SESSION_IDLE_TIMEOUT: '600', SESSION_MAX_AGE: '3600' })
  const before = Date.now()
  const first = await login(app, 'editor')
  const second = await login(app, 'editor')
  await login(app, 'viewer')
  const admin = await login(app, 'admin')
  const response = await app.inject({ url: '/auth/sessions?username=editor', headers: { cookie: admin.cookie } })
  t.equal(response.statusCode, 200)
  const { sessions } = response.json() as { sessions: Array<Record<string, unknown>> }
  t.equal(sessions.length, 2)
  for (const session of sessions) {
    t.same(Object.keys(session).sort(), ['createdAt', 'current', 'expiresAt', 'id', 'lastSeenAt', 'login'])
    t.match(session, { id: /^[A-Za-z0-9_-]{22}$/, login: 'local', current: false })
    const created = Date.parse(session.createdAt as string)
    t.ok(created >= before - 1000 && created <= Date.now(), 'createdAt')
    t.ok(Math.abs(Date.parse(session.expiresAt as string) - (created + 600_000)) < 1000, 'expiresAt: the idle timeout from the last use')
  }
  t.not(sessions[0]!.id, sessions[1]!.id)
  for (const secret of [first, second].flatMap(login => [sessionId(login.cookie), login.csrfToken, login.cookie])) {
    t.notOk(response.body.includes(secret), 'no session id, cookie or CSRF token in the list')
  }
  const own = (await app.inject({ url: '/auth/sessions?username=admin', headers: { cookie: admin.cookie } })).json()
  t.match(own, { sessions: [{ current: true }] }, 'the caller\'s own session is marked')
  t.same((await app.inject({ url: '/auth/sessions?username=nobody', headers: { cookie: admin.cookie } })).json(), { sessions: [] })
})

t.test('DELETE /auth/sessions ...should end every session of the user, answer how many, keep others\' and record it in the audit trail', async t => {
  const { app } = await buildTestApp(t, ENV)
  const editors = [await login(app, 'editor'), await login(app, 'editor')]
  const viewer = await login(app, 'viewer')
  const admin = await login(app, 'admin')
  const response = await app.inject({ method: 'DELETE', url: '/auth/sessions?username=editor', headers: admin.headers })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { revoked: 2 })
  for (const editor of editors) {
    t.equal((await app.inject({ url: '/api/clients', headers: { cookie: editor.cookie } })).statusCode, 401, 'replaying a revoked cookie')
  }
  t.equal((await app.inject({ url: '/api/clients', headers: { cookie: viewer.cookie } })).statusCode, 200)
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: admin.cookie } })).statusCode, 200)
  const records = (await allRecords(app)).filter(record => record.action === 'auth.sessions.revoke')
  t.match(records, [{ actor: 'admin', roles: ['admin'], via: 'session', route: 'DELETE /auth/sessions', outcome: 'success', status: 200 }])
})

t.test('DELETE /auth/sessions ...should need the CSRF token, and GET and DELETE should need the admin role', async t => {
  const { app } = await buildTestApp(t, ENV)
  const viewer = await login(app, 'viewer')
  const editor = await login(app, 'editor')
  const admin = await login(app, 'admin')
  const noCsrf = await app.inject({ method: 'DELETE', url: '/auth/sessions?username=viewer', headers: { cookie: admin.cookie } })
  t.equal(noCsrf.statusCode, 403)
  t.equal(noCsrf.json().code, 'BFF_CSRF_REJECTED')
  for (const caller of [viewer, editor]) {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/auth/sessions?username=viewer', headers: caller.headers })
      t.equal(response.statusCode, 403, `${method} as ${caller === viewer ? 'viewer' : 'editor'}`)
      t.match(response.headers['content-type'], PROBLEM)
      t.equal(response.json().code, 'BFF_FORBIDDEN')
    }
  }
  const anonymous = await app.inject({ method: 'DELETE', url: '/auth/sessions?username=viewer' })
  t.equal(anonymous.statusCode, 401)
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: viewer.cookie } })).statusCode, 200, 'nothing was revoked')
})

t.test('GET /auth/sessions ...should answer 400 without a username or with an invalid one', async t => {
  const { app } = await buildTestApp(t, ENV)
  const admin = await login(app, 'admin')
  const urls = ['/auth/sessions', '/auth/sessions?username=', `/auth/sessions?username=${'a'.repeat(257)}`, '/auth/sessions?username=bob%0Aforged', '/auth/sessions?username=bob&other=1']
  for (const url of urls) {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await app.inject({ method, url, headers: admin.headers })
      t.equal(response.statusCode, 400, `${method} ${url}`)
      t.match(response.headers['content-type'], PROBLEM)
    }
  }
  t.equal((await allRecords(app)).length, 0, 'refused before anything was recorded')
})

t.test('GET /auth/sessions ...should refuse an admin API token (403): sessions are managed in person', async t => {
  const { app } = await buildTestApp(t, ENV)
  const admin = await login(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/auth/tokens', headers: admin.headers, payload: { name: 'ops', roles: ['admin'], expiresInDays: 1 } })
  const bearer = { authorization: `Bearer ${created.json().token as string}` }
  for (const method of ['GET', 'DELETE'] as const) {
    const response = await app.inject({ method, url: '/auth/sessions?username=admin', headers: bearer })
    t.equal(response.statusCode, 403, method)
    t.equal(response.json().code, 'BFF_API_TOKEN_NOT_ALLOWED')
  }
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: admin.cookie } })).statusCode, 200, 'the admin\'s session lives on')
})
