import t from 'tap'
import { assertApiHeaders, assertProblem, harness, DYNAMIC, MOBILE, PORTAL, REPORTS } from './support.ts'

const ids = (body: { clients: Array<{ clientId: unknown }> }) => body.clients.map(client => String(client.clientId))

t.test('GET /api/clients ...should answer the first 20 clients with offset 0 and limit 20 by default', async t => {
  const h = await harness(t)
  const log = h.mark()
  const response = await h.call('viewer', 'GET', '/api/clients')
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['clients', 'limit', 'offset', 'total'])
  t.same({ offset: body.offset, limit: body.limit, total: body.total }, { offset: 0, limit: 20, total: 4 })
  t.same(ids(body).sort(), [PORTAL, MOBILE, REPORTS, DYNAMIC].sort())
  t.equal(log.sent().length, 1)
  t.equal(log.sent()[0]!.query, 'start=0&end=20')
})

t.test('GET /api/clients ...should answer the page named by offset and limit with the total of all matches', async t => {
  const h = await harness(t)
  const all = ids((await h.call('viewer', 'GET', '/api/clients')).json())
  const response = await h.call('viewer', 'GET', '/api/clients?offset=1&limit=2')
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same({ offset: body.offset, limit: body.limit, total: body.total }, { offset: 1, limit: 2, total: 4 })
  t.same(ids(body), all.slice(1, 3))
  const past = (await h.call('viewer', 'GET', '/api/clients?offset=10&limit=5')).json()
  t.same({ clients: past.clients, total: past.total, offset: past.offset, limit: past.limit }, { clients: [], total: 4, offset: 10, limit: 5 })
})

t.test('GET /api/clients ...should list only the developer\'s clients when developer is given', async t => {
  const h = await harness(t)
  const body = (await h.call('viewer', 'GET', '/api/clients?developer=acme')).json()
  t.same(ids(body).sort(), [PORTAL, MOBILE].sort())
  t.equal(body.total, 2)
  t.ok(body.clients.every((client: { developer: string }) => client.developer === 'acme'))
})

t.test('GET /api/clients ...should accept limit 100 and answer 400 to limit 101 without calling upstream', async t => {
  const h = await harness(t)
  const ok = await h.call('viewer', 'GET', '/api/clients?limit=100')
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().limit, 100)
  const before = h.upstream.requests.length
  const problem = assertProblem(t, await h.call('viewer', 'GET', '/api/clients?limit=101'), 400)
  t.match(problem.errors, [{ path: '/querystring/limit' }])
  t.equal(h.upstream.requests.length, before, 'nothing sent upstream')
})

t.test('GET /api/clients ...should answer 400 to invalid paging or unknown query parameters without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  for (const query of ['limit=0', 'limit=', 'limit=ten', 'offset=-1', 'offset=1.5', 'limit=1&limit=2', 'developer=', 'start=0', 'end=5']) {
    const response = await h.call('viewer', 'GET', `/api/clients?${query}`)
    t.equal(response.statusCode, 400, query)
    t.match(response.headers['content-type'], /^application\/problem\+json/, query)
  }
  t.same(log.sent(), [], 'nothing sent upstream')
})

t.test('GET /api/clients ...should leave clientSecret out for viewers and editors and show it to admins', async t => {
  const h = await harness(t)
  for (const role of ['viewer', 'editor'] as const) {
    const body = (await h.call(role, 'GET', '/api/clients')).json()
    t.equal(body.clients.length, 4)
    t.notOk(body.clients.some((client: object) => 'clientSecret' in client), `no secret for ${role}`)
  }
  const body = (await h.call('admin', 'GET', '/api/clients')).json()
  t.ok(body.clients.every((client: { clientSecret?: unknown }) => typeof client.clientSecret === 'string'), 'admin sees secrets')
})

t.test('GET /api/clients ...should answer 401 to an anonymous caller without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  const response = await h.app.inject({ url: '/api/clients' })
  assertProblem(t, response, 401)
  t.same(log.sent(), [])
})

t.test('GET /api/subjects/:subject/clients ...should answer the clients the subject authorized', async t => {
  const h = await harness(t)
  const response = await h.call('viewer', 'GET', '/api/subjects/john/clients')
  t.equal(response.statusCode, 200)
  assertApiHeaders(t, response)
  const body = response.json()
  t.same(Object.keys(body).sort(), ['clients', 'limit', 'offset', 'subject', 'total'])
  t.same({ subject: body.subject, total: body.total, offset: body.offset, limit: body.limit }, { subject: 'john', total: 2, offset: 0, limit: 20 })
  t.same(ids(body).sort(), [PORTAL, MOBILE].sort())
  t.notOk(body.clients.some((client: object) => 'clientSecret' in client), 'no secret for a viewer')
  const alice = (await h.call('viewer', 'GET', '/api/subjects/alice/clients')).json()
  t.same(ids(alice), [PORTAL])
  const nobody = (await h.call('viewer', 'GET', '/api/subjects/nobody/clients')).json()
  t.same({ clients: nobody.clients, total: nobody.total }, { clients: [], total: 0 })
})

t.test('GET /api/subjects/:subject/clients ...should page with offset and limit and filter by developer', async t => {
  const h = await harness(t)
  const all = ids((await h.call('viewer', 'GET', '/api/subjects/john/clients')).json())
  const page = (await h.call('viewer', 'GET', '/api/subjects/john/clients?offset=1&limit=1')).json()
  t.same({ offset: page.offset, limit: page.limit, total: page.total }, { offset: 1, limit: 1, total: 2 })
  t.same(ids(page), all.slice(1, 2))
  const globex = (await h.call('viewer', 'GET', '/api/subjects/john/clients?developer=globex')).json()
  t.same({ clients: globex.clients, total: globex.total }, { clients: [], total: 0 })
  const log = h.mark()
  assertProblem(t, await h.call('viewer', 'GET', '/api/subjects/john/clients?limit=101'), 400)
  t.same(log.sent(), [], 'nothing sent upstream')
})

t.test('GET /api/subjects/:subject/clients ...should show clientSecret to admins only (API 2.x lists whole clients)', async t => {
  const h = await harness(t, { AUTHLETE_API_VERSION: 'v2' })
  const admin = (await h.call('admin', 'GET', '/api/subjects/john/clients')).json()
  t.ok(admin.clients.length > 0 && admin.clients.every((client: { clientSecret?: unknown }) => typeof client.clientSecret === 'string'))
  const editor = (await h.call('editor', 'GET', '/api/subjects/john/clients')).json()
  t.notOk(editor.clients.some((client: object) => 'clientSecret' in client))
})

t.test('GET /api/subjects/:subject/clients ...should list the six-property items of API 3.0, no secret even to admins', async t => {
  const h = await harness(t, { AUTHLETE_API_VERSION: 'v3' })
  const admin = (await h.call('admin', 'GET', '/api/subjects/john/clients')).json()
  t.ok(admin.clients.length > 0)
  for (const client of admin.clients) {
    t.same(Object.keys(client).sort(), ['clientId', 'clientIdAlias', 'clientIdAliasEnabled', 'clientName', 'clientType', 'number'])
  }
})
