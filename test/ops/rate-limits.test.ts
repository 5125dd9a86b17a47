import t from 'tap'
import { buildTestApp, login, PASSWORDS } from '../helpers/app.ts'

const lock = (locked: boolean) => ({ locked })

t.test('PUT /api/clients/:clientIdentifier/lock ...should answer 429 problem+json with Retry-After and RateLimit headers past the write budget', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_WRITE: '3/1m' })
  const editor = await login(app, 'editor')
  const answers = []
  for (let i = 0; i < 4; i++) answers.push(await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: lock(true), headers: editor.headers }))
  t.same(answers.map(answer => answer.statusCode), [200, 200, 200, 429])
  t.equal(answers[0]!.headers['ratelimit-limit'], '3')
  t.equal(answers[0]!.headers['ratelimit-remaining'], '2')
  t.ok(Number(answers[0]!.headers['ratelimit-reset']) > 0 && Number(answers[0]!.headers['ratelimit-reset']) <= 60, 'seconds until the window resets')
  const refused = answers[3]!
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  t.match(refused.json(), { status: 429, code: 'BFF_RATE_LIMITED', detail: /write/ })
  t.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60)
  t.equal(refused.headers['ratelimit-remaining'], '0')
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_rate_limited_total\{bucket="write"\} 1$/m, 'counted by bucket')
})

t.test('GET /api/clients ...should count reads, writes and secret operations in separate budgets, per user', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_READ: '2/1m', RATE_LIMIT_WRITE: '1/1m', RATE_LIMIT_SECRET: '1/1m' })
  const admin = await login(app, 'admin')
  const editor = await login(app, 'editor')
  const status = async (who: typeof admin, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
    (await app.inject({ method, url, payload, headers: who.headers })).statusCode
  t.same([await status(admin, 'GET', '/api/clients'), await status(admin, 'GET', '/api/clients/26478243745571'), await status(admin, 'GET', '/api/clients')], [200, 200, 429], 'reads share one budget across routes')
  t.equal(await status(admin, 'PUT', '/api/clients/portal/lock', lock(true)), 200, 'writes have their own')
  t.equal(await status(admin, 'POST', '/api/clients/portal/secret/refresh'), 200, 'and so do secret operations')
  t.equal(await status(admin, 'PUT', '/api/clients/portal/secret', { clientSecret: 'a'.repeat(32) }), 429)
  t.equal(await status(editor, 'GET', '/api/clients'), 200, 'another user has budgets of their own')
  t.equal(await status(editor, 'PUT', '/api/clients/portal/lock', lock(false)), 200)
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should let exactly the write budget through to the upstream out of 10,000 requests', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_WRITE: '50/1m', LOG_LEVEL: 'warn' })
  const editor = await login(app, 'editor')
  const isLock = (request: { path: string }) => request.path.includes('/lock_flag/')
  const before = app.sandboxUpstream.requests.filter(isLock).length
  const statuses = new Map<number, number>()
  for (let sent = 0; sent < 10_000; sent += 200) {
    const batch = await Promise.all(Array.from({ length: 200 }, () => app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: lock(true), headers: editor.headers })))
    for (const answer of batch) statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1)
  }
  t.same(Object.fromEntries(statuses), { 200: 50, 429: 9950 })
  t.equal(app.sandboxUpstream.requests.filter(isLock).length - before, 50, 'the upstream saw exactly the allowed number')
})

t.test('POST /auth/login ...should limit failures per username, whichever address they come from, with RATE_LIMIT_LOGIN_USER', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_LOGIN_USER: '3/15m' })
  const attempt = (remoteAddress: string, password: string) =>
    app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password }, remoteAddress })
  const statuses = []
  for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) statuses.push((await attempt(address, 'wrong-guess')).statusCode)
  t.same(statuses, [401, 401, 401, 429])
  t.equal((await attempt('10.0.0.5', PASSWORDS.admin)).statusCode, 429, 'past the username\'s budget, even the right password waits for the window')
  const viewer = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: PASSWORDS.viewer }, remoteAddress: '10.0.0.1' })
  t.equal(viewer.statusCode, 200, 'other usernames are not affected')
})

t.test('POST /auth/login ...should limit attempts per client address, whichever usernames they try', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_LOGIN_IP: '3/15m' })
  const statuses = []
  for (const username of ['a', 'b', 'c', 'd']) {
    statuses.push((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'x' }, remoteAddress: '10.1.1.1' })).statusCode)
  }
  t.same(statuses, [401, 401, 401, 429])
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: PASSWORDS.viewer }, remoteAddress: '10.1.1.2' })).statusCode, 200)
})

t.test('GET /healthz ...should never be rate limited', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_READ: '1/1m', RATE_LIMIT_ANONYMOUS: '1/1m' })
  for (let i = 0; i < 5; i++) {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await app.inject({ method, url: '/healthz' })
      t.equal(response.statusCode, 200, method)
      t.same(Object.keys(response.headers).filter(name => name.includes('ratelimit')), [], `${method}: no rate limit at all`)
    }
  }
})

t.test('HEAD /api/clients ...should spend the read budget, like GET', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_READ: '2/1m' })
  const viewer = await login(app, 'viewer')
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await app.inject({ method: 'HEAD', url: '/api/clients', headers: viewer.headers })).statusCode)
  t.same(statuses, [200, 200, 429])
  t.equal((await app.inject({ url: '/api/clients', headers: viewer.headers })).statusCode, 429, 'the same budget as GET')
})

t.test('OPTIONS /api/clients ...should not spend the anonymous budget, preflight or not', async t => {
  const origin = 'https://console.example.test'
  const { app } = await buildTestApp(t, { CORS_ORIGINS: origin, RATE_LIMIT_ANONYMOUS: '1/1m' })
  for (let i = 0; i < 4; i++) {
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/clients', headers: { origin, 'access-control-request-method': 'POST' }, remoteAddress: '10.3.3.3' })
    t.equal(preflight.statusCode, 204, `preflight ${i + 1}`)
    const plain = await app.inject({ method: 'OPTIONS', url: '/healthz', headers: { origin }, remoteAddress: '10.3.3.3' })
    t.not(plain.statusCode, 429, `an OPTIONS that is no preflight ${i + 1}`)
  }
})

t.test('POST /auth/login ...should also spend the per-address RATE_LIMIT_ANONYMOUS budget, which signed-in and read requests do not touch', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_ANONYMOUS: '3/1m', RATE_LIMIT_LOGIN_IP: '100/1m' })
  const remoteAddress = '10.2.2.2'
  const signIn = () => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'editor', password: PASSWORDS.editor }, remoteAddress })
  const first = await signIn()
  t.equal(first.statusCode, 200)
  const session = { cookie: String([first.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': first.json().csrfToken as string }
  for (let i = 0; i < 5; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: `n${i}` }, headers: session, remoteAddress })).statusCode, 201, 'a signed-in write is not anonymous')
    t.equal((await app.inject({ method: 'POST', url: '/auth/tokens', payload: { name: `t${i}`, roles: ['viewer'], expiresInDays: 1 }, headers: session, remoteAddress })).statusCode, 201, 'nor outside /api')
    t.equal((await app.inject({ url: '/healthz', remoteAddress })).statusCode, 200, 'an anonymous read is not counted')
  }
  t.same([(await signIn()).statusCode, (await signIn()).statusCode], [200, 200], 'the budget is three')
  const refused = await signIn()
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { code: 'BFF_RATE_LIMITED', detail: /anonymous-post/ })
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'editor', password: PASSWORDS.editor }, remoteAddress: '10.2.2.3' })).statusCode, 200, 'another address has a budget of its own')
})
