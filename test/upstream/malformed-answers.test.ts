import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

// Nothing in an error answer may come from the proxy's internals: a JavaScript message, a stack, a
// serializer's complaint. An upstream 200 of a shape the routes cannot read is the upstream's fault (502).
const INTERNAL_TEXT = /TypeError|is not a function|is required|cannot be converted|at .*\.ts|undefined|\bmap\b/

async function setup (t: Test) {
  const fault = await startFaultUpstream(t)
  const { app, logs } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: 'tok-malformed', AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '1000'
  })
  return { app, logs, fault, admin: await login(app, 'admin'), viewer: await login(app, 'viewer') }
}

const LIST_SHAPES: Array<[string, unknown]> = [
  ['clients is an object', { start: 0, end: 20, totalCount: 1, clients: { 1234: { clientId: 1234 } } }],
  ['clients is a string', { start: 0, end: 20, totalCount: 1, clients: 'none' }],
  ['clients holds numbers', { start: 0, end: 20, totalCount: 2, clients: [1, 2] }],
  ['clients holds null', { start: 0, end: 20, totalCount: 1, clients: [null] }],
  ['clients holds a list', { start: 0, end: 20, totalCount: 1, clients: [[{ clientId: 1 }]] }],
  ['totalCount is missing', { start: 0, end: 20, clients: [] }],
  ['totalCount is a string', { start: 0, end: 20, totalCount: 'many', clients: [] }],
  ['totalCount is not an integer', { start: 0, end: 20, totalCount: 1.5, clients: [] }]
]

for (const url of ['/api/clients', '/api/subjects/john/clients']) {
  t.test(`GET ${url} ...should answer 502 BFF_UPSTREAM_UNREADABLE, with no internal text, to an upstream 200 list of the wrong shape`, async t => {
    const { app, fault, admin, viewer } = await setup(t)
    for (const [shape, body] of LIST_SHAPES) {
      fault.answer((_request, response) => json(response, 200, body))
      for (const user of [admin, viewer]) {
        const response = await app.inject({ url, headers: user.headers })
        t.equal(response.statusCode, 502, shape)
        t.match(response.json(), { code: 'BFF_UPSTREAM_UNREADABLE', type: 'urn:authlete-bff:problem:upstream-unreadable' }, shape)
        t.notMatch(response.body, INTERNAL_TEXT, `${shape}: no internal text`)
      }
    }
    fault.answer((_request, response) => json(response, 200, { start: 0, end: 20, totalCount: 1, clients: [{ clientId: 1234, clientName: 'ok' }] }))
    const readable = await app.inject({ url, headers: viewer.headers })
    t.equal(readable.statusCode, 200, 'a list of the right shape is answered')
    t.match(readable.json(), { clients: [{ clientId: 1234 }], total: 1 })
  })
}

t.test('GET /api/clients ...should accept a list answer without clients or with clients null (no client yet)', async t => {
  const { app, fault, viewer } = await setup(t)
  for (const body of [{ start: 0, end: 20, totalCount: 0 }, { start: 0, end: 20, totalCount: 0, clients: null }]) {
    fault.answer((_request, response) => json(response, 200, body))
    const response = await app.inject({ url: '/api/clients', headers: viewer.headers })
    t.equal(response.statusCode, 200)
    t.same(response.json(), { clients: [], total: 0, offset: 0, limit: 20 })
  }
})

t.test('POST /api/clients ...should answer 502 BFF_UPSTREAM_UNREADABLE to a created client without a numeric clientId', async t => {
  const { app, fault, admin } = await setup(t)
  for (const body of [{ clientName: 'no id' }, { clientId: null }, { clientId: '12/../34' }, { clientId: 1.5 }]) {
    fault.answer((_request, response) => json(response, 200, body))
    const response = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'x' }, headers: admin.headers })
    t.equal(response.statusCode, 502, JSON.stringify(body))
    t.equal(response.json().code, 'BFF_UPSTREAM_UNREADABLE')
    t.notOk(response.headers.location, 'no Location for a client that cannot be named')
  }
})

t.test('an unexpected internal error ...should be answered 500 with a generic detail and no internal text, and logged in full', async t => {
  // A stand-in for a bug: the real routes are built to throw nothing but the catalogue's errors.
  const { app, logs } = await buildTestApp(t, {}, {
    extend: app => app.get('/broken', async () => { throw new TypeError('(data.clients ?? []).map is not a function at secret-host:5432') })
  })
  const response = await app.inject({ url: '/broken' })
  t.equal(response.statusCode, 500)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['detail', 'requestId', 'status', 'title', 'type'])
  t.match(body, { type: 'urn:authlete-bff:problem:internal', title: 'Internal Server Error', status: 500, detail: /unexpected error.*request id/ })
  t.notMatch(response.body, /is not a function|secret-host|TypeError|clients/)
  const logged = logs.map(line => JSON.parse(line) as { msg: string, reqId?: string, err?: { message: string } }).find(line => line.msg === 'request failed')
  t.match(logged, { reqId: body.requestId, err: { message: /is not a function at secret-host/ } }, 'the log keeps what the answer hides')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 502 BFF_UPSTREAM_UNREADABLE, with no internal text, to an upstream 200 that is not an object', async t => {
  const { app, fault, admin } = await setup(t)
  for (const body of [null, 'locked', 5, true]) {
    fault.answer((_request, response) => json(response, 200, body))
    const response = await app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })
    t.equal(response.statusCode, 502, JSON.stringify(body))
    t.match(response.json(), { code: 'BFF_UPSTREAM_UNREADABLE' }, JSON.stringify(body))
    t.notMatch(response.body, INTERNAL_TEXT, `${JSON.stringify(body)}: no internal text`)
  }
})
