import pino from 'pino'
import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { gatewayEnv, HEADER, sign, signingKey } from '../auth/gateway-jwt-support.ts'

// Request log lines carry no headers (Fastify's serializers); the server's redaction paths are what
// keeps credentials out if headers are ever logged, e.g. by an operator adding pino's standard
// serializers, as here. Every credential a caller can send, and the session cookie the proxy sets.
t.test('the server\'s logger configuration ...should redact every credential header in real log output', async t => {
  const key = await signingKey()
  const { app, logs } = await buildTestApp(t, { LOG_LEVEL: 'debug', ...gatewayEnv({ GATEWAY_PUBLIC_KEY: key.pem }) }, {
    logger: { serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res } }
  })
  const admin = await login(app, 'admin')
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: admin.headers, payload: { name: 'log-test', roles: ['viewer'], expiresInDays: 1 } })
  t.equal(minted.statusCode, 201)
  const apiToken = minted.json().token as string
  const jwt = await sign(key, { roles: ['bff-viewers'] })
  const basic = `Basic ${Buffer.from('someone:basic-password-73e1').toString('base64')}`

  const answers = [
    await app.inject({ url: '/api/clients', headers: { authorization: `Bearer ${apiToken}` } }),
    await app.inject({ url: '/api/clients', headers: { [HEADER]: jwt } }),
    await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: admin.headers, payload: { locked: true } }),
    await app.inject({ url: '/api/clients', headers: { authorization: basic, cookie: admin.cookie } })
  ]
  t.same(answers.map(answer => answer.statusCode), [200, 200, 200, 200])

  const lines = logs.map(line => JSON.parse(line) as { req?: { headers?: Record<string, unknown> }, res?: { headers?: Record<string, unknown> } })
  const requestHeaders = lines.flatMap(line => line.req?.headers === undefined ? [] : [line.req.headers])
  t.ok(requestHeaders.some(headers => headers['user-agent'] !== undefined), 'request headers are logged (the serializers took effect)')
  for (const name of ['authorization', 'cookie', 'x-csrf-token', HEADER]) {
    const logged = requestHeaders.filter(headers => name in headers)
    t.ok(logged.length > 0, `${name} was sent and logged`)
    t.ok(logged.every(headers => headers[name] === '[redacted]'), `${name} is redacted`)
  }
  const setCookies = lines.flatMap(line => line.res?.headers?.['set-cookie'] === undefined ? [] : [line.res.headers['set-cookie']])
  t.ok(setCookies.length > 0 && setCookies.every(value => value === '[redacted]'), 'the session cookie set at login is redacted')

  const text = logs.join('')
  const secrets = { apiToken, jwt, basic: basic.slice('Basic '.length), cookie: admin.cookie.split('=')[1]!, csrf: admin.csrfToken }
  for (const [name, secret] of Object.entries(secrets)) t.notOk(text.includes(secret), `the ${name} value appears in no log line`)
})

t.test('the server\'s logger configuration ...should log requests without their headers by default', async t => {
  const { app, logs } = await buildTestApp(t, { LOG_LEVEL: 'debug' })
  const admin = await login(app, 'admin')
  await app.inject({ url: '/api/clients', headers: { ...admin.headers, authorization: 'Basic c29tZW9uZTpzZWNyZXQ=' } })
  const text = logs.join('')
  t.match(text, /request completed/)
  for (const secret of [admin.cookie.split('=')[1]!, admin.csrfToken, 'c29tZW9uZTpzZWNyZXQ=']) t.notOk(text.includes(secret))
})
