import t from 'tap'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { buildTestApp, login } from '../helpers/app.ts'
import { CONSOLE_CSP } from '../../src/console/console-plugin.ts'

// The bundle as the sources are now.
execFileSync(process.execPath, ['scripts/build-console.ts'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' })

t.test('GET / ...should serve the console by default, under its strict CSP, with its own routes surviving a reload', async t => {
  const { app } = await buildTestApp(t)
  const page = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal(page.headers['content-security-policy'], CONSOLE_CSP)
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.match(page.body, '<script type="module" src="/app.js"></script>')
  t.notMatch(page.body, /<script>|<style>|style=/, 'nothing inline')
  const script = await app.inject({ url: '/app.js' })
  t.equal(script.statusCode, 200)
  t.match(script.headers['content-type'], /javascript/)
  const deep = await app.inject({ url: '/clients/26478243745571/edit', headers: { accept: 'text/html' } })
  t.equal(deep.body, page.body, 'a console path gets the page')
  const api = await app.inject({ url: '/api/nothing-here', headers: { accept: 'text/html' } })
  t.equal(api.statusCode, 401, 'the API keeps its own answers')
  t.match(api.headers['content-type'], /^application\/problem\+json/)
  const missing = await app.inject({ url: '/missing.js' })
  t.equal(missing.statusCode, 404, 'a missing file is no page')
})

t.test('GET /console-settings.json ...should tell the console whether SSO is configured', async t => {
  const plain = await buildTestApp(t)
  t.same((await plain.app.inject({ url: '/console-settings.json' })).json(), { sso: false })
  const oidc = await buildTestApp(t, { OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_CLIENT_ID: 'bff', OIDC_REDIRECT_URI: 'http://127.0.0.1/auth/callback' })
  t.same((await oidc.app.inject({ url: '/console-settings.json' })).json(), { sso: true })
})

t.test('GET / ...should serve FRONTEND_DIR instead of the console when set, and nothing with CONSOLE_ENABLED=false', async t => {
  const own = await buildTestApp(t, { FRONTEND_DIR: 'examples/console' })
  const page = await own.app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.notMatch(page.body, '<title>authlete-bff admin console</title>', "the user's own index.html, not the console's")
  t.match(page.body, '<title>')
  t.equal((await own.app.inject({ url: '/console-settings.json' })).statusCode, 404)
  const none = await buildTestApp(t, { CONSOLE_ENABLED: 'false' })
  t.equal((await none.app.inject({ url: '/', headers: { accept: 'text/html' } })).statusCode, 404)
})

t.test('GET /console-client-schema.json with DOCS_ENABLED=false ...should give a signed-in console the client form schema, the body of POST /api/clients, while /openapi.json is off', async t => {
  const { app } = await buildTestApp(t, { DOCS_ENABLED: 'false' })
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 404, 'no API description')
  t.equal((await app.inject({ url: '/console-client-schema.json' })).statusCode, 401, 'not for anonymous callers')
  const viewer = await login(app, 'viewer')
  const answer = await app.inject({ url: '/console-client-schema.json', headers: viewer.headers })
  t.equal(answer.statusCode, 200)
  const described = (app.swagger() as any).paths['/api/clients'].post.requestBody.content['application/json'].schema
  t.same(answer.json(), JSON.parse(JSON.stringify(described)), 'what the document would show as the body of POST /api/clients')
  t.ok(Object.keys(answer.json().properties).includes('redirectUris'), 'the writable client properties')
})
