import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

t.test('GET /healthz ...should answer without a session', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/healthz' })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'ok' })
})

t.test('GET /readyz ...should be ready when the upstream accepts the credentials', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/readyz' })
  t.equal(response.statusCode, 200)
  t.match(app.sandboxUpstream.requests.at(-1)?.path, /\/client\/get\/list$/)
})

t.test('GET /readyz ...should answer 502 when the upstream refuses the credentials, and ask it again later', async t => {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => json(response, 401, { resultCode: 'A001203', resultMessage: '[A001203] bad' }))
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-ready' })
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 502)
  fault.answer((_request, response) => json(response, 200, { start: 0, end: 1, totalCount: 0, clients: [] }))
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'a failed probe is not cached')
  t.equal(fault.requests.length, 2)
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
  t.equal(fault.requests.length, 2, 'a successful probe is reused for a few seconds')
})

t.test('GET /readyz ...should stay 200 when the upstream cannot be reached, and report it in the body and in bff_upstream_ready', async t => {
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: 'http://127.0.0.1:9', AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-ready' })
  const response = await app.inject({ url: '/readyz' })
  t.equal(response.statusCode, 200, 'the upstream is shared by every replica: its outage does not take this one out of the gateway')
  t.same(response.json(), { status: 'ready', upstream: { mode: 'authlete', url: 'http://127.0.0.1:9', apiVersion: 'v3', serviceId: '1', status: 'unavailable', code: 'BFF_UPSTREAM_UNAVAILABLE' }, version: app.serverInfo.version })
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_upstream_ready 0$/m)
})

t.test('GET /readyz ...should report a working upstream in the body and in bff_upstream_ready', async t => {
  const { app } = await buildTestApp(t)
  t.same((await app.inject({ url: '/readyz' })).json(), { status: 'ready', upstream: { ...app.serverInfo.upstream, mode: 'sandbox', status: 'ok' }, version: app.serverInfo.version })
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_upstream_ready 1$/m)
})

t.test('GET /readyz with READY_REQUIRES_UPSTREAM=true ...should answer 503 when the upstream cannot be reached', async t => {
  const { app } = await buildTestApp(t, { READY_REQUIRES_UPSTREAM: 'true', AUTHLETE_BASE_URL: 'http://127.0.0.1:9', AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-ready' })
  const response = await app.inject({ url: '/readyz' })
  t.equal(response.statusCode, 503)
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(response.json().code, 'BFF_UPSTREAM_UNAVAILABLE')
})
