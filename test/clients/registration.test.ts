import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { authleteDocument } from '../helpers/authlete-documents.ts'
import { allRecords } from '../audit/trail.ts'
import { assertApiHeaders, assertProblem, harness, DYNAMIC, PORTAL } from './support.ts'

const url = `/api/clients/${DYNAMIC}/registration`

t.test('PUT /api/clients/:clientId/registration ...should answer 200 with the RFC 7592 answer when Authlete says UPDATED', async t => {
  const h = await harness(t)
  const token = h.upstream.seed.registrationAccessToken
  const response = await h.call('editor', 'PUT', url, { registrationAccessToken: token, metadata: { client_name: 'Initech v2', contacts: ['ops@initech.example'] } })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/json/)
  assertApiHeaders(t, response)
  const body = response.json()
  t.equal(body.client_id, DYNAMIC)
  t.equal(body.client_name, 'Initech v2')
  t.same(body.contacts, ['ops@initech.example'])
  t.equal(body.registration_access_token, token)
  t.notOk('client_secret' in body, 'no secret for an editor')
  t.equal((await h.call('viewer', 'GET', `/api/clients/${DYNAMIC}`)).json().clientName, 'Initech v2', 'the client changed')
})

t.test('PUT /api/clients/:clientId/registration ...should show client_secret to an admin', async t => {
  const h = await harness(t)
  const secret = (await h.call('admin', 'GET', `/api/clients/${DYNAMIC}`)).json().clientSecret
  const body = (await h.call('admin', 'PUT', url, { registrationAccessToken: h.upstream.seed.registrationAccessToken, metadata: { client_name: 'x' } })).json()
  t.equal(body.client_secret, secret)
})

t.test('PUT /api/clients/:clientId/registration ...should answer 401 with the RFC 7592 error when the token is wrong', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'PUT', url, { registrationAccessToken: 'not-the-token', metadata: { client_name: 'Hijacked' } })
  t.equal(response.statusCode, 401)
  t.match(response.headers['content-type'], /^application\/json/)
  assertApiHeaders(t, response)
  const body = response.json()
  t.equal(body.error, 'invalid_token')
  t.type(body.error_description, 'string')
  t.not((await h.call('viewer', 'GET', `/api/clients/${DYNAMIC}`)).json().clientName, 'Hijacked')
  const other = await h.call('editor', 'PUT', `/api/clients/${PORTAL}/registration`, { registrationAccessToken: h.upstream.seed.registrationAccessToken, metadata: {} })
  t.equal(other.statusCode, 401, 'a token is good for its own client only')
})

t.test('PUT /api/clients/:clientId/registration ...should answer 400 with the RFC 7592 error when Authlete says BAD_REQUEST', async t => {
  const h = await harness(t)
  const token = h.upstream.seed.registrationAccessToken
  const response = await h.call('editor', 'PUT', url, { registrationAccessToken: token, metadata: { client_id: '1' } })
  t.equal(response.statusCode, 400)
  t.equal(response.json().error, 'invalid_client_metadata')
  t.type(response.json().error_description, 'string')
  const badGrant = await h.call('editor', 'PUT', url, { registrationAccessToken: token, metadata: { grant_types: ['magic'] } })
  t.equal(badGrant.statusCode, 400)
  t.match(badGrant.json(), { error: /^invalid_/ })
})

t.test('PUT /api/clients/:clientId/registration ...should answer 400 to a body that is not {registrationAccessToken, metadata} without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  const token = h.upstream.seed.registrationAccessToken
  for (const body of [{ metadata: {} }, { registrationAccessToken: token }, { registrationAccessToken: '', metadata: {} },
    { registrationAccessToken: token, metadata: 'text' }, { registrationAccessToken: token, metadata: [] }, { registrationAccessToken: token, metadata: {}, extra: 1 }]) {
    assertProblem(t, await h.call('editor', 'PUT', url, body), 400)
  }
  t.same(log.sent(), [])
})

t.test('PUT /api/clients/:clientId/registration ...should answer 403 to a viewer without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'PUT', url, { registrationAccessToken: h.upstream.seed.registrationAccessToken, metadata: {} }), 403)
  t.same(log.sent(), [])
})

/** The app in front of a scripted upstream that answers the registration call with `answer`. */
async function scripted (t: Test, answer: unknown) {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => json(response, 200, answer))
  // It answers the client's read with the same answer, not a client: the policy (test/policy) is off.
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '1234', AUTHLETE_SERVICE_ACCESS_TOKEN: 'service-token', POLICY_PROFILE: 'off' })
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'PUT', url, headers: editor.headers, payload: { registrationAccessToken: 'token', metadata: { client_name: 'x' } } })
  return { response, fault }
}

