import t from 'tap'
import { assertApiHeaders, assertProblem, harness, MOBILE, PORTAL } from './support.ts'

const NEW_CLIENT = {
  clientName: 'Initech Intranet',
  developer: 'initech',
  // No credential property: an editor may not set them (test/clients/credential-properties.test.ts).
  grantTypes: ['AUTHORIZATION_CODE'],
  responseTypes: ['CODE'],
  redirectUris: ['https://intranet.initech.example/cb'],
  extension: { requestableScopes: ['openid', 'profile'], accessTokenDuration: 3600 }
}

t.test('POST /api/clients ...should answer 201 with Location, ETag and the new client, secret included, to an editor', async t => {
  const h = await harness(t)
  const response = await h.call('editor', 'POST', '/api/clients', NEW_CLIENT)
  t.equal(response.statusCode, 201)
  assertApiHeaders(t, response)
  const created = response.json()
  t.match(String(created.clientId), /^\d+$/)
  t.match(created, NEW_CLIENT, 'the written properties come back')
  t.type(created.clientSecret, 'string', 'the generated secret is shown once, to its creator')
  t.ok(created.clientSecret.length > 0)
  t.equal(response.headers.location, `/api/clients/${created.clientId}`)
  t.match(response.headers.etag, /^"[^"]+"$/)

  const read = await h.call('admin', 'GET', String(response.headers.location))
  t.equal(read.statusCode, 200, 'Location names the new client')
  t.equal(String(read.json().clientId), String(created.clientId))
  t.equal(read.json().clientSecret, created.clientSecret)
  t.equal(read.headers.etag, response.headers.etag, 'create answers the ETag a read answers')
})

t.test('POST /api/clients ...should answer 403 to a viewer without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'POST', '/api/clients', NEW_CLIENT), 403)
  t.same(log.sent(), [])
})

t.test('POST /api/clients ...should pass an upstream rejection on with its status and resultCode', async t => {
  const h = await harness(t)
  // The alias `portal` is taken: Authlete answers 400 with its own result code.
  const problem = assertProblem(t, await h.call('editor', 'POST', '/api/clients', { clientName: 'Copy', clientIdAlias: 'portal' }), 400)
  t.equal(problem.resultCode, 'A051204')
  t.match(problem.resultMessage, /alias/)
})

t.test('GET /api/clients/:clientId ...should answer the client with the same ETag to a viewer and to an admin', async t => {
  const h = await harness(t)
  const viewer = await h.call('viewer', 'GET', `/api/clients/${PORTAL}`)
  const admin = await h.call('admin', 'GET', `/api/clients/${PORTAL}`)
  t.equal(viewer.statusCode, 200)
  assertApiHeaders(t, viewer)
  t.match(viewer.headers.etag, /^"[^"]+"$/)
  t.equal(viewer.headers.etag, admin.headers.etag)
  t.equal(String(viewer.json().clientId), PORTAL)
  t.equal(viewer.json().clientName, 'Acme Customer Portal')
})

t.test('GET /api/clients/:clientId ...should show clientSecret to admins only', async t => {
  const h = await harness(t)
  t.type((await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json().clientSecret, 'string')
  for (const role of ['viewer', 'editor'] as const) {
    const response = await h.call(role, 'GET', `/api/clients/${PORTAL}`)
    t.notOk('clientSecret' in response.json(), role)
    t.notOk(response.body.includes('clientSecret'), `${role}: not even in the text`)
  }
})

t.test('GET /api/clients/:clientId ...should change the ETag when the client changes', async t => {
  const h = await harness(t)
  const before = (await h.call('viewer', 'GET', `/api/clients/${MOBILE}`)).headers.etag
  t.equal((await h.call('admin', 'POST', `/api/clients/${MOBILE}/secret/refresh`)).statusCode, 200)
  const after = (await h.call('viewer', 'GET', `/api/clients/${MOBILE}`)).headers.etag
  t.not(after, before, 'a rotated secret changes the tag, though viewers do not see the secret')
})

t.test('GET /api/clients/:clientId ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('viewer', 'GET', '/api/clients/12345'), 404)
  t.equal(problem.resultCode, 'A051201')
  t.type(problem.resultMessage, 'string')
})

t.test('PUT /api/clients/:clientId ...should replace the writable properties with the body', async t => {
  const h = await harness(t)
  const replacement = { clientName: 'Portal v2', clientType: 'CONFIDENTIAL', redirectUris: ['https://v2.acme.example/cb'] }
  const response = await h.call('editor', 'PUT', `/api/clients/${PORTAL}`, replacement)
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const client = response.json()
  t.match(client, replacement)
  for (const dropped of ['description', 'contacts', 'attributes', 'developer']) {
    t.notOk(dropped in client, `${dropped} is gone: PUT is a full replacement`)
  }
  t.equal(client.clientIdAlias, PORTAL, 'the alias falls back to the client ID (API 3.0)')
  t.notOk('clientSecret' in client, 'no secret for an editor')
  const read = await h.call('editor', 'GET', `/api/clients/${PORTAL}`)
  t.same(read.json(), client, 'a read answers what the update answered')
  t.equal(read.headers.etag, response.headers.etag, 'and the same ETag')
})

t.test('PUT /api/clients/:clientId ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('editor', 'PUT', '/api/clients/12345', { clientName: 'x' }), 404)
  t.equal(problem.resultCode, 'A051201')
})

t.test('DELETE /api/clients/:clientId ...should answer 204, after which the client reads as 404 with the upstream resultCode', async t => {
  const h = await harness(t)
  const response = await h.call('admin', 'DELETE', `/api/clients/${MOBILE}`)
  t.equal(response.statusCode, 204)
  t.equal(response.body, '')
  assertApiHeaders(t, response)
  const problem = assertProblem(t, await h.call('viewer', 'GET', `/api/clients/${MOBILE}`), 404)
  t.equal(problem.resultCode, 'A051201')
  t.match(problem.resultMessage, MOBILE)
  const again = assertProblem(t, await h.call('admin', 'DELETE', `/api/clients/${MOBILE}`), 404)
  t.equal(again.resultCode, 'A051201')
})

t.test('DELETE /api/clients/:clientId ...should answer 403 to an editor and leave the client alone', async t => {
  const h = await harness(t)
  const log = h.mark()
  assertProblem(t, await h.call('editor', 'DELETE', `/api/clients/${MOBILE}`), 403)
  t.same(log.sent(), [])
  t.equal((await h.call('viewer', 'GET', `/api/clients/${MOBILE}`)).statusCode, 200)
})

t.test('PUT /api/clients/:clientId ...should keep the server-owned secret and creation time across a replacement', async t => {
  const h = await harness(t)
  const old = (await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json()
  const after = (await h.call('admin', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Bare' })).json()
  t.equal(after.clientName, 'Bare')
  t.equal(after.clientSecret, old.clientSecret, 'the secret is server-owned and kept')
  t.equal(after.createdAt, old.createdAt)
  t.notOk('redirectUris' in after)
})
