import t, { type Test } from 'tap'
import type { AddressInfo } from 'node:net'
import { harness, type Harness, PORTAL } from './support.ts'

// The same contract over a real socket: what a browser behind the proxy actually receives.

async function listening (h: Harness): Promise<string> {
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = h.app.server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

function assertHeaders (t: Test, response: Response): void {
  t.equal(response.headers.get('cache-control'), 'no-store', 'cache-control')
  t.equal(response.headers.get('x-content-type-options'), 'nosniff', 'nosniff')
  t.equal(response.headers.get('x-powered-by'), null, 'no x-powered-by')
  t.equal(response.headers.get('server'), null, 'no server header')
  t.match(response.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, 'x-request-id')
}

async function assertProblem (t: Test, response: Response, status: number): Promise<Record<string, unknown>> {
  t.equal(response.status, status)
  assertHeaders(t, response)
  t.match(response.headers.get('content-type'), /^application\/problem\+json/)
  const problem = await response.json() as Record<string, unknown>
  t.equal(problem.status, status)
  for (const member of ['type', 'title', 'detail', 'requestId']) t.type(problem[member], 'string', member)
  t.equal(problem.requestId, response.headers.get('x-request-id'))
  return problem
}

t.test('GET /api/clients/:clientId ...should answer over HTTP with ETag, no-store, nosniff and no version headers', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const response = await fetch(`${base}/api/clients/${PORTAL}`, { headers: { cookie: h.sessions.viewer.cookie } })
  t.equal(response.status, 200)
  assertHeaders(t, response)
  t.match(response.headers.get('content-type'), /^application\/json/)
  t.match(response.headers.get('etag'), /^"[^"]+"$/)
  const client = await response.json() as Record<string, unknown>
  t.equal(String(client.clientId), PORTAL)
  t.notOk('clientSecret' in client)
})

t.test('GET /api/clients ...should answer its list over HTTP with the API headers', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const response = await fetch(`${base}/api/clients?developer=acme&limit=1`, { headers: { cookie: h.sessions.viewer.cookie } })
  t.equal(response.status, 200)
  assertHeaders(t, response)
  const body = await response.json() as { clients: unknown[], total: number, limit: number }
  t.same({ count: body.clients.length, total: body.total, limit: body.limit }, { count: 1, total: 2, limit: 1 })
})

t.test('POST /api/clients ...should answer 201 with Location over HTTP, and the Location reads the client', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const response = await fetch(`${base}/api/clients`, {
    method: 'POST',
    headers: { ...h.sessions.editor.headers, 'content-type': 'Application/JSON ; charset=UTF-8' },
    body: JSON.stringify({ clientName: 'Over HTTP' })
  })
  t.equal(response.status, 201)
  assertHeaders(t, response)
  const location = response.headers.get('location')!
  t.match(location, /^\/api\/clients\/\d+$/)
  const read = await fetch(base + location, { headers: { cookie: h.sessions.viewer.cookie } })
  t.equal(read.status, 200)
  t.equal((await read.json() as { clientName: string }).clientName, 'Over HTTP')
})

t.test('DELETE /api/clients/:clientId ...should answer 204 over HTTP with no body and the API headers', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const response = await fetch(`${base}/api/clients/${PORTAL}`, { method: 'DELETE', headers: h.sessions.admin.headers })
  t.equal(response.status, 204)
  assertHeaders(t, response)
  t.equal(await response.text(), '')
})

t.test('GET /api/clients/:clientId ...should answer errors over HTTP as problems with the API headers', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const cookie = h.sessions.admin.cookie
  const upstream404 = await assertProblem(t, await fetch(`${base}/api/clients/12345`, { headers: { cookie } }), 404)
  t.equal(upstream404.resultCode, 'A051201')
  await assertProblem(t, await fetch(`${base}/api/clients/abc`, { headers: { cookie } }), 400)
  await assertProblem(t, await fetch(`${base}/api/clients/${PORTAL}/nothing-here`, { headers: { cookie } }), 404)
  await assertProblem(t, await fetch(`${base}/api/clients/${PORTAL}`), 401)
  await assertProblem(t, await fetch(`${base}/api/clients/${PORTAL}`, {
    method: 'PUT', headers: { ...h.sessions.editor.headers, 'content-type': 'text/plain' }, body: '{}'
  }), 415)
  await assertProblem(t, await fetch(`${base}/api/clients/${PORTAL}`, {
    method: 'PUT', headers: { ...h.sessions.editor.headers, 'content-type': 'application/json', 'if-match': '"stale"' }, body: '{}'
  }), 412)
})

t.test('PUT /api/clients/:clientId ...should answer 415 over HTTP to a body sent without a Content-Type', async t => {
  const h = await harness(t)
  const base = await listening(h)
  const log = h.mark()
  const response = await fetch(`${base}/api/clients/${PORTAL}`, {
    method: 'PUT', headers: h.sessions.editor.headers, body: new Blob(['{"clientName":"x"}'])
  })
  await assertProblem(t, response, 415)
  t.same(log.sent(), [])
})
