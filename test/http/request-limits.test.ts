import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { AUTH_BODY_LIMIT, timeoutOptions, useRequestLimits } from '../../src/http/request-limits.ts'

// The limits on their own: timeoutOptions as a value, useRequestLimits on a bare Fastify instance
// (no app). test/security/request-bodies.test.ts and slow-sockets.test.ts show them through the app.

const limits = (headersTimeout: number) => ({ BODY_LIMIT: 100, REQUEST_TIMEOUT_MS: 9000, HEADERS_TIMEOUT_MS: headersTimeout, MAX_CONNECTIONS: 7 })

t.test('timeoutOptions ...should pass the request and headers timeouts on, checked every second or every half headers timeout if shorter', async t => {
  t.same(timeoutOptions(limits(5000)), { requestTimeout: 9000, http: { requestTimeout: 9000, headersTimeout: 5000, connectionsCheckingInterval: 1000 } })
  t.equal(timeoutOptions(limits(2000)).http.connectionsCheckingInterval, 1000, 'half of 2000 is 1000')
  t.equal(timeoutOptions(limits(2001)).http.connectionsCheckingInterval, 1000, 'half of 2001, rounded down, is 1000')
  t.equal(timeoutOptions(limits(1999)).http.connectionsCheckingInterval, 999, 'half of 1999, rounded down')
  t.equal(timeoutOptions(limits(600)).http.connectionsCheckingInterval, 300)
})

async function limitedApp (t: Test) {
  const app = Fastify()
  useRequestLimits(app, limits(5000))
  const echo = async (request: { body: unknown }) => ({ got: JSON.stringify(request.body).length })
  app.post('/auth/login', echo)
  app.post('/authority', echo)
  app.post('/api/clients', echo)
  app.post('/api/own', { bodyLimit: 50 }, echo)
  app.post('/auth/own', { bodyLimit: 50 }, echo)
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A JSON body of exactly `size` bytes. */
const bodyOf = (size: number) => `{"a":"${'x'.repeat(size - 8)}"}`

async function statusFor (app: Awaited<ReturnType<typeof limitedApp>>, url: string, size: number): Promise<number> {
  const payload = bodyOf(size)
  if (Buffer.byteLength(payload) !== size) throw new Error('bodyOf is off')
  return (await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })).statusCode
}

t.test(`useRequestLimits ...should hold /auth/* bodies to AUTH_BODY_LIMIT (${AUTH_BODY_LIMIT}) and every other route to BODY_LIMIT`, async t => {
  t.equal(AUTH_BODY_LIMIT, 16 * 1024)
  const app = await limitedApp(t)
  t.equal(await statusFor(app, '/auth/login', AUTH_BODY_LIMIT), 200, '/auth/login at AUTH_BODY_LIMIT')
  t.equal(await statusFor(app, '/auth/login', AUTH_BODY_LIMIT + 1), 413, '/auth/login one byte over')
  t.equal(await statusFor(app, '/api/clients', 100), 200, '/api/clients at BODY_LIMIT')
  t.equal(await statusFor(app, '/api/clients', 101), 413, '/api/clients one byte over')
  t.equal(await statusFor(app, '/authority', 100), 200, '/authority (not under /auth/) at BODY_LIMIT')
  t.equal(await statusFor(app, '/authority', 101), 413, '/authority one byte over BODY_LIMIT')
})

t.test('useRequestLimits ...should keep a route\'s own bodyLimit', async t => {
  const app = await limitedApp(t)
  t.equal(await statusFor(app, '/api/own', 50), 200)
  t.equal(await statusFor(app, '/api/own', 51), 413)
  t.equal(await statusFor(app, '/auth/own', 51), 413)
})

t.test('useRequestLimits ...should cap the server\'s sockets at MAX_CONNECTIONS', async t => {
  const app = await limitedApp(t)
  t.equal(app.server.maxConnections, 7)
})
