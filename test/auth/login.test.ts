import { performance } from 'node:perf_hooks'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login, sessionCookie, PASSWORDS } from '../helpers/app.ts'
import { hashPassword, verifyPassword } from '../../src/auth/passwords.ts'

const PROBLEM = /^application\/problem\+json/

function cookieAttributes (setCookie: string | string[] | undefined): string[] {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie
  return (first ?? '').split(';').map(part => part.trim().toLowerCase())
}

async function tryLogin (app: FastifyInstance, username: string, password: string) {
  return await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
}

t.test('POST /auth/login ...should answer 200 with username, roles and csrfToken, and an HttpOnly SameSite=Lax cookie', async t => {
  const { app } = await buildTestApp(t)
  const response = await tryLogin(app, 'editor', PASSWORDS.editor)
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['csrfToken', 'roles', 'source', 'username'])
  t.equal(body.source, 'local')
  t.equal(body.username, 'editor')
  t.same(body.roles, ['editor'])
  t.match(body.csrfToken, /^[A-Za-z0-9_-]{32,}$/)
  const attributes = cookieAttributes(response.headers['set-cookie'])
  t.match(attributes[0], /^bff_session=./)
  t.ok(attributes.includes('httponly'), 'HttpOnly')
  t.ok(attributes.includes('samesite=lax'), 'SameSite=Lax')
  t.ok(attributes.includes('path=/'), 'Path=/')
  t.notOk(attributes.includes('secure'), 'no Secure over plain http')
  t.equal(response.headers['cache-control'], 'no-store', 'the CSRF token is never cached')
  // The cookie works: the session it names is the one just opened.
  const session = await app.inject({ url: '/auth/session', headers: { cookie: sessionCookie(response) } })
  t.equal(session.statusCode, 200)
  t.equal(session.json().csrfToken, body.csrfToken)
})

t.test('POST /auth/login ...should set a Secure __Host- cookie behind a trusted TLS proxy, and accept it back', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1' })
  const tls = { 'x-forwarded-proto': 'https' }
  const response = await app.inject({
    method: 'POST', url: '/auth/login', remoteAddress: '127.0.0.1', headers: tls, payload: { username: 'viewer', password: PASSWORDS.viewer }
  })
  t.equal(response.statusCode, 200)
  const attributes = cookieAttributes(response.headers['set-cookie'])
  t.match(attributes[0], /^__host-bff_session=./)
  t.ok(attributes.includes('secure'), 'Secure')
  t.ok(attributes.includes('httponly'), 'HttpOnly')
  t.ok(attributes.includes('path=/'), '__Host- needs Path=/')
  t.notOk(attributes.some(part => part.startsWith('domain=')), '__Host- forbids Domain')
  const cookie = sessionCookie(response)
  const session = await app.inject({ url: '/auth/session', remoteAddress: '127.0.0.1', headers: { ...tls, cookie } })
  t.equal(session.statusCode, 200)
  t.equal(session.json().username, 'viewer')
})

t.test('POST /auth/login ...should not set Secure when x-forwarded-proto comes from an untrusted address', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '127.0.0.1' })
  const response = await app.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress: '10.1.2.3',
    headers: { 'x-forwarded-proto': 'https' },
    payload: { username: 'viewer', password: PASSWORDS.viewer }
  })
  t.equal(response.statusCode, 200)
  const attributes = cookieAttributes(response.headers['set-cookie'])
  t.match(attributes[0], /^bff_session=./)
  t.notOk(attributes.includes('secure'))
})

t.test('POST /auth/login ...should not set Secure from x-forwarded-proto when TRUST_PROXY is unset', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({
    method: 'POST', url: '/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { username: 'viewer', password: PASSWORDS.viewer }
  })
  t.equal(response.statusCode, 200)
  const attributes = cookieAttributes(response.headers['set-cookie'])
  t.match(attributes[0], /^bff_session=./)
  t.notOk(attributes.includes('secure'))
})

t.test('POST /auth/login ...should answer 401 with the same body for an unknown user and a wrong password', async t => {
  const { app } = await buildTestApp(t)
  const unknown = await tryLogin(app, 'nobody', PASSWORDS.viewer)
  const wrong = await tryLogin(app, 'viewer', 'not-the-password')
  for (const response of [unknown, wrong]) {
    t.equal(response.statusCode, 401)
    t.match(response.headers['content-type'], PROBLEM)
    t.notOk(response.headers['set-cookie'], 'no cookie on a failed login')
  }
  const { requestId: a, ...unknownBody } = unknown.json()
  const { requestId: b, ...wrongBody } = wrong.json()
  t.not(a, b, 'each answer has its own request id')
  t.same(unknownBody, wrongBody)
  t.match(unknownBody, { status: 401, type: String, title: 'Unauthorized', detail: String })
})

