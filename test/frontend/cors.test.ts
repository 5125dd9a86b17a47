import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { buildTestApp, login } from '../helpers/app.ts'

const LISTED = 'https://console.example.com'
const ALSO_LISTED = 'http://127.0.0.1:5173'
const CORS_ORIGINS = `${LISTED}, ${ALSO_LISTED}`
const OTHERS = [
  'https://evil.example', 'null', 'http://console.example.com', 'https://console.example.com:8443',
  'https://console.example.com.evil.example', 'https://sub.console.example.com', `${LISTED}/`, 'http://127.0.0.1:5174'
]

function corsHeaders (response: LightMyRequestResponse): string[] {
  return Object.keys(response.headers).filter(name => name.startsWith('access-control-'))
}

function preflight (origin: string, method = 'POST', headers = 'content-type, x-csrf-token') {
  return { method: 'OPTIONS' as const, url: '/api/clients', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } }
}

t.test('CORS_ORIGINS ...should accept origins and refuse anything else with a message naming the variable', async t => {
  t.same(loadConfig({ CORS_ORIGINS }).CORS_ORIGINS, CORS_ORIGINS)
  const refused = ['*', 'null', 'console.example.com', 'https://console.example.com/', 'https://console.example.com/app',
    'https://Console.example.com', 'https://console.example.com:443', 'ftp://files.example.com', 'https://console.example.com?x', `${LISTED},https://x.example/y`]
  for (const value of refused) {
    try {
      loadConfig({ CORS_ORIGINS: value })
      t.fail(`${value} accepted`)
    } catch (error) {
      t.ok(error instanceof ConfigError, value)
      t.match((error as ConfigError).problems, [/^CORS_ORIGINS: '.*' is not/], value)
    }
  }
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://Console.example.com' }), /write https:\/\/console\.example\.com/)
})

t.test('OPTIONS /api/clients ...should answer a preflight from a listed origin without a session', async t => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS })
  for (const origin of [LISTED, ALSO_LISTED]) {
    const response = await app.inject(preflight(origin, 'PATCH', 'content-type, x-csrf-token, if-match'))
    t.equal(response.statusCode, 204, origin)
    t.equal(response.headers['access-control-allow-origin'], origin)
    t.equal(response.headers['access-control-allow-credentials'], 'true')
    t.same(String(response.headers['access-control-allow-methods']).split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'])
    t.same(String(response.headers['access-control-allow-headers']).split(', ').sort(), ['authorization', 'content-type', 'if-match', 'x-csrf', 'x-csrf-token'])
    const exposed = String(response.headers['access-control-expose-headers']).split(', ')
    for (const name of ['etag', 'x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-policy-warnings', 'x-policy-filled']) t.ok(exposed.includes(name), `exposes ${name}`)
    t.match(response.headers.vary, /origin/i, 'caches keep answers per origin')
  }
  t.equal(app.sandboxUpstream.requests.length, 0, 'nothing forwarded')
})

t.test('OPTIONS /api/clients ...should give any other origin no Access-Control-Allow-* header at all', async t => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS })
  const admin = await login(app, 'admin')
  for (const origin of OTHERS) {
    const response = await app.inject(preflight(origin))
    t.same(corsHeaders(response), [], `preflight from ${origin}: ${response.statusCode}`)
    t.not(response.statusCode, 204, origin)
    const read = await app.inject({ url: '/api/clients', headers: { origin, cookie: admin.cookie } })
    t.same(corsHeaders(read), [], `GET from ${origin}`)
    t.match(read.headers.vary, /origin/i)
  }
  const noOrigin = await app.inject({ url: '/api/clients', headers: { cookie: admin.cookie } })
  t.same(corsHeaders(noOrigin), [], 'no Origin header: no CORS headers')
})

t.test('OPTIONS /api/clients ...should still refuse a non-preflight OPTIONS without a session', async t => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS })
  for (const headers of [{ origin: LISTED }, {}]) {
    const response = await app.inject({ method: 'OPTIONS', url: '/api/clients', headers })
    t.equal(response.statusCode, 401, JSON.stringify(headers))
    t.match(response.json(), { code: 'BFF_UNAUTHENTICATED' })
  }
})

t.test('GET /api/clients ...should let a listed origin read with credentials, errors included', async t => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS })
  const viewer = await login(app, 'viewer')
  const read = await app.inject({ url: '/api/clients', headers: { origin: LISTED, cookie: viewer.cookie } })
  t.equal(read.statusCode, 200)
  t.equal(read.headers['access-control-allow-origin'], LISTED)
  t.equal(read.headers['access-control-allow-credentials'], 'true')
  const anonymous = await app.inject({ url: '/api/clients', headers: { origin: LISTED } })
  t.equal(anonymous.statusCode, 401)
  t.equal(anonymous.headers['access-control-allow-origin'], LISTED, 'the page can read why it was refused')
})

t.test('POST /api/clients ...should still need the CSRF token from a listed origin', async t => {
  const { app } = await buildTestApp(t, { CORS_ORIGINS })
  const editor = await login(app, 'editor')
  const payload = { clientName: 'cors' }
  const refused = await app.inject({ method: 'POST', url: '/api/clients', headers: { origin: LISTED, cookie: editor.cookie }, payload })
  t.equal(refused.statusCode, 403)
  t.equal(refused.headers['access-control-allow-origin'], LISTED)
  const created = await app.inject({ method: 'POST', url: '/api/clients', headers: { origin: LISTED, ...editor.headers }, payload })
  t.equal(created.statusCode, 201)
  t.equal(created.headers['access-control-allow-origin'], LISTED)
})

t.test('GET /api/clients ...should send no CORS header ever when CORS_ORIGINS is unset', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  for (const origin of [LISTED, 'https://evil.example']) {
    t.same(corsHeaders(await app.inject(preflight(origin))), [], `preflight from ${origin}`)
    t.same(corsHeaders(await app.inject({ url: '/api/clients', headers: { origin, cookie: admin.cookie } })), [], `GET from ${origin}`)
    t.same(corsHeaders(await app.inject({ url: '/healthz', headers: { origin } })), [], `/healthz from ${origin}`)
  }
})
