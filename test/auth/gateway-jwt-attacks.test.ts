import { createServer } from 'node:http'
import { CompactSign, SignJWT } from 'jose'
import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { freePort } from '../helpers/server-process.ts'
import { AUDIENCE, HEADER, ISSUER, KID, gatewayEnv, sign, signingKey, startGateway, unsignedToken, type Gateway } from './gateway-jwt-support.ts'

const PROBLEM = /^application\/problem\+json/
const now = () => Math.floor(Date.now() / 1000)

// Each a token an attacker (or a misconfigured gateway) could put in the gateway header.
async function attacks (gateway: Gateway): Promise<Array<{ name: string, token: string }>> {
  const valid = await gateway.sign({ roles: ['bff-admins'] })
  const [header, payload] = valid.split('.') as [string, string]
  const stranger = await signingKey('RS256', KID)
  const strangerEs = await signingKey('ES256', 'attacker')
  const publicPem = new TextEncoder().encode(gateway.key.pem)
  const publicJwk = new TextEncoder().encode(JSON.stringify(gateway.key.jwk))
  const escalated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['bff-admins'], sub: 'mallory' })).toString('base64url')
  return [
    { name: 'alg none, unsigned', token: unsignedToken({ roles: ['bff-admins'] }) },
    { name: 'alg none with a signature', token: unsignedToken({ roles: ['bff-admins'] }, 'none', valid.split('.')[2]) },
    { name: 'alg NONE', token: unsignedToken({ roles: ['bff-admins'] }, 'NONE') },
    { name: 'expired beyond the clock tolerance', token: await gateway.sign({ exp: now() - 60 }) },
    { name: 'no exp', token: await gateway.sign({ exp: undefined }) },
    { name: 'nbf in the future', token: await gateway.sign({ nbf: now() + 300 }) },
    { name: 'signed by another key with the gateway\'s kid', token: await sign(stranger, { roles: ['bff-admins'] }) },
    { name: 'signed by another key, unknown kid', token: await sign(strangerEs, { roles: ['bff-admins'] }) },
    { name: 'signed by another key, no kid', token: await sign(stranger, {}, { kid: null }) },
    {
      name: 'own key embedded as jwk header',
      token: await sign(strangerEs, { roles: ['bff-admins'] }, { kid: KID, header: { jwk: strangerEs.jwk } })
    },
    { name: 'jku header pointing elsewhere', token: await sign(strangerEs, {}, { kid: 'attacker', header: { jku: 'http://127.0.0.1:9/jwks.json' } }) },
    { name: 'kid path traversal', token: await sign(stranger, {}, { kid: '../../../../dev/null' }) },
    { name: 'wrong iss', token: await gateway.sign({ iss: 'https://evil.example' }) },
    { name: 'no iss', token: await gateway.sign({ iss: undefined }) },
    { name: 'wrong aud', token: await gateway.sign({ aud: 'another-service' }) },
    { name: 'aud list without us', token: await gateway.sign({ aud: ['a', 'b'] }) },
    { name: 'no aud', token: await gateway.sign({ aud: undefined }) },
    { name: 'HS256 with the public key PEM as the secret', token: await gateway.sign({ roles: ['bff-admins'] }, { alg: 'HS256', key: publicPem }) },
    { name: 'HS256 with the public JWK as the secret', token: await gateway.sign({}, { alg: 'HS256', key: publicJwk }) },
    { name: 'HS512 with the public key PEM as the secret', token: await gateway.sign({}, { alg: 'HS512', key: publicPem }) },
    { name: 'claims changed after signing', token: `${header}.${escalated}.${valid.split('.')[2]!}` },
    { name: 'signature stripped', token: `${header}.${payload}.` },
    { name: 'well signed, with an unknown critical header', token: await criticalHeaderToken(gateway) },
    { name: 'garbage', token: 'garbage' },
    { name: 'three dots of garbage', token: 'a.b.c' },
    { name: 'empty value', token: '' },
    { name: 'bearer alone', token: 'Bearer ' },
    { name: 'JSON instead of a JWT', token: '{"sub":"admin","roles":["bff-admins"]}' },
    { name: 'two tokens', token: `${valid}, ${valid}` },
    { name: '8 KB of base64url', token: 'A'.repeat(8192) }
  ]
}

