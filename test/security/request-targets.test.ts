import { test } from 'tap'
import { connect } from 'node:net'
import { liveApp, upstreamCalls } from './support.ts'
import { login } from '../helpers/app.ts'
import { startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One raw HTTP/1.1 request (the target exactly as given); answers the status line and the body. */
async function rawRequest (port: number, target: string, headers = ''): Promise<{ status: number, text: string }> {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/html\r\n${headers}connection: close\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()))
    socket.on('error', reject)
  })
  return { status: Number(answer.slice(9, 12)), text: answer }
}

test('GET http://x/api/nope ...should get the same access decision as GET /api/nope (401 problem+json, never the frontend)', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-frontend-'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>')
  const live = await liveApp(t, { FRONTEND_DIR: dir })
  for (const path of ['/api/nope', '/api/clients', '/api', '/api/audit?limit=1']) {
    const origin = await rawRequest(live.port, path)
    const absolute = await rawRequest(live.port, `http://x${path}`)
    t.equal(origin.status, 401, `origin-form ${path}`)
    t.equal(absolute.status, origin.status, `absolute-form ${path}`)
    t.match(absolute.text, /application\/problem\+json/)
    t.notMatch(absolute.text, /<title>console/, 'not the frontend')
  }
  t.equal((await rawRequest(live.port, 'http://x/some/page')).status, 200, 'a page is still a page')
  const { cookie } = await login(live.app, 'viewer')
  t.equal((await rawRequest(live.port, 'HTTP://other.example:8080/api/clients?limit=1', `cookie: ${cookie}\r\n`)).status, 200, 'and a signed-in read works in either form')
})

test('PUT /api/clients/:clientIdentifier/lock ...should give two calls with the same gateway X-Request-Id their own audit records', async t => {
  const live = await liveApp(t, { TRUST_PROXY: '127.0.0.1' })
  const headers = { 'x-request-id': 'gateway-req-1' }
  const locked = await live.send('editor', 'PUT', '/api/clients/26478243745571/lock', { locked: true }, headers)
  t.equal(locked.status, 200)
  t.equal(locked.headers.get('x-request-id'), 'gateway-req-1', 'the gateway\'s id is kept end to end')
  const missing = await live.send('editor', 'PUT', '/api/clients/99999/lock', { locked: true }, headers)
  t.equal(missing.status, 404)
  const records = (await live.send('admin', 'GET', '/api/audit?action=client.lock')).json()
  const { records: list } = await records as { records: Array<{ requestId: string, callerRequestId: string, status: number, clientId: string, outcome: string }> }
  t.equal(list.length, 2)
  t.same(list.map(record => [record.clientId, record.status, record.outcome]).sort(), [['26478243745571', 200, 'success'], ['99999', 404, 'failure']], 'each intent joined with its own outcome')
  t.not(list[0]!.requestId, list[1]!.requestId, 'the record keys are the proxy\'s own')
  t.same(list.map(record => record.callerRequestId), ['gateway-req-1', 'gateway-req-1'], 'the caller\'s id is an attribute')
})

// The URI formats alone: the security policy (test/policy) is off, as its baseline refuses http on
// any host but the loopback IP literals (localhost included), whatever ALLOW_HTTP_REDIRECT_URIS says.
const FORMATS_ONLY = { POLICY_PROFILE: 'off' }

test('POST /api/clients ...should accept only absolute redirect URIs without a fragment, http only on loopback or with ALLOW_HTTP_REDIRECT_URIS', async t => {
  const live = await liveApp(t, FORMATS_ONLY)
  const writes = upstreamCalls(live.app)
  const refused = ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'https://app.example/cb#frag', '/relative/cb', 'not a url', 'http://app.example/cb', 'vbscript:x', 'file:///etc/passwd', 'https://app.example/c b', '']
  for (const uri of refused) {
    const response = await live.send('editor', 'POST', '/api/clients', { clientName: 'x', redirectUris: ['https://ok.example/cb', uri] })
    t.equal(response.status, 400, uri)
    const problem = await response.json() as { errors: Array<{ path: string, message: string }> }
    t.match(problem.errors, [{ path: '/body/redirectUris/1', message: /absolute URI without a fragment/ }], uri)
  }
  for (const [name, uri] of [['jwksUri', 'javascript:x'], ['logoUri', 'http://cdn.example/logo.png'], ['policyUri', 'https://a.example/p#x'], ['requestUris', ['data:,x']]] as const) {
    const response = await live.send('admin', 'POST', '/api/clients', { clientName: 'x', [name]: uri })
    t.equal(response.status, 400, `${name} ${JSON.stringify(uri)}`)
  }
  t.equal(writes(), 0, 'nothing forwarded')
  const accepted = ['https://app.example/cb?x=1', 'http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://[::1]:3000/cb', 'com.example.app:/oauth2redirect']
  const created = await live.send('editor', 'POST', '/api/clients', { clientName: 'x', redirectUris: accepted })
  t.equal(created.status, 201, 'https, loopback http and a native app scheme')

  const lenient = await liveApp(t, { ...FORMATS_ONLY, ALLOW_HTTP_REDIRECT_URIS: 'true' })
  t.equal((await lenient.send('editor', 'POST', '/api/clients', { clientName: 'x', redirectUris: ['http://intranet.example/cb'] })).status, 201, 'the switch allows http anywhere')
  t.equal((await lenient.send('editor', 'POST', '/api/clients', { clientName: 'x', redirectUris: ['http://intranet.example/cb#x'] })).status, 400, 'but never a fragment')
})

test('GET /auth/login ...should answer 400 to a returnTo with a character above U+00FF (never a 500 at the callback)', async t => {
  const { appUrl } = await startOidcApp(t)
  const browser = new TestBrowser()
  for (const returnTo of ['/clients/\u20ac', '/\u2028x', '/\ud83d\ude00', '/caf\u00e9', '/a b']) {
    const response = await browser.request(`${appUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
    t.equal(response.status, 400, encodeURIComponent(returnTo))
    t.match(await response.json(), { code: 'BFF_OIDC_BAD_RETURN_TO', detail: /percent-encoded/ })
  }
  const encoded = await browser.request(`${appUrl}/auth/login?returnTo=${encodeURIComponent('/clients/%E2%82%AC')}`)
  t.equal(encoded.status, 302, 'percent-encoded, it is fine')
})
