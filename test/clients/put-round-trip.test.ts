import t from 'tap'
import { assertNamesProperty, assertProblem, harness, REPORTS, SERVER_OWNED } from './support.ts'

// GET, edit, PUT the same body: the server-owned properties GET answered come back with the edit.

const updatesIn = (sent: Array<{ path: string, body: string }>) => sent.filter(request => request.path.includes('client/update/'))

t.test('PUT /api/clients/:clientId ...should accept a client as GET answered it, edited, and forward only its writable part', async t => {
  const h = await harness(t)
  const current = (await h.call('editor', 'GET', `/api/clients/${REPORTS}`)).json()
  t.ok(SERVER_OWNED.filter(name => name in current).length >= 6, `GET answers server-owned properties: ${SERVER_OWNED.filter(name => name in current).join(', ')}`)
  const log = h.mark()
  const response = await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, { ...current, clientName: 'Edited in place' })
  t.equal(response.statusCode, 200, response.body)
  t.equal(response.json().clientName, 'Edited in place')
  t.equal(response.json().developer, current.developer, 'the other properties were sent back, so they stay')
  const sent = log.sent()
  t.same(sent.map(request => request.method), ['GET', 'POST'], 'one read, then the update')
  const forwarded = JSON.parse(updatesIn(sent)[0]!.body) as Record<string, unknown>
  t.same(SERVER_OWNED.filter(name => name in forwarded), [], 'no server-owned property is forwarded')
  t.equal(forwarded.clientName, 'Edited in place')

  const [record] = (await h.app.auditTrail.query({ limit: 1, action: 'client.update' })).records
  t.same(SERVER_OWNED.filter(name => record!.changedProperties!.includes(name)), [], 'the audit record lists only what the PUT sets')
  t.ok(record!.changedProperties!.includes('clientName'))
})

t.test('PUT /api/clients/:clientId ...should answer 400 naming each server-owned property that differs, and update nothing', async t => {
  const h = await harness(t)
  const current = (await h.call('editor', 'GET', `/api/clients/${REPORTS}`)).json()
  const log = h.mark()
  const problem = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, { ...current, clientName: 'x', modifiedAt: 1, number: current.number + 1 }), 400)
  t.equal(problem.code, 'BFF_READ_ONLY_CHANGED')
  assertNamesProperty(t, problem, '/body/modifiedAt')
  assertNamesProperty(t, problem, '/body/number')
  t.equal(problem.errors.length, 2, 'the equal ones are not named')
  t.match(problem.errors[0].message, /read-only: send its current value or leave it out/)
  t.same(updatesIn(log.sent()), [], 'nothing is updated')
  t.equal((await h.app.auditTrail.query({ limit: 10, action: 'client.update' })).records.length, 0, 'bad input is not an audited change')
})

t.test('PUT /api/clients/:clientId ...should take clientSecret back from an admin unchanged, and never compare it for others', async t => {
  const h = await harness(t)
  const asAdmin = (await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).json()
  t.type(asAdmin.clientSecret, 'string')
  t.equal((await h.call('admin', 'PUT', `/api/clients/${REPORTS}`, { ...asAdmin, description: 'admin round trip' })).statusCode, 200)
  const secret = (await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).json().clientSecret
  t.equal(secret, asAdmin.clientSecret, 'the secret is unchanged')
  // An editor who guessed the secret right learns nothing: the answer is the same 400 either way.
  const right = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'x', clientSecret: secret }), 400)
  const wrong = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'x', clientSecret: 'guess' }), 400)
  t.same(right.errors, wrong.errors)
  assertNamesProperty(t, right, '/body/clientSecret')
})

t.test('PUT /api/clients/:clientId ...should read the client once with If-Match and echoed properties, and answer 412 when it is stale', async t => {
  const h = await harness(t)
  const read = await h.call('editor', 'GET', `/api/clients/${REPORTS}`)
  const body = { ...read.json(), description: 'with if-match' }
  const log = h.mark()
  t.equal((await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, body, { 'content-type': 'application/json', 'if-match': read.headers.etag as string })).statusCode, 200)
  t.same(log.sent().map(request => request.method), ['GET', 'POST'], 'one read serves both checks')
  // The client changed since: its modifiedAt differs too, but the stale tag is the answer.
  const stale = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, body, { 'content-type': 'application/json', 'if-match': read.headers.etag as string }), 412)
  t.equal(stale.code, 'BFF_PRECONDITION_FAILED')
})

t.test('PUT /api/clients/:clientId ...should not read the client when the body has no server-owned property', async t => {
  const h = await harness(t)
  const log = h.mark()
  // An admin: below admin, PUT reads the client anyway, to keep its credential properties.
  t.equal((await h.call('admin', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'Only this' })).statusCode, 200)
  t.same(log.sent().map(request => request.method), ['POST'], 'the update alone')
})
