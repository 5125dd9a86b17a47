import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'

const PROBLEM = /^application\/problem\+json/

t.test('GET /auth/session ...should answer 200 with username, roles, csrfToken, expiresAt and the idle timeout for a signed-in user', async t => {
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '600', SESSION_MAX_AGE: '3600' })
  const before = Date.now()
  const admin = await login(app, 'admin')
  const response = await app.inject({ url: '/auth/session', headers: { cookie: admin.cookie } })
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['csrfToken', 'expiresAt', 'idleTimeoutSeconds', 'roles', 'source', 'username'])
  t.match(body, { source: 'local', username: 'admin', roles: ['admin'], csrfToken: admin.csrfToken, idleTimeoutSeconds: 600 })
  const expiresAt = Date.parse(body.expiresAt)
  t.match(body.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  // The idle timeout (600 s), not the absolute lifetime, bounds a fresh session.
  t.ok(expiresAt >= before + 600_000 && expiresAt <= Date.now() + 600_000, `expiresAt ${body.expiresAt}`)
})

t.test('GET /auth/session ...should answer 401 without a cookie, with a forged cookie and with an unsigned session id', async t => {
  const { app } = await buildTestApp(t)
  const viewer = await login(app, 'viewer')
  const [name, value] = viewer.cookie.split('=') as [string, string]
  const unsignedId = decodeURIComponent(value).replace(/\.[^.]*$/, '')
  const cookies = [undefined, `${name}=forged.signature`, `${name}=${unsignedId}`, `${name}=${value.slice(0, -2)}xx`]
  for (const cookie of cookies) {
    const response = await app.inject({ url: '/auth/session', headers: cookie === undefined ? {} : { cookie } })
    t.equal(response.statusCode, 401, `cookie ${String(cookie)}`)
    t.match(response.headers['content-type'], PROBLEM)
    t.match(response.json(), { status: 401, type: String, title: String, detail: String, requestId: String })
  }
})

t.test('GET /auth/session ...should not accept a session cookie signed with another SESSION_SECRET', async t => {
  const one = await buildTestApp(t, { SESSION_SECRET: 'a'.repeat(32) })
  const two = await buildTestApp(t, { SESSION_SECRET: 'b'.repeat(32) })
  const viewer = await login(one.app, 'viewer')
  t.equal((await one.app.inject({ url: '/auth/session', headers: { cookie: viewer.cookie } })).statusCode, 200)
  t.equal((await two.app.inject({ url: '/auth/session', headers: { cookie: viewer.cookie } })).statusCode, 401)
})

t.test('POST /auth/logout ...should answer 204, clear the cookie and end the session server-side', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'POST', url: '/auth/logout', headers: editor.headers })
  t.equal(response.statusCode, 204)
  t.equal(response.body, '')
  const cleared = String(response.headers['set-cookie'])
  t.match(cleared, /^bff_session=;/)
  t.match(cleared, /Expires=Thu, 01 Jan 1970|Max-Age=0/i)
  // Replaying the old cookie: the session is gone server-side, not only from the browser.
  const replay = await app.inject({ url: '/auth/session', headers: { cookie: editor.cookie } })
  t.equal(replay.statusCode, 401)
  const api = await app.inject({ url: '/api/clients', headers: editor.headers })
  t.equal(api.statusCode, 401)
  const again = await app.inject({ method: 'POST', url: '/auth/logout', headers: editor.headers })
  t.equal(again.statusCode, 401)
})

t.test('POST /auth/logout ...should answer 403 without x-csrf-token, or with a wrong one, and keep the session', async t => {
  const { app } = await buildTestApp(t)
  const viewer = await login(app, 'viewer')
  const other = await login(app, 'viewer')
  const attempts: Array<Record<string, string>> = [
    { cookie: viewer.cookie },
    { cookie: viewer.cookie, 'x-csrf-token': 'wrong' },
    { cookie: viewer.cookie, 'x-csrf-token': other.csrfToken }
  ]
  for (const headers of attempts) {
    const response = await app.inject({ method: 'POST', url: '/auth/logout', headers })
    t.equal(response.statusCode, 403)
    t.match(response.headers['content-type'], PROBLEM)
    t.notOk(response.headers['set-cookie'], 'the cookie is not cleared')
  }
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: viewer.cookie } })).statusCode, 200)
})

t.test('POST /auth/logout ...should answer 401 without a session', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ method: 'POST', url: '/auth/logout', headers: { 'x-csrf-token': 'anything' } })
  t.equal(response.statusCode, 401)
})

t.test('POST /auth/logout ...should end only the session it is sent with', async t => {
  const { app } = await buildTestApp(t)
  const a = await login(app, 'viewer')
  const b = await login(app, 'viewer')
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: a.headers })).statusCode, 204)
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: a.cookie } })).statusCode, 401)
  t.equal((await app.inject({ url: '/auth/session', headers: { cookie: b.cookie } })).statusCode, 200)
})

t.test('POST /auth/logout ...should clear the __Host- cookie behind a trusted TLS proxy', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1' })
  const tls = { 'x-forwarded-proto': 'https' }
  const signIn = await app.inject({ method: 'POST', url: '/auth/login', headers: tls, payload: { username: 'viewer', password: 'viewer-password-8c1f' } })
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!
  const headers = { ...tls, cookie, 'x-csrf-token': signIn.json().csrfToken }
  const response = await app.inject({ method: 'POST', url: '/auth/logout', headers })
  t.equal(response.statusCode, 204)
  const cleared = String(response.headers['set-cookie'])
  t.match(cleared, /^__Host-bff_session=;/)
  t.match(cleared, /Secure/)
  t.equal((await app.inject({ url: '/auth/session', headers: { ...tls, cookie } })).statusCode, 401)
})
