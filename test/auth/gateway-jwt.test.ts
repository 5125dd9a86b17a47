import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { buildTestApp, login } from '../helpers/app.ts'
import { allRecords } from '../audit/trail.ts'
import { serverOptions } from '../../src/http/server-options.ts'
import { loadConfig } from '../../src/config.ts'
import access from '../../src/auth/access.ts'
import gatewayJwt from '../../src/auth/gateway-jwt.ts'
import { HEADER, ISSUER, gatewayEnv, sign, signingKey, startGateway, unsignedToken } from './gateway-jwt-support.ts'

const PROBLEM = /^application\/problem\+json/

// The gateway plugin alone (with the real access plugin), as start-up registers it: the whole app
// would start a sandbox upstream that a failed start-up leaves behind.
async function startPlugin (env: Record<string, string>): Promise<Error | null> {
  const app = Fastify()
  try {
    await app.register(fp(async () => {}, { name: 'sessions' }))
    await app.register(fp(async () => {}, { name: 'users' }))
    await app.register(access)
    await app.register(gatewayJwt, loadConfig(env))
    await app.ready()
    return null
  } catch (error) {
    return error as Error
  } finally {
    await app.close()
  }
}

t.test('GET /api/clients ...should answer 200 to a valid gateway token with the mapped role and no cookie', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const token = await gateway.sign({ roles: ['bff-viewers'] })
  const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })
  t.equal(response.statusCode, 200)
  t.type(response.json().clients, Array)
  t.notOk(response.headers['set-cookie'], 'no session is created: the token counts for this request only')
  // Some gateways can only hand on an Authorization value.
  const bearer = await app.inject({ url: '/api/clients', headers: { [HEADER]: `Bearer ${token}` } })
  t.equal(bearer.statusCode, 200)
})

t.test('POST /api/clients ...should create a client for an editor token with X-CSRF: 1 (no CSRF token), and audit it as the token\'s subject via gateway', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const token = await gateway.sign({ sub: 'alice', roles: ['bff-editors'] })
  const response = await app.inject({ method: 'POST', url: '/api/clients', headers: { [HEADER]: token, 'x-csrf': '1' }, payload: { clientName: 'Gateway app' } })
  t.equal(response.statusCode, 201)
  const records = (await allRecords(app)).filter(record => record.action === 'client.create')
  t.equal(records.length, 1)
  t.match(records[0], { actor: 'alice', roles: ['editor'], via: 'gateway', credential: ISSUER, outcome: 'success', status: 201 })
})

t.test('POST /api/clients ...should answer 403 to a viewer token and forward nothing upstream', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const before = app.sandboxUpstream.requests.length
  const response = await app.inject({
    method: 'POST', url: '/api/clients', headers: { [HEADER]: await gateway.sign({ roles: ['bff-viewers'] }), 'x-csrf': '1' }, payload: { clientName: 'Nope' }
  })
  t.equal(response.statusCode, 403)
  t.match(response.headers['content-type'], PROBLEM)
  t.match(response.json(), { code: 'BFF_FORBIDDEN' })
  t.equal(app.sandboxUpstream.requests.length, before)
  // The highest mapped role wins; unknown claim values add nothing.
  const admin = await app.inject({ url: '/api/audit', headers: { [HEADER]: await gateway.sign({ roles: ['bff-viewers', 'bff-admins', 'root'] }) } })
  t.equal(admin.statusCode, 200)
})

