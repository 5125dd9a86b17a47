import t from 'tap'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts'

const TOKEN = 'tok-errors-status-5f1d0c'
// Each status is mapped on its own here: no retries, and no circuit breaker tripping across cases
// (test/upstream/resilience.test.ts covers both).
const NO_RESILIENCE = { AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '1000' }
const CLIENT = '/api/clients/1234'

async function setup (t: Test, extra: Record<string, string> = {}) {
  const fault = await startFaultUpstream(t)
  const built = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN, AUTHLETE_TIMEOUT_MS: '300', ...NO_RESILIENCE, ...extra
  })
  const user = await login(built.app, 'admin')
  return { ...built, fault, user }
}

/** The RFC 9457 shape every error answer has. */
function assertProblem (t: Test, response: LightMyRequestResponse, status: number): Record<string, unknown> {
  t.equal(response.statusCode, status)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const body = response.json()
  t.match(body, { type: String, title: String, status, detail: String, requestId: response.headers['x-request-id'] })
  return body
}

function logLines (logs: string[]): Array<Record<string, unknown>> {
  return logs.map(line => JSON.parse(line) as Record<string, unknown>)
}

t.test('GET /api/clients/:clientId ...should pass on an upstream 404 with its resultCode and resultMessage', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => json(response, 404, { resultCode: 'A051201', resultMessage: '[A051201] No client has the ID 1234.' }))
  const body = assertProblem(t, await app.inject({ url: CLIENT, headers: user.headers }), 404)
  t.equal(body.resultCode, 'A051201')
  t.equal(body.resultMessage, '[A051201] No client has the ID 1234.')
  t.equal(body.detail, 'Authlete rejected the request (result A051201; its message is resultMessage)', 'the message once, in resultMessage')
})

t.test('POST /api/clients ...should pass on an upstream 400, 409 and 429 with the same status and result', async t => {
  const { app, fault, user } = await setup(t)
  for (const status of [400, 409, 429]) {
    fault.answer((_request, response) => json(response, status, { resultCode: `A00${status}`, resultMessage: `message ${status}` }))
    const response = await app.inject({ method: 'POST', url: '/api/clients', headers: user.headers, payload: { clientName: 'x' } })
    const body = assertProblem(t, response, status)
    t.match(body, { resultCode: `A00${status}`, resultMessage: `message ${status}` })
  }
})

for (const status of [401, 403]) {
  t.test(`GET /api/clients ...should turn an upstream ${status} (our own credentials refused) into a 502 logged as an error`, async t => {
    const { app, fault, user, logs } = await setup(t)
    fault.answer((_request, response) => json(response, status, { resultCode: 'A001203', resultMessage: '[A001203] The access token is invalid.' }))
    const response = await app.inject({ url: '/api/clients', headers: user.headers })
    const body = assertProblem(t, response, 502)
    t.equal(body.code, 'BFF_UPSTREAM_CREDENTIALS')
    t.notOk('resultCode' in body, 'the upstream result is not passed on')
    t.notOk(response.body.includes('access token is invalid'))
    const errors = logLines(logs).filter(line => line.level === 50 && line.reqId === body.requestId)
    t.equal(errors.length, 1, 'one error line for the request')
    t.match(errors[0], { err: { code: 'BFF_UPSTREAM_CREDENTIALS' } })
  })
}

t.test('GET /api/clients ...should answer 502 to an upstream 5xx without passing on its body', async t => {
  const { app, fault, user } = await setup(t)
  for (const status of [500, 502, 503, 504]) {
    fault.answer((_request, response) => json(response, status, {
      resultCode: 'A001101', resultMessage: 'java.lang.NullPointerException at com.authlete.server.ClientDao.find(ClientDao.java:42)'
    }))
    const response = await app.inject({ url: '/api/clients', headers: user.headers })
    const body = assertProblem(t, response, 502)
    t.equal(body.code, 'BFF_UPSTREAM_FAILED', `upstream ${status}`)
    t.notOk(response.body.includes('NullPointerException'))
    t.notOk(response.body.includes('A001101'))
  }
})

t.test('GET /api/clients/:clientId ...should answer 502 to an upstream 4xx without a resultCode (a proxy page, not Authlete)', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(404, { 'content-type': 'text/html' })
    response.end('<html><body>nginx: Not Found</body></html>')
  })
  const response = await app.inject({ url: CLIENT, headers: user.headers })
  const body = assertProblem(t, response, 502)
  t.equal(body.code, 'BFF_UPSTREAM_FAILED')
  t.notOk(response.body.includes('nginx'))
})

t.test('GET /api/clients ...should answer 502 to an upstream 200 that is not JSON', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<html>maintenance</html>')
  })
  const body = assertProblem(t, await app.inject({ url: '/api/clients', headers: user.headers }), 502)
  t.equal(body.code, 'BFF_UPSTREAM_UNREADABLE')
})