t.test('POST /auth/login ...should refuse a right password given for another user', async t => {
  const { app } = await buildTestApp(t)
  const response = await tryLogin(app, 'admin', PASSWORDS.viewer)
  t.equal(response.statusCode, 401)
  t.notOk(response.headers['set-cookie'])
})

t.test('POST /auth/login ...should take about as long for an unknown user as for a wrong password', async t => {
  const { app } = await buildTestApp(t)
  // One argon2 verification with the same parameters, as the yardstick.
  const hash = await hashPassword('yardstick')
  const verifications: number[] = []
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    await verifyPassword(hash, 'wrong')
    verifications.push(performance.now() - started)
  }
  const oneVerification = Math.min(...verifications)
  const timed = async (username: string): Promise<number> => {
    const started = performance.now()
    const response = await tryLogin(app, username, 'whatever-password')
    t.equal(response.statusCode, 401)
    return performance.now() - started
  }
  await timed('viewer')
  // Interleaved, so that a burst of load elsewhere weighs on both sides alike.
  let unknownTotal = 0
  let wrongTotal = 0
  for (let i = 0; i < 5; i++) {
    unknownTotal += await timed('no-such-user')
    wrongTotal += await timed('viewer')
  }
  const unknown = unknownTotal / 5
  const wrong = wrongTotal / 5
  t.ok(unknown >= oneVerification * 0.5, `unknown user ${unknown.toFixed(1)} ms vs one verification ${oneVerification.toFixed(1)} ms`)
  t.ok(wrong >= oneVerification * 0.5, `wrong password ${wrong.toFixed(1)} ms vs one verification ${oneVerification.toFixed(1)} ms`)
  t.ok(unknown * 3 >= wrong, `unknown user ${unknown.toFixed(1)} ms is not much faster than wrong password ${wrong.toFixed(1)} ms`)
})

t.test('POST /auth/login ...should rotate the session id: the cookie sent with a new login stops working', async t => {
  const { app } = await buildTestApp(t)
  const first = await login(app, 'viewer')
  const again = await app.inject({
    method: 'POST', url: '/auth/login', headers: { cookie: first.cookie }, payload: { username: 'editor', password: PASSWORDS.editor }
  })
  t.equal(again.statusCode, 200)
  const second = sessionCookie(again)
  t.not(second, first.cookie, 'a new session id')
  t.not(again.json().csrfToken, first.csrfToken, 'a new CSRF token')
  const old = await app.inject({ url: '/auth/session', headers: { cookie: first.cookie } })
  t.equal(old.statusCode, 401, 'the old cookie is dead')
  const current = await app.inject({ url: '/auth/session', headers: { cookie: second } })
  t.equal(current.statusCode, 200)
  t.equal(current.json().username, 'editor')
})

t.test('POST /auth/login ...should give each login its own session, leaving other sessions alive', async t => {
  const { app } = await buildTestApp(t)
  const a = await login(app, 'viewer')
  const b = await login(app, 'viewer')
  t.not(a.cookie, b.cookie)
  t.not(a.csrfToken, b.csrfToken)
  for (const cookie of [a.cookie, b.cookie]) {
    t.equal((await app.inject({ url: '/auth/session', headers: { cookie } })).statusCode, 200)
  }
})

t.test('POST /auth/login ...should answer 400 with field errors for a body missing the password or with extra fields', async t => {
  const { app } = await buildTestApp(t)
  const missing = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer' } })
  t.equal(missing.statusCode, 400)
  t.match(missing.headers['content-type'], PROBLEM)
  t.match(missing.json(), { status: 400, errors: [{ path: '/body/password', message: String }] })
  const extra = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: PASSWORDS.viewer, roles: ['admin'] } })
  t.equal(extra.statusCode, 400)
  t.match(extra.json(), { errors: [{ path: '/body/roles' }] })
  t.notOk(extra.headers['set-cookie'])
})

t.test('POST /auth/login ...should answer 415 to a form-encoded body', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({
    method: 'POST',
    url: '/auth/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `username=viewer&password=${PASSWORDS.viewer}`
  })
  t.equal(response.statusCode, 415)
  t.match(response.headers['content-type'], PROBLEM)
  t.notOk(response.headers['set-cookie'])
})