// Signed by the gateway's key, but asks the verifier to understand an extension it does not know.
async function criticalHeaderToken (gateway: Gateway): Promise<string> {
  const claims = new TextEncoder().encode(JSON.stringify({ sub: 'alice', roles: ['bff-admins'], iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }))
  return await new CompactSign(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KID, crit: ['x-only-if-understood'], 'x-only-if-understood': true })
    .sign(gateway.key.privateKey, { crit: { 'x-only-if-understood': true } })
}

t.test('GET /api/clients ...should answer 401 to every forged, expired or misdirected gateway token, and forward nothing upstream', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const before = app.sandboxUpstream.requests.length
  for (const { name, token } of await attacks(gateway)) {
    const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })
    t.equal(response.statusCode, 401, name)
    t.match(response.headers['content-type'], PROBLEM, name)
    t.match(response.json(), { status: 401, code: 'BFF_UNAUTHENTICATED' }, name)
  }
  t.equal(app.sandboxUpstream.requests.length, before, 'the upstream saw nothing')
  // The same gateway's good token still works: the refusals above are about the tokens.
  t.equal((await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign() } })).statusCode, 200)
  // A little clock skew is forgiven: 30 s.
  t.equal((await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign({ exp: now() - 10 }) } })).statusCode, 200)
})

t.test('POST /api/clients ...should answer 401 to a bad gateway token even with a valid admin cookie and CSRF token', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const admin = await login(app, 'admin')
  const before = app.sandboxUpstream.requests.length
  for (const { name, token } of await attacks(gateway)) {
    const response = await app.inject({ method: 'POST', url: '/api/clients', headers: { ...admin.headers, [HEADER]: token }, payload: { clientName: 'x' } })
    t.equal(response.statusCode, 401, name)
  }
  t.equal(app.sandboxUpstream.requests.length, before, 'the upstream saw nothing')
  // Without the header, the same cookie works: it was the header that was refused.
  const cookieOnly = await app.inject({ method: 'POST', url: '/api/clients', headers: admin.headers, payload: { clientName: 'cookie' } })
  t.equal(cookieOnly.statusCode, 201)
})

t.test('GET /api/clients ...should ignore a valid token in any other header, and never trust plain identity headers', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, { ...gateway.env, TRUST_PROXY: '10.0.0.5' })
  const token = await gateway.sign({ roles: ['bff-admins'] })
  for (const header of ['authorization', 'x-jwt', 'x-forwarded-access-token', 'x-auth-request-access-token', 'cf-access-jwt-assertion', 'x-goog-iap-jwt-assertion']) {
    const value = header === 'authorization' ? `Bearer ${token}` : token
    const response = await app.inject({ url: '/api/clients', headers: { [header]: value } })
    t.equal(response.statusCode, 401, header)
  }
  const claims = {
    'x-forwarded-user': 'admin',
    'x-forwarded-email': 'admin@example.com',
    'x-forwarded-preferred-username': 'admin',
    'x-forwarded-groups': 'bff-admins',
    'x-user': 'admin',
    'x-remote-user': 'admin',
    'remote-user': 'admin',
    'x-auth-request-user': 'admin',
    'x-auth-request-email': 'admin@example.com',
    'x-auth-request-groups': 'bff-admins',
    'x-roles': 'admin',
    'x-webauth-user': 'admin'
  }
  // Alone, from anywhere, including the trusted proxy's address.
  for (const remoteAddress of ['127.0.0.1', '10.0.0.5']) {
    const response = await app.inject({ url: '/api/clients', headers: claims, remoteAddress })
    t.equal(response.statusCode, 401, `identity headers alone from ${remoteAddress}`)
  }
  // With a viewer's session they grant nothing more.
  const viewer = await login(app, 'viewer')
  const escalate = await app.inject({ method: 'POST', url: '/api/clients', headers: { ...viewer.headers, ...claims }, payload: { clientName: 'x' }, remoteAddress: '10.0.0.5' })
  t.equal(escalate.statusCode, 403)
  // With a viewer's gateway token neither.
  const viewerToken = await gateway.sign({ sub: 'vera', roles: ['bff-viewers'] })
  const viaGateway = await app.inject({ method: 'POST', url: '/api/clients', headers: { [HEADER]: viewerToken, ...claims }, payload: { clientName: 'x' }, remoteAddress: '10.0.0.5' })
  t.equal(viaGateway.statusCode, 403)
})

