import t from 'tap'
import { createHash } from 'node:crypto'
import { assertApiHeaders, assertProblem, harness, type Harness, PORTAL, REPORTS } from './support.ts'

const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' }

async function clientWithExtension (h: Harness): Promise<string> {
  const response = await h.call('editor', 'POST', '/api/clients', {
    clientName: 'Extended',
    description: 'to be removed',
    contacts: ['a@example.com'],
    redirectUris: ['https://ext.example/cb'],
    extension: { requestableScopes: ['openid', 'email'], accessTokenDuration: 3600, refreshTokenDuration: 86400 }
  })
  t.equal(response.statusCode, 201)
  return String(response.json().clientId)
}

const updatesIn = (requests: Array<{ method: string, path: string }>) => requests.filter(request => request.path.includes('/client/update/'))

t.test('PATCH /api/clients/:clientId ...should merge the patch: null removes, values replace, absent keeps, extension merges', async t => {
  const h = await harness(t)
  const id = await clientWithExtension(h)
  const response = await h.call('editor', 'PATCH', `/api/clients/${id}`, JSON.stringify({
    clientName: 'Renamed',
    description: null,
    contacts: ['b@example.com'],
    extension: { accessTokenDuration: 600, requestableScopes: null }
  }), MERGE_PATCH)
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const client = response.json()
  t.equal(client.clientName, 'Renamed')
  t.notOk('description' in client, 'null removed description')
  t.same(client.contacts, ['b@example.com'], 'arrays are replaced, not merged')
  t.same(client.redirectUris, ['https://ext.example/cb'], 'absent property kept')
  t.same(client.extension, { accessTokenDuration: 600, refreshTokenDuration: 86400 }, 'extension merged one level down')
  t.notOk('clientSecret' in client, 'no secret for an editor')
  const read = await h.call('editor', 'GET', `/api/clients/${id}`)
  t.same(read.json(), client)
  t.equal(read.headers.etag, response.headers.etag, 'the answer carries the ETag a read answers')
})

t.test('PATCH /api/clients/:clientId ...should remove the whole extension when it is null', async t => {
  const h = await harness(t)
  const id = await clientWithExtension(h)
  const client = (await h.call('editor', 'PATCH', `/api/clients/${id}`, JSON.stringify({ extension: null }), MERGE_PATCH)).json()
  t.notOk('extension' in client)
  t.equal(client.clientName, 'Extended')
})

t.test('PATCH /api/clients/:clientId ...should accept application/json and a Content-Type in any case and spacing', async t => {
  const h = await harness(t)
  const types: Array<[string, string]> = [['application/json', 'json'], ['Application/Merge-Patch+JSON ; charset=UTF-8', 'spaced'], ['APPLICATION/JSON;charset=utf-8', 'upper']]
  for (const [type, name] of types) {
    const response = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, JSON.stringify({ description: name }), { 'content-type': type })
    t.equal(response.statusCode, 200, type)
    t.equal(response.json().description, name, type)
  }
})

t.test('PATCH /api/clients/:clientId ...should keep the server-owned properties and the secret', async t => {
  const h = await harness(t)
  const before = (await h.call('admin', 'GET', `/api/clients/${PORTAL}`)).json()
  const after = (await h.call('admin', 'PATCH', `/api/clients/${PORTAL}`, JSON.stringify({ clientName: 'P' }), MERGE_PATCH)).json()
  for (const name of ['clientId', 'number', 'serviceNumber', 'clientSecret', 'createdAt']) t.same(after[name], before[name], name)
  t.ok(after.modifiedAt > before.modifiedAt, 'modifiedAt moved on')
})

t.test('PATCH /api/clients/:clientId ...should answer 404 with the upstream resultCode for an unknown client', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('editor', 'PATCH', '/api/clients/12345', JSON.stringify({ clientName: 'x' }), MERGE_PATCH), 404)
  t.equal(problem.resultCode, 'A051201')
})