t.test('PUT /api/clients/:clientId/registration ...should answer 502 with the RFC 7592 answer when Authlete says INTERNAL_SERVER_ERROR', async t => {
  const content = { error: 'server_error', error_description: 'Authlete failed' }
  const { response, fault } = await scripted(t, { resultCode: 'A213101', resultMessage: 'failed', action: 'INTERNAL_SERVER_ERROR', responseContent: JSON.stringify(content) })
  t.equal(response.statusCode, 502)
  t.same(response.json(), content)
  t.same(fault.requests.map(request => request.method), ['GET', 'POST'], 'sent once (an editor\'s update reads the client first, for its credential metadata)')
})

t.test('PUT /api/clients/:clientId/registration ...should answer a 502 problem when the action is unknown (an Object.prototype name too) or the content unreadable', async t => {
  for (const answer of [
    { action: 'CREATED', responseContent: '{}' },
    { action: 'toString', responseContent: '{}' },
    { action: 'constructor', responseContent: '{}' },
    { action: 'UPDATED', responseContent: 'not json' },
    { action: 'UPDATED', responseContent: '[1]' },
    { action: 'UPDATED' }
  ]) {
    const { response } = await scripted(t, { resultCode: 'A0', resultMessage: 'x', ...answer })
    const problem = assertProblem(t, response, 502)
    t.equal(problem.code, 'BFF_UPSTREAM_UNREADABLE', JSON.stringify(answer))
  }
})

t.test('PUT /api/clients/:clientId/registration ...should leave client_secret out of an UPDATED answer for an editor even if Authlete sends it', async t => {
  const { response } = await scripted(t, { action: 'UPDATED', responseContent: JSON.stringify({ client_id: DYNAMIC, client_secret: 's3cret' }) })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { client_id: DYNAMIC })
  t.notOk(response.body.includes('s3cret'))
})

// The documents' own example answer: UPDATED, a client, and a responseContent that is not JSON.
function documentedUpdateAnswer (api: 'v2' | 'v3'): Record<string, unknown> {
  const path = api === 'v3' ? '/api/{serviceId}/client/registration/update' : '/api/client/registration/update'
  const response = authleteDocument(api).paths[path].post.responses['200'].content['application/json']
  return response.example ?? Object.values(response.examples as Record<string, { value: Record<string, unknown> }>)[0]!.value
}

for (const api of ['v3', 'v2'] as const) {
  t.test(`PUT /api/clients/:clientId/registration ...should answer 200 with the client's RFC 7591 metadata when UPDATED comes without a readable responseContent (the ${api} document's example)`, async t => {
    const example = documentedUpdateAnswer(api)
    t.equal(example.action, 'UPDATED')
    t.throws(() => JSON.parse(String(example.responseContent)), 'the example content is not JSON')
    for (const responseContent of [example.responseContent, undefined, '[1]']) {
      const { response } = await scripted(t, { ...example, responseContent })
      t.equal(response.statusCode, 200, response.body)
      const metadata = response.json()
      t.match(metadata, { client_id: '26837717140341', client_name: 'My Updated Dynamic Client', token_endpoint_auth_method: 'client_secret_basic', subject_type: 'public', id_token_signed_response_alg: 'RS256', client_id_issued_at: 1641735467 })
      t.notOk('client_secret' in metadata, 'no secret for an editor')
      t.notOk('registration_access_token' in metadata, 'nothing the client does not carry')
    }
  })
}

t.test('PUT /api/clients/:clientId/registration ...should still answer 502 when UPDATED has neither a readable responseContent nor a client', async t => {
  for (const client of [undefined, 'text', [1]]) {
    const { response } = await scripted(t, { action: 'UPDATED', responseContent: 'not json', client })
    t.equal(assertProblem(t, response, 502).code, 'BFF_UPSTREAM_UNREADABLE')
  }
})

t.test('PUT /api/clients/:clientId/registration ...should be judged by the security policy (422, nothing forwarded), audited as registration.update', async t => {
  const h = await harness(t)
  const sent = h.mark()
  const metadata = { client_name: 'Initech', grant_types: ['authorization_code', 'password'] }
  const response = await h.call('editor', 'PUT', url, { registrationAccessToken: h.upstream.seed.registrationAccessToken, metadata })
  const problem = assertProblem(t, response, 422)
  t.equal(problem.code, 'BFF_POLICY_VIOLATION')
  t.match(problem.violations, [{ rule: 'no-password-grant', property: 'grantTypes', value: 'PASSWORD' }])
  t.same(sent.sent().filter(request => request.method !== 'GET'), [], 'no update forwarded')
  const [record] = await allRecords(h.app)
  t.match(record, { action: 'registration.update', outcome: 'denied', status: 422 })
})