t.test('GET /api/clients ...should answer 503 when the key set cannot be fetched, never 500 and never a pass', async t => {
  const closedPort = await freePort()
  const { app, logs } = await buildTestApp(t, gatewayEnv({ GATEWAY_JWKS_URL: `http://127.0.0.1:${closedPort}/jwks.json` }))
  const key = await signingKey()
  const token = await sign(key, { roles: ['bff-admins'] })
  for (const method of ['GET', 'POST'] as const) {
    const response = await app.inject({ method, url: '/api/clients', headers: { [HEADER]: token }, ...(method === 'POST' ? { payload: { clientName: 'x' } } : {}) })
    t.equal(response.statusCode, 503, method)
    t.match(response.headers['content-type'], PROBLEM)
    t.equal(response.headers['retry-after'], '5')
    t.match(response.json(), { status: 503, code: 'BFF_GATEWAY_KEYS_UNAVAILABLE' })
  }
  // Tokens that fail before any key is needed are still plain 401s.
  t.equal((await app.inject({ url: '/api/clients', headers: { [HEADER]: unsignedToken({}) } })).statusCode, 401)
  t.equal((await app.inject({ url: '/api/clients', headers: { [HEADER]: 'garbage' } })).statusCode, 401)
  t.equal(app.sandboxUpstream.requests.length, 0)
  t.notMatch(logs.join(''), token.split('.')[2]!, 'the token is not in the error log')
})

t.test('GET /api/clients ...should answer 503 when the key set endpoint answers an error or no key set, then recover', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const token = await gateway.sign()
  const answers: Array<[string, (response: import('node:http').ServerResponse) => void]> = [
    ['500', response => { response.writeHead(500).end('oops') }],
    ['redirect', response => { response.writeHead(302, { location: 'http://127.0.0.1:9/jwks.json' }).end() }],
    ['HTML', response => { response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>') }],
    ['not a key set', response => { response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "none"}') }]
  ]
  for (const [name, handler] of answers) {
    gateway.answer((_request, response) => handler(response))
    const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })
    t.equal(response.statusCode, 503, name)
  }
  gateway.answer((_request, response) => { response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [gateway.key.jwk] })) })
  t.equal((await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })).statusCode, 200, 'back once the key set is')
})

t.test('GET /api/clients ...should answer 503 within the fetch timeout when the key set endpoint hangs', async t => {
  const port = await freePort()
  // Accepts connections and never answers.
  const hanging = createServer(() => {})
  await new Promise<void>(resolve => hanging.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => {
    hanging.close(resolve)
    hanging.closeAllConnections()
  }))
  const { app } = await buildTestApp(t, gatewayEnv({ GATEWAY_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` }))
  const token = await new SignJWT({ sub: 'alice', roles: ['bff-admins'] })
    .setProtectedHeader({ alg: 'RS256', kid: KID }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m')
    .sign((await signingKey()).privateKey)
  const started = Date.now()
  const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })
  t.equal(response.statusCode, 503)
  t.ok(Date.now() - started < 6000, 'answered within the 3 s fetch timeout (and some slack)')
})