for (const method of ['PUT', 'PATCH'] as const) {
  const body = JSON.stringify({ clientName: 'Overwritten' })
  const type = method === 'PUT' ? { 'content-type': 'application/json' } : MERGE_PATCH

  t.test(`${method} /api/clients/:clientId ...should answer 412 when If-Match is stale and update nothing upstream`, async t => {
    const h = await harness(t)
    const stale = (await h.call('editor', 'GET', `/api/clients/${REPORTS}`)).headers.etag as string
    t.equal((await h.call('editor', 'PATCH', `/api/clients/${REPORTS}`, JSON.stringify({ description: 'someone else' }), MERGE_PATCH)).statusCode, 200)
    const log = h.mark()
    const problem = assertProblem(t, await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': stale }), 412)
    t.equal(problem.code, 'BFF_PRECONDITION_FAILED')
    t.same(updatesIn(log.sent()), [], 'no update sent upstream')
    t.equal(log.sent().length, 1, 'only the read')
    const current = (await h.call('editor', 'GET', `/api/clients/${REPORTS}`)).json()
    t.equal(current.description, 'someone else', 'the other change survives')
    t.not(current.clientName, 'Overwritten')
  })

  t.test(`${method} /api/clients/:clientId ...should answer 200 when If-Match is the current ETag, and a new ETag`, async t => {
    const h = await harness(t)
    const current = (await h.call('viewer', 'GET', `/api/clients/${REPORTS}`)).headers.etag as string
    const response = await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': current })
    t.equal(response.statusCode, 200)
    t.equal(response.json().clientName, 'Overwritten')
    t.match(response.headers.etag, /^"[^"]+"$/)
    t.not(response.headers.etag, current)
    const again = await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': current })
    assertProblem(t, again, 412)
  })

  t.test(`${method} /api/clients/:clientId ...should accept If-Match * and a list holding the current ETag, and refuse a weak tag`, async t => {
    const h = await harness(t)
    t.equal((await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': '*' })).statusCode, 200, '*')
    const current = (await h.call('viewer', 'GET', `/api/clients/${REPORTS}`)).headers.etag as string
    t.equal((await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': `"nope", ${current}` })).statusCode, 200, 'list')
    const now = (await h.call('viewer', 'GET', `/api/clients/${REPORTS}`)).headers.etag as string
    const log = h.mark()
    assertProblem(t, await h.call('editor', method, `/api/clients/${REPORTS}`, body, { ...type, 'if-match': `W/${now}` }), 412)
    t.same(updatesIn(log.sent()), [], 'weak tags never match')
  })
}

t.test('PUT /api/clients/:clientId ...should accept an admin\'s ETag from an editor (the tag does not depend on the role)', async t => {
  const h = await harness(t)
  const fromAdmin = (await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).headers.etag as string
  const response = await h.call('editor', 'PUT', `/api/clients/${REPORTS}`, { clientName: 'By editor' }, { 'if-match': fromAdmin })
  t.equal(response.statusCode, 200)
})

// The ETag covers the secret; unkeyed, anyone who reads the client could test guesses of the secret
// offline (a secret an admin chose may be guessable).
t.test('GET /api/clients/:clientId ...should not let a viewer confirm a guess of the client secret from the ETag', async t => {
  const h = await harness(t)
  const chosen = 'hunter2'.repeat(5)
  t.equal((await h.call('admin', 'PUT', `/api/clients/${REPORTS}/secret`, { clientSecret: chosen })).statusCode, 200)
  const response = await h.call('viewer', 'GET', `/api/clients/${REPORTS}`)
  const seen = Object.entries(response.json() as Record<string, unknown>)
  const tagIfSecretWere = (guess: string) => {
    const entries = [...seen]
    entries.splice(entries.findIndex(([name]) => name === 'clientId') + 1, 0, ['clientSecret', guess])
    return `"${createHash('sha256').update(JSON.stringify(Object.fromEntries(entries))).digest('base64url').slice(0, 27)}"`
  }
  t.not(tagIfSecretWere('password'), response.headers.etag, 'a wrong guess does not match')
  t.not(tagIfSecretWere(chosen), response.headers.etag, 'the right guess does not match either')
})
