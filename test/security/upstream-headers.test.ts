import t from 'tap'
import type { Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts'

const TOKEN = 'tok-upstream-headers-3c9b2d'
const API_KEY = 'key-upstream-headers-71e0'
const API_SECRET = 'secret-upstream-headers-a4f2'

// What the proxy may send upstream: the credential, content negotiation, and what HTTP itself needs.
const ALLOWED = new Set(['host', 'authorization', 'accept', 'content-type', 'content-length', 'connection', 'transfer-encoding'])

const CALLER_HEADERS = {
  // Basic, not Bearer: a Bearer value is taken for an API token (and refused when it is not one).
  authorization: 'Basic Y2FsbGVyOm93bg==',
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  forwarded: 'for=203.0.113.9',
  'x-real-ip': '203.0.113.9',
  origin: 'https://evil.example',
  referer: 'https://evil.example/page',
  'user-agent': 'caller-agent/1.0',
  'x-custom-header': 'caller-custom',
  'accept-language': 'fr'
}

const LIST = { start: 0, end: 20, totalCount: 0, clients: [] }

async function setup (t: Test, version: 'v2' | 'v3' = 'v3'): Promise<{ fault: FaultUpstream, app: Awaited<ReturnType<typeof buildTestApp>>['app'] }> {
  const fault = await startFaultUpstream(t)
  const credentials: Record<string, string> = version === 'v3'
    ? { AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN }
    : { AUTHLETE_API_VERSION: 'v2', AUTHLETE_SERVICE_API_KEY: API_KEY, AUTHLETE_SERVICE_API_SECRET: API_SECRET }
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_TIMEOUT_MS: '1000', ...credentials })
  fault.answer((_request, response) => json(response, 200, LIST))
  return { fault, app }
}

function assertOnlyNeededHeaders (t: Test, headers: Record<string, unknown>, sessionCookie: string, csrfToken: string): void {
  const extra = Object.keys(headers).filter(name => !ALLOWED.has(name))
  t.same(extra, [], 'no header beyond the needed ones')
  const values = JSON.stringify(headers)
  for (const value of [...Object.values(CALLER_HEADERS), sessionCookie.split('=')[1]!, csrfToken]) {
    t.notOk(values.includes(value), `the caller's '${value.slice(0, 24)}' is not sent upstream`)
  }
  t.notOk('cookie' in headers, 'no Cookie')
  t.notOk(Object.keys(headers).some(name => name.startsWith('x-forwarded') || name === 'forwarded'), 'no X-Forwarded-*')
}

t.test('GET /api/clients ...should send upstream only its own Bearer token, never the caller\'s headers', async t => {
  const { fault, app } = await setup(t)
  const viewer = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients', headers: { ...CALLER_HEADERS, ...viewer.headers } })
  t.equal(response.statusCode, 200)
  t.equal(fault.requests.length, 1)
  const sent = fault.requests[0]!
  t.equal(sent.method, 'GET')
  t.match(sent.url, /^\/api\/123\/client\/get\/list\?/)
  t.equal(sent.headers.authorization, `Bearer ${TOKEN}`)
  t.equal(sent.headers.accept, 'application/json')
  assertOnlyNeededHeaders(t, sent.headers, viewer.cookie, viewer.csrfToken)
})

t.test('POST /api/clients ...should send a JSON body with its own content type and credential, nothing of the caller\'s request', async t => {
  const { fault, app } = await setup(t)
  fault.answer((_request, response) => json(response, 200, { clientId: 55, clientName: 'sent' }))
  const editor = await login(app, 'editor')
  const response = await app.inject({
    method: 'POST',
    url: '/api/clients',
    headers: { ...CALLER_HEADERS, ...editor.headers, 'content-type': 'application/json; charset=utf-8' },
    payload: JSON.stringify({ clientName: 'sent' })
  })
  t.equal(response.statusCode, 201)
  const sent = fault.requests[0]!
  t.equal(sent.headers.authorization, `Bearer ${TOKEN}`)
  t.equal(sent.headers['content-type'], 'application/json')
  t.same(JSON.parse(sent.body), { clientName: 'sent' })
  assertOnlyNeededHeaders(t, sent.headers, editor.cookie, editor.csrfToken)
})

t.test('GET /api/clients ...should keep sending the credential when the caller names it in a Connection header', async t => {
  const { fault, app } = await setup(t)
  const viewer = await login(app, 'viewer')
  for (const connection of ['authorization', 'close, authorization', 'keep-alive, Authorization, x-csrf-token']) {
    const response = await app.inject({ url: '/api/clients', headers: { ...viewer.headers, connection, authorization: 'Basic Y2FsbGVyOnNlY3JldA==' } })
    t.equal(response.statusCode, 200, connection)
  }
  t.equal(fault.requests.length, 3)
  for (const sent of fault.requests) {
    t.equal(sent.headers.authorization, `Bearer ${TOKEN}`)
    t.notMatch(String(sent.headers.connection ?? ''), /authorization/i)
  }
})

t.test('GET /api/clients ...should send API v2 credentials as HTTP Basic, and only those', async t => {
  const { fault, app } = await setup(t, 'v2')
  const viewer = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients', headers: { ...CALLER_HEADERS, ...viewer.headers } })
  t.equal(response.statusCode, 200)
  const sent = fault.requests[0]!
  t.match(sent.url, /^\/api\/client\/get\/list\?/)
  t.equal(sent.headers.authorization, `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`)
  assertOnlyNeededHeaders(t, sent.headers, viewer.cookie, viewer.csrfToken)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should forward no caller header on a mutation either', async t => {
  const { fault, app } = await setup(t)
  fault.answer((_request, response) => json(response, 200, { resultCode: 'A215001', resultMessage: 'locked' }))
  const editor = await login(app, 'editor')
  const response = await app.inject({
    method: 'PUT', url: '/api/clients/portal/lock', headers: { ...CALLER_HEADERS, ...editor.headers }, payload: { locked: true }
  })
  t.equal(response.statusCode, 200)
  // The write; the history reads the client after it.
  const sent = fault.requests.find(request => request.method === 'POST')!
  t.equal(sent.method, 'POST')
  t.same(JSON.parse(sent.body), { clientLocked: true })
  assertOnlyNeededHeaders(t, sent.headers, editor.cookie, editor.csrfToken)
})
