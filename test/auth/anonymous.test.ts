import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { ROUTES, apiRoutes } from './routes.ts'

const PROBLEM = /^application\/problem\+json/

ROUTES.forEach(({ method, route }, index) => {
  t.test(`${method} ${route} ...should answer 401 to an anonymous caller and forward nothing upstream`, async t => {
    const { app } = await buildTestApp(t)
    const { url, payload } = apiRoutes(app.sandboxUpstream.seed)[index]!
    const before = app.sandboxUpstream.requests.length
    // A CSRF header does not stand in for a session.
    const response = await app.inject({ method, url, headers: { 'x-csrf-token': 'guess' }, ...(payload === undefined ? {} : { payload }) })
    t.equal(response.statusCode, 401)
    t.match(response.headers['content-type'], PROBLEM)
    t.match(response.json(), { status: 401, code: 'BFF_UNAUTHENTICATED', type: String, title: 'Unauthorized', detail: String, requestId: String })
    t.equal(app.sandboxUpstream.requests.length, before, 'the upstream saw nothing')
  })
})

t.test('POST /api/clients ...should answer 401 to an anonymous caller whatever the body or content type, before reading it', async t => {
  const { app } = await buildTestApp(t)
  const bodies: Array<{ name: string, headers: Record<string, string>, payload: string | Buffer }> = [
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, payload: 'hello' },
    {
      name: 'multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: '--xyz\r\nContent-Disposition: form-data; name="clientName"\r\n\r\nevil\r\n--xyz--\r\n'
    },
    { name: 'invalid JSON', headers: { 'content-type': 'application/json' }, payload: '{"clientName": ' },
    { name: '2 MB JSON', headers: { 'content-type': 'application/json' }, payload: Buffer.alloc(2 * 1024 * 1024, 'a') },
    { name: 'form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'clientName=evil' },
    { name: 'no content type', headers: {}, payload: 'raw' }
  ]
  for (const { name, headers, payload } of bodies) {
    const response = await app.inject({ method: 'POST', url: '/api/clients', headers, payload })
    t.equal(response.statusCode, 401, name)
    t.match(response.headers['content-type'], PROBLEM, name)
  }
  t.equal(app.sandboxUpstream.requests.length, 0, 'the upstream saw nothing')
})

t.test('PUT /api/clients/:clientId ...should answer 401 to a 2 MB anonymous body even when it declares its length', async t => {
  const { app } = await buildTestApp(t)
  const payload = Buffer.alloc(2 * 1024 * 1024, ' ')
  const response = await app.inject({
    method: 'PUT',
    url: '/api/clients/26478243745571',
    headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
    payload
  })
  t.equal(response.statusCode, 401)
  // The same body with a session is read and refused for its size: the 401 came before reading it.
  const editor = await login(app, 'editor')
  const signedIn = await app.inject({
    method: 'PUT',
    url: '/api/clients/26478243745571',
    headers: { ...editor.headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
    payload
  })
  t.equal(signedIn.statusCode, 413)
  t.match(signedIn.headers['content-type'], PROBLEM)
  t.equal(app.sandboxUpstream.requests.length, 0)
})

t.test('GET /api/unknown ...should answer 401 to an anonymous caller for unknown /api paths, and 404 with a session', async t => {
  const { app } = await buildTestApp(t)
  const urls = ['/api', '/api?x=1', '/api/', '/api/unknown', '/api/clients/26478243745571/unknown', '/api/clients/x/y/z?q=1']
  for (const url of urls) {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const response = await app.inject({ method, url })
      t.equal(response.statusCode, 401, `${method} ${url}`)
    }
  }
  const viewer = await login(app, 'viewer')
  const known = await app.inject({ url: '/api/unknown', headers: viewer.headers })
  t.equal(known.statusCode, 404)
  t.match(known.headers['content-type'], PROBLEM)
  t.equal(app.sandboxUpstream.requests.length, 0)
})

t.test('HEAD /api/clients ...should answer 401 to anonymous HEAD and OPTIONS requests', async t => {
  const { app } = await buildTestApp(t)
  for (const method of ['HEAD', 'OPTIONS'] as const) {
    const response = await app.inject({ method, url: '/api/clients' })
    t.equal(response.statusCode, 401, method)
  }
  t.equal(app.sandboxUpstream.requests.length, 0)
})

t.test('GET /healthz ...should stay public: no session needed outside /api and /auth/session', async t => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({ url: '/healthz' })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'ok' })
})