t.test('GET /api/clients ...should answer 403 to a valid token whose claims map to no role, and 401 to one without a username', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  for (const roles of [['root', 'ops'], [], 'admin']) {
    const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign({ roles }) } })
    t.equal(response.statusCode, 403, JSON.stringify(roles))
    t.match(response.json(), { status: 403, code: 'BFF_FORBIDDEN' })
  }
  const noRolesClaim = await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign({ roles: undefined }) } })
  t.equal(noRolesClaim.statusCode, 403)
  // Not even routes open to any signed-in caller: a role-less identity is never made.
  const anyCaller = await app.inject({ url: '/api/unknown', headers: { [HEADER]: await gateway.sign({ roles: ['nobody'] }) } })
  t.equal(anyCaller.statusCode, 403)
  const withRole = await app.inject({ url: '/api/unknown', headers: { [HEADER]: await gateway.sign({ roles: ['bff-viewers'] }) } })
  t.equal(withRole.statusCode, 404)
  for (const sub of [undefined, '', 42]) {
    const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign({ sub } as Record<string, unknown>) } })
    t.equal(response.statusCode, 401, `sub ${JSON.stringify(sub)?.slice(0, 10)}`)
  }
  // A username that is there but unusable is the gateway's to fix, and said so (403, not a 401 that sends users to sign in again).
  const tooLong = await app.inject({ url: '/api/clients', headers: { [HEADER]: await gateway.sign({ sub: 'x'.repeat(257) }) } })
  t.equal(tooLong.statusCode, 403)
  t.equal(tooLong.json().code, 'BFF_USERNAME_REFUSED')
})

t.test('GET /api/clients ...should take the username and roles from the configured claims', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, {
    ...gateway.env, GATEWAY_USERNAME_CLAIM: 'email', OIDC_ROLES_CLAIM: 'realm_access.roles', OIDC_ROLE_MAP: 'ops=editor,*=viewer'
  })
  const token = await gateway.sign({ sub: 'f81d4fae', email: 'bob@example.com', realm_access: { roles: ['ops'] } })
  const response = await app.inject({ method: 'POST', url: '/api/clients', headers: { [HEADER]: token, 'x-csrf': '1' }, payload: { clientName: 'By claim' } })
  t.equal(response.statusCode, 201)
  const [outcome] = await allRecords(app)
  t.match(outcome, { actor: 'bob@example.com', roles: ['viewer', 'editor'], via: 'gateway' })
})

t.test('GET /api/clients ...should verify with a static GATEWAY_PUBLIC_KEY as PEM, as a JWK and from a _FILE', async t => {
  const rsa = await signingKey('RS256')
  const ed = await signingKey('EdDSA')
  const other = await signingKey('RS256')
  const dir = await mkdtemp(join(tmpdir(), 'bff-gateway-key-'))
  await writeFile(join(dir, 'gateway.pem'), rsa.pem)
  const setups = [
    { name: 'PEM', env: gatewayEnv({ GATEWAY_PUBLIC_KEY: rsa.pem }), key: rsa },
    { name: 'JWK', env: gatewayEnv({ GATEWAY_PUBLIC_KEY: JSON.stringify(ed.jwk) }), key: ed },
    { name: 'PEM file', env: gatewayEnv({ GATEWAY_PUBLIC_KEY_FILE: join(dir, 'gateway.pem') }), key: rsa }
  ]
  for (const { name, env, key } of setups) {
    const { app } = await buildTestApp(t, env)
    const good = await app.inject({ url: '/api/clients', headers: { [HEADER]: await sign(key) } })
    t.equal(good.statusCode, 200, `${name}: the gateway's token`)
    const forgeries = [
      await sign(other),
      await sign(key, {}, { alg: 'HS256', key: new TextEncoder().encode(rsa.pem) }),
      await sign(key, {}, { alg: 'HS256', key: new TextEncoder().encode(JSON.stringify(ed.jwk)) }),
      unsignedToken({})
    ]
    for (const forged of forgeries) {
      const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: forged } })
      t.equal(response.statusCode, 401, `${name}: ${forged.slice(0, 16)}`)
    }
  }
})

