import t from 'tap'
import { assertApiHeaders, assertProblem, harness, MOBILE, PORTAL } from './support.ts'

t.test('PUT /api/clients/:clientId/authorizations/:subject ...should change the scopes and answer the upstream result', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'PUT', `/api/clients/${PORTAL}/authorizations/john`, { scopes: ['openid'] })
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  t.equal(response.json().resultCode, 'A138001')
  t.match(response.json().resultMessage, /Updated 1 access token/)
  const none = await h.call('editor', 'PUT', `/api/clients/${PORTAL}/authorizations/nobody`, {})
  t.equal(none.statusCode, 200, 'scopes may be left out')
  t.match(none.json().resultMessage, /Updated 0 access token/)
})

t.test('PUT /api/clients/:clientId/authorizations/:subject ...should answer 400 to invalid scopes without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  for (const body of [{ scopes: 'openid' }, { scopes: ['has space'] }, { scopes: [''] }, { scopes: [1] }, { scopes: null }, { subject: 'other' }]) {
    assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${PORTAL}/authorizations/john`, body), 400)
  }
  t.same(log.sent(), [], 'nothing sent upstream')
})

t.test('PUT /api/clients/:clientId/authorizations/:subject ...should answer 403 to a viewer without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'PUT', `/api/clients/${PORTAL}/authorizations/john`, { scopes: ['openid'] }), 403)
  t.same(log.sent(), [])
})

t.test('DELETE /api/clients/:clientId/authorizations/:subject ...should delete the subject\'s tokens for the client', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'DELETE', `/api/clients/${PORTAL}/authorizations/alice`)
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  t.equal(response.json().resultCode, 'A137001')
  t.match(response.json().resultMessage, /Deleted 1 access token/)
  const alice = (await h.call('viewer', 'GET', '/api/subjects/alice/clients')).json()
  t.same({ clients: alice.clients, total: alice.total }, { clients: [], total: 0 }, 'alice has no authorized client left')
  const john = (await h.call('viewer', 'GET', '/api/subjects/john/clients')).json()
  t.equal(john.total, 2, 'other subjects keep theirs')
})

t.test('DELETE /api/clients/:clientId/authorizations/:subject ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('editor', 'DELETE', '/api/clients/12345/authorizations/john'), 404)
  t.equal(problem.resultCode, 'A051201')
})

t.test('GET /api/clients/:clientId/granted-scopes/:subject ...should answer the scopes the subject granted', async t => {
  const h = await harness(t)
  const response = await h.call('viewer', 'GET', `/api/clients/${MOBILE}/granted-scopes/john`)
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const body = response.json()
  t.equal(body.subject, 'john')
  t.same(body.latestGrantedScopes, ['openid', 'profile', 'offline_access'])
  t.same(body.mergedGrantedScopes, ['openid', 'profile', 'offline_access'])
  t.equal(body.resultCode, 'A139001', 'Authlete\'s answer passes through')
  const none = (await h.call('viewer', 'GET', `/api/clients/${MOBILE}/granted-scopes/alice`)).json()
  t.notOk('latestGrantedScopes' in none, 'no record: no scope lists (never null, which neither schema allows)')
})

t.test('DELETE /api/clients/:clientId/granted-scopes/:subject ...should forget the granted scopes and keep the tokens', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'DELETE', `/api/clients/${MOBILE}/granted-scopes/john`)
  t.equal(response.statusCode, 200)
  t.equal(response.json().resultCode, 'A140001')
  const after = (await h.call('viewer', 'GET', `/api/clients/${MOBILE}/granted-scopes/john`)).json()
  t.notOk('latestGrantedScopes' in after)
  t.notOk('mergedGrantedScopes' in after)
  t.equal((await h.call('viewer', 'GET', '/api/subjects/john/clients')).json().total, 2, 'the authorization itself stays')
})

t.test('DELETE /api/clients/:clientId/granted-scopes/:subject ...should answer 403 to a viewer without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'DELETE', `/api/clients/${MOBILE}/granted-scopes/john`), 403)
  t.same(log.sent(), [])
  t.same((await h.call('viewer', 'GET', `/api/clients/${MOBILE}/granted-scopes/john`)).json().latestGrantedScopes, ['openid', 'profile', 'offline_access'])
})

t.test('GET /api/clients/:clientId/granted-scopes/:subject ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('viewer', 'GET', '/api/clients/12345/granted-scopes/john'), 404)
  t.equal(problem.resultCode, 'A051201')
})
