import t from 'tap'
import { assertApiHeaders, assertProblem, harness, PORTAL, REPORTS } from './support.ts'

t.test('PUT /api/clients/:clientIdentifier/lock ...should lock a client named by its alias and answer the upstream result', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'PUT', '/api/clients/portal/lock', { locked: true })
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const body = response.json()
  t.equal(body.resultCode, 'A215001')
  t.type(body.resultMessage, 'string')
  t.equal((await h.call('viewer', 'GET', `/api/clients/${PORTAL}`)).json().locked, true, 'the client is locked')
  t.equal((await h.call('editor', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: false })).statusCode, 200, 'by its ID too')
  t.equal((await h.call('viewer', 'GET', `/api/clients/${PORTAL}`)).json().locked, false, 'and unlocked')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 404 with the upstream resultCode for a disabled alias (API 2.x; in 3.0 every alias is enabled)', async t => {
  const h = await harness(t, { AUTHLETE_API_VERSION: 'v2' })
  const problem = assertProblem(t, await h.call('editor', 'PUT', '/api/clients/globex-reports/lock', { locked: true }), 404)
  t.equal(problem.resultCode, 'A051201')
  t.equal((await h.call('viewer', 'GET', `/api/clients/${REPORTS}`)).json().locked, false)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 400 to a locked value that is not a boolean, without coercing it', async t => {
  const h = await harness(t)
  const log = h.mark()
  for (const body of [{ locked: 'true' }, { locked: 1 }, { locked: null }, {}, { locked: true, reason: 'x' }]) {
    const problem = assertProblem(t, await h.call('editor', 'PUT', '/api/clients/portal/lock', body), 400)
    t.ok(problem.errors.length > 0, JSON.stringify(body))
  }
  t.same(log.sent(), [], 'nothing sent upstream')
  t.equal((await h.call('viewer', 'GET', `/api/clients/${PORTAL}`)).json().locked, false)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 403 to a viewer without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'PUT', '/api/clients/portal/lock', { locked: true }), 403)
  t.same(log.sent(), [])
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should answer the new and the old secret to an admin', async t => {
  const h = await harness(t)
  const old = (await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json().clientSecret
  const response = await h.call('admin', 'POST', '/api/clients/portal/secret/refresh')
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const body = response.json()
  t.equal(body.resultCode, 'A148001')
  t.type(body.resultMessage, 'string')
  t.equal(body.oldClientSecret, old)
  t.type(body.newClientSecret, 'string')
  t.not(body.newClientSecret, old)
  t.equal((await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json().clientSecret, body.newClientSecret, 'the new secret is in force')
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should answer 403 to an editor and leave the secret alone', async t => {
  const h = await harness(t)
  const old = (await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json().clientSecret
  const log = h.mark()
  assertProblem(t, await h.call('editor', 'POST', '/api/clients/portal/secret/refresh'), 403)
  t.same(log.sent(), [])
  t.equal((await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json().clientSecret, old)
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('admin', 'POST', '/api/clients/no-such-alias/secret/refresh'), 404)
  t.equal(problem.resultCode, 'A051201')
})

t.test('PUT /api/clients/:clientIdentifier/secret ...should set the given secret and answer it with the old one', async t => {
  const h = await harness(t)
  let previous = (await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).json().clientSecret
  for (const secret of ['new_Secret-1'.padEnd(32, '0'), 'x'.repeat(32), 'A'.repeat(86)]) {
    const response = await h.call('admin', 'PUT', `/api/clients/${REPORTS}/secret`, { clientSecret: secret })
    t.equal(response.statusCode, 200, secret)
    t.equal(response.json().resultCode, 'A149001')
    t.same({ newClientSecret: response.json().newClientSecret, oldClientSecret: response.json().oldClientSecret }, { newClientSecret: secret, oldClientSecret: previous })
    previous = secret
  }
  t.equal((await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).json().clientSecret, 'A'.repeat(86), 'the last secret is in force')
})

t.test('PUT /api/clients/:clientIdentifier/secret ...should answer 400 to a secret outside ^[A-Za-z0-9_-]{32,86}$ without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  const long = (text: string) => text.padEnd(32, 'a')
  for (const secret of ['', 'A'.repeat(87), long('has space'), long('plus+sign'), long('slash/'), long('ü'), long('new\nline'), 42, null]) {
    const problem = assertProblem(t, await h.call('admin', 'PUT', '/api/clients/portal/secret', { clientSecret: secret }), 400)
    t.match(problem.errors, [{ path: '/body/clientSecret' }], JSON.stringify(secret))
  }
  const extra = assertProblem(t, await h.call('admin', 'PUT', '/api/clients/portal/secret', { clientSecret: 'o'.repeat(32), clientId: 1 }), 400)
  t.match(extra.errors, [{ path: '/body/clientId' }])
  t.same(log.sent(), [], 'nothing sent upstream')
})

t.test('PUT /api/clients/:clientIdentifier/secret ...should answer 403 to an editor without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('editor', 'PUT', '/api/clients/portal/secret', { clientSecret: 'a'.repeat(32) }), 403)
  t.same(log.sent(), [])
})
