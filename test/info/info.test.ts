import t from 'tap'
import { readFile } from 'node:fs/promises'
import { buildTestApp, login } from '../helpers/app.ts'
import { startEmulatorProcess } from '../helpers/emulator-process.ts'
import { freePort } from '../helpers/server-process.ts'

const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

t.test('GET /api/info ...should name the sandbox emulator and the version to any signed-in role, and nobody else', async t => {
  const { app, logs } = await buildTestApp(t)
  const expected = { upstream: { mode: 'sandbox', url: app.sandboxUpstream.url.replace(/\/$/, ''), apiVersion: 'v3', serviceId: app.sandboxUpstream.credentials.serviceId }, version }
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    const response = await app.inject({ url: '/api/info', headers: (await login(app, role)).headers })
    t.equal(response.statusCode, 200, role)
    t.same(response.json(), expected, `${role} sees the upstream and the version`)
  }
  t.equal((await app.inject({ url: '/api/info' })).statusCode, 401, 'not without signing in')
  const { credentials } = app.sandboxUpstream
  const body = (await app.inject({ url: '/api/info', headers: (await login(app, 'admin')).headers })).body
  for (const secret of [credentials.accessToken, credentials.apiKey, credentials.apiSecret]) t.notOk(body.includes(secret), 'no credential in the answer')
  const started = logs.map(line => JSON.parse(line) as { msg: string, upstream?: unknown, version?: string }).find(line => line.msg.startsWith('authlete-bff '))
  t.match(started?.msg, /^authlete-bff \S+: Sandbox: in-memory emulator at http:\/\/127\.0\.0\.1:\d+, data lost at restart$/, 'the start-up log says where requests go')
  t.same(started?.upstream, expected.upstream, 'and logs the same fields')
  const ready = (await app.inject({ url: '/readyz' })).json()
  t.same(ready.upstream, { ...expected.upstream, status: 'ok' }, '/readyz includes it')
  t.equal(ready.version, version)
})

t.test('GET /api/info ...should name the Authlete host, API generation and service ID, without the user information of AUTHLETE_BASE_URL', async t => {
  const emulator = await startEmulatorProcess(t, `exec node src/cli.ts emulator --port ${await freePort()} --api v2`)
  const withUser = emulator.url.replace('http://', 'http://ops:url-password-1f2e@')
  const { app, logs } = await buildTestApp(t, { AUTHLETE_BASE_URL: withUser, AUTHLETE_API_VERSION: 'v2', AUTHLETE_SERVICE_API_KEY: emulator.apiKey!, AUTHLETE_SERVICE_API_SECRET: emulator.apiSecret!, AUTHLETE_SERVICE_ID: emulator.serviceId })
  const response = await app.inject({ url: '/api/info', headers: (await login(app, 'viewer')).headers })
  t.same(response.json(), { upstream: { mode: 'authlete', url: emulator.url.replace(/\/$/, ''), apiVersion: 'v2', serviceId: emulator.serviceId }, version })
  for (const secret of ['url-password-1f2e', emulator.apiKey!, emulator.apiSecret!]) t.notOk(response.body.includes(secret), 'no credential in the answer')
  const host = new URL(emulator.url).host
  t.ok(logs.some(line => line.includes(`: Authlete ${host}, API 2.x, service ${emulator.serviceId}"`)), 'the start-up log names the host, the generation and the service')
  t.notOk(logs.some(line => line.includes('url-password-1f2e')), 'never the URL\'s password in the log')
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json().upstream, { mode: 'authlete', url: emulator.url.replace(/\/$/, ''), apiVersion: 'v2', serviceId: emulator.serviceId, status: 'ok' })
})
