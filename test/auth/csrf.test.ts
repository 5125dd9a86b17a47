import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { ROUTES, SAFE_METHODS, apiRoutes } from './routes.ts'

ROUTES.forEach(({ method, route, role }, index) => {
  if (SAFE_METHODS.has(method)) return
  t.test(`${method} ${route} ...should answer 403 to a missing, wrong or other session's x-csrf-token and forward nothing`, async t => {
    const { app } = await buildTestApp(t)
    const { url, payload } = apiRoutes(app.sandboxUpstream.seed)[index]!
    const user = await login(app, role)
    const other = await login(app, role)
    const attempts: Array<[string, Record<string, string>]> = [
      ['missing', { cookie: user.cookie }],
      ['empty', { cookie: user.cookie, 'x-csrf-token': '' }],
      ['wrong', { cookie: user.cookie, 'x-csrf-token': 'x'.repeat(user.csrfToken.length) }],
      ['prefix', { cookie: user.cookie, 'x-csrf-token': user.csrfToken.slice(0, -1) }],
      ["another session's", { cookie: user.cookie, 'x-csrf-token': other.csrfToken }],
      ['as a cookie', { cookie: `${user.cookie}; x-csrf-token=${user.csrfToken}` }]
    ]
    const before = app.sandboxUpstream.requests.length
    for (const [name, headers] of attempts) {
      const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
      t.equal(response.statusCode, 403, name)
      t.match(response.json(), { status: 403, code: 'BFF_CSRF_REJECTED' }, name)
    }
    t.equal(app.sandboxUpstream.requests.length, before, 'the upstream saw nothing')
  })
})

t.test('POST /api/clients ...should check the CSRF token before reading the body', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const response = await app.inject({
    method: 'POST',
    url: '/api/clients',
    headers: { cookie: editor.cookie, 'content-type': 'text/plain' },
    payload: 'not json'
  })
  t.equal(response.statusCode, 403, 'not 415: the body was never parsed')
  t.equal(app.sandboxUpstream.requests.length, 0)
})

t.test('POST /api/clients ...should accept the token from GET /auth/session and keep it valid for the whole session', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const session = await app.inject({ url: '/auth/session', headers: { cookie: editor.cookie } })
  const csrfToken = session.json().csrfToken
  t.equal(csrfToken, editor.csrfToken)
  for (const clientName of ['first', 'second']) {
    const response = await app.inject({ method: 'POST', url: '/api/clients', headers: { cookie: editor.cookie, 'x-csrf-token': csrfToken }, payload: { clientName } })
    t.equal(response.statusCode, 201, clientName)
  }
})

t.test('GET /api/clients ...should not need x-csrf-token for GET and HEAD', async t => {
  const { app } = await buildTestApp(t)
  const viewer = await login(app, 'viewer')
  t.equal((await app.inject({ method: 'GET', url: '/api/clients', headers: { cookie: viewer.cookie } })).statusCode, 200)
  t.equal((await app.inject({ method: 'HEAD', url: '/api/clients', headers: { cookie: viewer.cookie } })).statusCode, 200)
})

t.test('POST /api/clients ...should not accept the token of a session that was logged out', async t => {
  const { app } = await buildTestApp(t)
  const old = await login(app, 'editor')
  await app.inject({ method: 'POST', url: '/auth/logout', headers: old.headers })
  const current = await login(app, 'editor')
  const response = await app.inject({
    method: 'POST', url: '/api/clients', headers: { cookie: current.cookie, 'x-csrf-token': old.csrfToken }, payload: { clientName: 'x' }
  })
  t.equal(response.statusCode, 403)
  t.equal(app.sandboxUpstream.requests.length, 0)
})

t.test('OPTIONS /api/clients ...should not need x-csrf-token with a session (a safe method, like GET and HEAD): 404, not 403', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'OPTIONS', url: '/api/clients', headers: { cookie: editor.cookie } })
  t.equal(response.statusCode, 404)
  t.equal(response.json().code, 'BFF_NOT_FOUND')
})

t.test('POST /api/clients ...should not ask an API token for x-csrf-token: no browser sends a bearer token by itself', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: editor.headers, payload: { name: 'script', roles: ['editor'], expiresInDays: 1 } })
  t.equal(minted.statusCode, 201)
  const before = app.sandboxUpstream.requests.length
  const response = await app.inject({ method: 'POST', url: '/api/clients', headers: { authorization: `Bearer ${minted.json().token}` }, payload: { clientName: 'by script' } })
  t.equal(response.statusCode, 201)
  t.equal(response.json().clientName, 'by script')
  t.ok(app.sandboxUpstream.requests.length > before, 'forwarded upstream')
})