t.test('GET /api/clients/:clientId ...should answer 502 to an upstream 200 whose JSON is cut short', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{"clientId": 1234, "clientName": "cut')
  })
  const body = assertProblem(t, await app.inject({ url: CLIENT, headers: user.headers }), 502)
  t.equal(body.code, 'BFF_UPSTREAM_UNREADABLE')
})

t.test('GET /api/clients/:clientId ...should answer 502 to an upstream 200 whose JSON is not an object', async t => {
  const { app, fault, user } = await setup(t)
  const viewer = await login(app, 'viewer')
  for (const text of ['null', '[]', '"text"', '42', '']) {
    fault.answer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(text)
    })
    for (const headers of [user.headers, viewer.headers]) {
      const response = await app.inject({ url: CLIENT, headers })
      t.equal(response.statusCode, 502, `answer '${text}'`)
      t.equal(response.json().code, 'BFF_UPSTREAM_UNREADABLE', `answer '${text}'`)
    }
  }
})

t.test('GET /api/clients/:clientId ...should answer 502 to an empty 204 for a read, and accept it for DELETE /api/clients/:clientId', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => { response.writeHead(204); response.end() })
  const read = await app.inject({ url: CLIENT, headers: user.headers })
  t.equal(read.statusCode, 502)
  t.equal(read.json().code, 'BFF_UPSTREAM_UNREADABLE')
  const deleted = await app.inject({ method: 'DELETE', url: CLIENT, headers: user.headers })
  t.equal(deleted.statusCode, 204)
  t.equal(fault.requests.at(-1)?.method, 'DELETE')
})

for (const status of [301, 302, 303, 307, 308]) {
  t.test(`GET /api/clients ...should answer 502 to an upstream ${status} redirect and not follow it`, async t => {
    const { app, fault, user } = await setup(t)
    fault.answer((request, response) => {
      if (request.url?.startsWith('/elsewhere') === true) return json(response, 200, { clients: [], totalCount: 0 })
      response.writeHead(status, { location: `${fault.url}/elsewhere` })
      response.end()
    })
    const body = assertProblem(t, await app.inject({ url: '/api/clients', headers: user.headers }), 502)
    t.equal(body.code, 'BFF_UPSTREAM_REDIRECT')
    t.equal(fault.requests.length, 1, 'the fault server saw one request')
    t.notOk(fault.requests.some(request => request.url.startsWith('/elsewhere')))
  })
}

t.test('GET /api/clients ...should map upstream answers the same way with API v2 credentials', async t => {
  const fault: FaultUpstream = await startFaultUpstream(t)
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url,
    AUTHLETE_API_VERSION: 'v2',
    AUTHLETE_SERVICE_API_KEY: 'key-errors-v2',
    AUTHLETE_SERVICE_API_SECRET: 'secret-errors-v2',
    AUTHLETE_TIMEOUT_MS: '300',
    ...NO_RESILIENCE
  })
  const viewer = await login(app, 'viewer')
  fault.answer((_request, response) => json(response, 401, { resultCode: 'A001203', resultMessage: 'bad key' }))
  t.equal((await app.inject({ url: '/api/clients', headers: viewer.headers })).statusCode, 502)
  fault.answer((_request, response) => json(response, 400, { resultCode: 'A051205', resultMessage: 'bad range' }))
  const rejected = await app.inject({ url: '/api/clients', headers: viewer.headers })
  t.equal(rejected.statusCode, 400)
  t.equal(rejected.json().resultCode, 'A051205')
})

t.test('GET /api/clients/:clientId ...should answer 404 with the result when the upstream says the client does not exist with a 400', async t => {
  const { app, fault, user } = await setup(t)
  const missing = [
    { resultCode: 'A051201', resultMessage: '[A051201] /client/get, The client (ID = 1234) does not exist.' },
    { resultCode: 'A099999', resultMessage: '[A099999] /client/get, No client found: the client (ID = 1234) does not exist.' }
  ]
  for (const result of missing) {
    fault.answer((_request, response) => json(response, 400, result))
    const body = assertProblem(t, await app.inject({ url: CLIENT, headers: user.headers }), 404)
    t.match(body, result, `${result.resultCode} is passed on`)
  }
  fault.answer((_request, response) => json(response, 404, missing[0]))
  t.match(assertProblem(t, await app.inject({ url: CLIENT, headers: user.headers }), 404), missing[0], 'the 404 form gives the same answer')
  fault.answer((_request, response) => json(response, 400, { resultCode: 'A051202', resultMessage: '[A051202] /client/get, The client ID is not a valid number.' }))
  t.equal((await app.inject({ url: CLIENT, headers: user.headers })).statusCode, 400, 'another 400 stays a 400')
})
