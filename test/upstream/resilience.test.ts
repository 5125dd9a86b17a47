import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

const CLIENT = { clientId: 1234, clientName: 'Resilient' }

async function setup (t: Test, extra: Record<string, string> = {}) {
  const fault = await startFaultUpstream(t)
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '9', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-resilience', AUTHLETE_TIMEOUT_MS: '400', ...extra
  })
  return { app, fault, admin: await login(app, 'admin') }
}

t.test('GET /api/clients/:clientId ...should retry a read after an upstream 503, honouring its Retry-After', async t => {
  const { app, fault, admin } = await setup(t, { AUTHLETE_TIMEOUT_MS: '3000' })
  let answers = 0
  fault.answer((_request, response) => {
    if (answers++ === 0) {
      response.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' })
      response.end('{"resultCode":"A001101","resultMessage":"busy"}')
    } else json(response, 200, CLIENT)
  })
  const started = Date.now()
  const response = await app.inject({ url: '/api/clients/1234', headers: admin.headers })
  t.equal(response.statusCode, 200)
  t.equal(fault.requests.length, 2)
  t.ok(Date.now() - started >= 950, 'waited for the upstream\'s Retry-After')
})

t.test('GET /api/clients/:clientId ...should not retry past AUTHLETE_TIMEOUT_MS: the retries share the call\'s deadline', async t => {
  const { app, fault, admin } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' })
    response.end('{"resultCode":"A001101","resultMessage":"busy"}')
  })
  const started = Date.now()
  const response = await app.inject({ url: '/api/clients/1234', headers: admin.headers })
  t.equal(response.statusCode, 502)
  t.equal(fault.requests.length, 1, 'a retry after 1 s would end after the 400 ms deadline: not made')
  // Waiting for the Retry-After would take its whole second, however fast the machine.
  t.ok(Date.now() - started < 1000, `answered without waiting for the Retry-After (${Date.now() - started} ms)`)
})

t.test('GET /api/clients ...should retry a read after a connection reset, and give up after AUTHLETE_RETRIES', async t => {
  // A deadline far beyond the backoff: only AUTHLETE_RETRIES ends the retries.
  const { app, fault, admin } = await setup(t, { AUTHLETE_RETRIES: '2', AUTHLETE_TIMEOUT_MS: '10000' })
  fault.answer(request => { request.socket.destroy() })
  const response = await app.inject({ url: '/api/clients', headers: admin.headers })
  t.equal(response.statusCode, 502)
  t.equal(fault.requests.length, 3, 'one try and two retries')
})

t.test('GET /api/clients ...should not hold the caller when the upstream asks for a long pause, and pass its Retry-After on', async t => {
  const { app, fault, admin } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' })
    response.end('{"resultCode":"A001301","resultMessage":"[A001301] Too many requests"}')
  })
  const response = await app.inject({ url: '/api/clients', headers: admin.headers })
  t.equal(response.statusCode, 429)
  t.equal(response.headers['retry-after'], '30')
  t.equal(response.json().resultCode, 'A001301')
  t.equal(fault.requests.length, 1)
})

t.test('GET /api/clients ...should not retry when the upstream does not answer in time (it may be working)', async t => {
  const { app, fault, admin } = await setup(t)
  fault.answer(() => {})
  const response = await app.inject({ url: '/api/clients', headers: admin.headers })
  t.equal(response.statusCode, 504)
  t.equal(fault.requests.length, 1)
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should never retry, although the upstream call is a GET', async t => {
  const { app, fault, admin } = await setup(t)
  fault.answer((_request, response) => json(response, 503, { resultCode: 'A001101', resultMessage: 'busy' }))
  const response = await app.inject({ method: 'POST', url: '/api/clients/1234/secret/refresh', headers: admin.headers })
  t.equal(response.statusCode, 502)
  t.equal(fault.requests.length, 1)
  t.equal(fault.requests[0]?.method, 'GET')
})

t.test('PUT /api/clients/:clientIdentifier/lock and DELETE /api/clients/:clientId ...should never retry a mutation', async t => {
  const { app, fault, admin } = await setup(t)
  fault.answer(request => { request.socket.destroy() })
  t.equal((await app.inject({ method: 'PUT', url: '/api/clients/1234/lock', payload: { locked: true }, headers: admin.headers })).statusCode, 502)
  t.equal((await app.inject({ method: 'DELETE', url: '/api/clients/1234', headers: admin.headers })).statusCode, 502)
  // The reads around them (the history's read of a client before its delete) may be retried; the writes never are.
  t.same(fault.requests.filter(request => !request.url.includes('/client/get/')).map(request => request.method), ['POST', 'DELETE'])
})

t.test('GET /api/clients/:clientId ...should open the circuit after repeated upstream faults, answer 503 at once, then probe and close it', async t => {
  const { app, fault, admin } = await setup(t, { AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '3', AUTHLETE_CIRCUIT_COOLDOWN_MS: '500' })
  fault.answer((_request, response) => json(response, 500, { resultCode: 'A001101', resultMessage: 'down' }))
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/api/clients/1234', headers: admin.headers })).statusCode, 502)
  const open = await app.inject({ url: '/api/clients/1234', headers: admin.headers })
  t.equal(open.statusCode, 503)
  t.equal(open.json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN')
  t.equal(open.headers['retry-after'], '1')
  t.equal(fault.requests.length, 3, 'the open circuit did not call the upstream')
  fault.answer((_request, response) => json(response, 200, CLIENT))
  // Until the cooldown ends every call is refused without reaching the upstream; then one probe goes.
  const opened = Date.now()
  let probe = open
  while (probe.statusCode === 503 && Date.now() - opened < 10_000) {
    t.equal(probe.json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN')
    await new Promise(resolve => setTimeout(resolve, 20))
    probe = await app.inject({ url: '/api/clients/1234', headers: admin.headers })
  }
  t.equal(probe.statusCode, 200, 'the probe went through')
  t.ok(Date.now() - opened >= 450, 'not before the cooldown')
  t.equal(fault.requests.length, 4, 'refused calls never reached the upstream')
  t.equal((await app.inject({ url: '/api/clients/1234', headers: admin.headers })).statusCode, 200, 'and closed the circuit')
  t.equal(fault.requests.length, 5)
})

t.test('GET /api/clients/:clientId ...should not count upstream rejections (4xx with a result) as faults', async t => {
  const { app, fault, admin } = await setup(t, { AUTHLETE_CIRCUIT_THRESHOLD: '2' })
  fault.answer((_request, response) => json(response, 404, { resultCode: 'A051201', resultMessage: 'no such client' }))
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/api/clients/1234', headers: admin.headers })).statusCode, 404)
  t.equal(fault.requests.length, 5)
})