t.test('GET /api/clients ...should refuse to start with a private, symmetric or unreadable key without quoting it, or a plain-http key set in production', async t => {
  const rsa = await signingKey('RS256')
  const values = [
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----',
    JSON.stringify({ ...rsa.jwk, d: 'c2VjcmV0LXByaXZhdGUtZXhwb25lbnQ' }),
    JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXN5bW1ldHJpYy1rZXk' }),
    '{"kty": "RSA", "n": "secret-looking-garbage',
    'not-a-key-secret-looking-garbage'
  ]
  for (const value of values) {
    const error = await startPlugin(gatewayEnv({ GATEWAY_PUBLIC_KEY: value }))
    t.match(error?.message, /^GATEWAY_PUBLIC_KEY: /, value.slice(0, 20))
    t.notMatch(error?.message, /secret|MIIE/, 'the value is not quoted')
  }
  t.equal(await startPlugin(gatewayEnv({ GATEWAY_PUBLIC_KEY: rsa.pem })), null, 'the public key alone is fine')
  const both = await startPlugin(gatewayEnv({ GATEWAY_PUBLIC_KEY: rsa.pem, GATEWAY_JWKS_URL: 'https://gateway.example.test/jwks' }))
  t.match(both?.message, /not both/)
  const production = { NODE_ENV: 'production', AUTHLETE_BASE_URL: 'https://us.authlete.com', AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'x', SESSION_SECRET: 'x'.repeat(32), METRICS_TOKEN: 'm'.repeat(16) }
  const plainHttp = await startPlugin({ ...production, ...gatewayEnv({ GATEWAY_JWKS_URL: 'http://sso.internal/jwks' }) })
  t.match(plainHttp?.message, /^GATEWAY_JWKS_URL: must be https/)
  t.equal(await startPlugin({ ...production, ...gatewayEnv({ GATEWAY_JWKS_URL: 'http://127.0.0.1:8080/jwks' }) }), null, 'a loopback sidecar may be http')
  t.equal(await startPlugin({ ...production, ...gatewayEnv({ GATEWAY_JWKS_URL: 'https://sso.example.com/jwks' }) }), null)
})

t.test('GET /api/clients ...should fetch the key set once for many requests, and not again for tokens naming unknown keys', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  const token = await gateway.sign()
  const answers = await Promise.all(Array.from({ length: 20 }, async () => await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })))
  t.same(answers.map(answer => answer.statusCode), Array(20).fill(200))
  const stranger = await signingKey('RS256', 'unknown-kid')
  for (let i = 0; i < 10; i++) {
    const response = await app.inject({ url: '/api/clients', headers: { [HEADER]: await sign(stranger, {}, { kid: `kid-${i}` }) } })
    t.equal(response.statusCode, 401)
  }
  t.equal(gateway.fetches(), 1, 'the key set is cached; unknown kids do not make the proxy hammer it')
})

t.test('GET /api/clients ...should never write the token to the logs, and redact its header if headers are ever logged', async t => {
  const gateway = await startGateway(t)
  const { app, config, logs } = await buildTestApp(t, { ...gateway.env, LOG_LEVEL: 'trace' })
  const editor = await login(app, 'editor')
  const tokens = [
    await gateway.sign(),
    await gateway.sign({ exp: Math.floor(Date.now() / 1000) - 3600 }),
    await gateway.sign({ aud: 'someone-else' }),
    await gateway.sign({ roles: ['nobody'] }),
    await gateway.sign({}, { alg: 'HS256', key: new TextEncoder().encode(gateway.key.pem) })
  ]
  for (const token of tokens) {
    await app.inject({ url: '/api/clients', headers: { [HEADER]: token } })
    await app.inject({ method: 'POST', url: '/api/clients', headers: { ...editor.headers, [HEADER]: token }, payload: { clientName: 'x' } })
  }
  const text = logs.join('')
  t.match(text, /gateway token rejected/, 'rejections are logged, with their reason')
  t.match(text, /ERR_JWT_EXPIRED/)
  for (const token of tokens) {
    const [, payload, signature] = token.split('.')
    t.notMatch(text, payload!, 'no claims set')
    t.notMatch(text, signature!, 'no signature')
  }
  const redact = (serverOptions(config).logger as { redact: { paths: string[] } }).redact.paths
  t.ok(redact.includes(`req.headers["${HEADER}"]`), 'the gateway header is among the redacted paths')
})
