import t from 'tap'
import type { Test } from 'tap'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp, login, tokenSecret, type Login, type TestApp } from '../helpers/app.ts'
import { allRecords } from '../audit/trail.ts'
import { fakeClock } from '../helpers/clock.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'

// Personal API tokens with the default store (SQLite file); the memory store runs the core flow too,
// the Redis store is in tokens-redis.test.ts.

const PROBLEM = /^application\/problem\+json/
const TOKEN = /^bfft_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/

async function sqliteApp (t: Test, env: Record<string, string> = {}): Promise<TestApp & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-tokens-'))
  return { ...await buildTestApp(t, { API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}`, ...env }), dir }
}

async function createToken (app: FastifyInstance, creator: Login, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'POST', url: '/auth/tokens', headers: creator.headers, payload: body })
}

async function mint (app: FastifyInstance, creator: Login, body: Record<string, unknown> = {}): Promise<{ id: string, token: string }> {
  const response = await createToken(app, creator, { name: 'script', roles: ['viewer'], expiresInDays: 30, ...body })
  if (response.statusCode !== 201) throw new Error(`token not created: ${response.statusCode} ${response.body}`)
  return response.json()
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

for (const store of ['sqlite', 'memory'] as const) {
  t.test(`POST /auth/tokens ...should create a token shown once that authenticates GET and POST /api/clients without CSRF, until revoked (${store} store)`, async t => {
    const { app } = store === 'sqlite' ? await sqliteApp(t) : await buildTestApp(t, { API_TOKEN_STORE: 'memory' })
    const editor = await login(app, 'editor')
    const before = Date.now()
    const created = await createToken(app, editor, { name: 'CI deploy', roles: ['editor'], expiresInDays: 30 })
    t.equal(created.statusCode, 201)
    const body = created.json()
    t.match(body, { id: /^[0-9a-f]{24}$/, name: 'CI deploy', username: 'editor', roles: ['editor'], createdBy: 'editor', lastUsedAt: null, token: TOKEN })
    t.ok(body.token.startsWith(`bfft_${body.id as string}_`), 'the id is part of the value')
    const expiresAt = Date.parse(body.expiresAt)
    t.ok(expiresAt >= before + 30 * 86_400_000 && expiresAt <= Date.now() + 30 * 86_400_000, 'expires in 30 days')

    const listed = await app.inject({ url: '/auth/tokens', headers: { cookie: editor.cookie } })
    t.equal(listed.statusCode, 200)
    t.equal(listed.json().tokens.length, 1)
    t.notOk('token' in listed.json().tokens[0], 'no value in the list')
    t.notOk(listed.body.includes(body.token.slice(30)), 'not even part of it')

    const read = await app.inject({ url: '/api/clients?limit=1', headers: bearer(body.token) })
    t.equal(read.statusCode, 200)
    const write = await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(body.token), payload: { clientName: 'By token' } })
    t.equal(write.statusCode, 201, 'no CSRF token needed')
    const session = await app.inject({ url: '/auth/session', headers: bearer(body.token) })
    t.equal(session.statusCode, 200)
    t.same(session.json(), { source: 'local', username: 'editor', roles: ['editor'] }, '/auth/session answers for a token too, without csrfToken')

    const revoked = await app.inject({ method: 'DELETE', url: `/auth/tokens/${body.id as string}`, headers: editor.headers })
    t.equal(revoked.statusCode, 204)
    const after = await app.inject({ url: '/api/clients', headers: bearer(body.token) })
    t.equal(after.statusCode, 401, 'a revoked token is refused')
    t.equal(after.json().code, 'BFF_BAD_API_TOKEN')
    t.same((await app.inject({ url: '/auth/tokens', headers: { cookie: editor.cookie } })).json(), { tokens: [], nextCursor: null })
    t.equal((await app.inject({ method: 'DELETE', url: `/auth/tokens/${body.id as string}`, headers: editor.headers })).statusCode, 404, 'revoking twice')
  })
}

t.test('POST /api/clients ...should be audited as the token\'s owner, via api-token, with the token id as credential, and token creation and revocation too', async t => {
  const { app } = await sqliteApp(t)
  const admin = await login(app, 'admin')
  const { id, token } = await mint(app, admin, { roles: ['editor'], username: 'editor', name: 'deployer' })
  const created = await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload: { clientName: 'Audited' } })
  t.equal(created.statusCode, 201)
  await app.inject({ method: 'DELETE', url: `/auth/tokens/${id}`, headers: admin.headers })
  const records = await allRecords(app)
  t.match(records.find(record => record.action === 'client.create'), { actor: 'editor', source: 'local', roles: ['editor'], via: 'api-token', credential: id, tokenCreatedBy: { source: 'local', username: 'admin' }, outcome: 'success' })
  t.match(records.find(record => record.action === 'auth.token.create'), { actor: 'admin', via: 'session', route: 'POST /auth/tokens', target: { source: 'local', username: 'editor', tokenId: id }, outcome: 'success', status: 201 })
  t.match(records.find(record => record.action === 'auth.token.revoke'), { actor: 'admin', via: 'session', route: 'DELETE /auth/tokens/:id', target: { source: 'local', username: 'editor', tokenId: id }, outcome: 'success', status: 204 })
  t.notOk(JSON.stringify(records).includes(token), 'the token value is not in the trail')
})

t.test('POST /auth/tokens ...should refuse roles above the creator\'s (403) and another user\'s token unless admin', async t => {
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const editor = await login(app, 'editor')
  const cases: Array<[Login, Record<string, unknown>, number, string]> = [
    [viewer, { roles: ['editor'] }, 403, 'BFF_ROLE_CEILING'],
    [viewer, { roles: ['viewer', 'admin'] }, 403, 'BFF_ROLE_CEILING'],
    [editor, { roles: ['admin'] }, 403, 'BFF_ROLE_CEILING'],
    [editor, { roles: ['viewer'], username: 'admin' }, 403, 'BFF_FORBIDDEN'],
    [viewer, { roles: ['viewer'], username: 'editor' }, 403, 'BFF_FORBIDDEN']
  ]
  for (const [creator, body, status, code] of cases) {
    const response = await createToken(app, creator, { name: 'x', expiresInDays: 1, ...body })
    t.equal(response.statusCode, status, JSON.stringify(body))
    t.match(response.headers['content-type'], PROBLEM)
    t.equal(response.json().code, code)
  }
  const admin = await login(app, 'admin')
  t.equal((await app.inject({ url: '/auth/tokens?username=editor', headers: editor.headers })).statusCode, 200, 'one\'s own name is fine')
  t.equal((await app.inject({ url: '/auth/tokens?username=admin', headers: editor.headers })).statusCode, 403, 'listing another\'s tokens needs admin')
  t.equal((await app.inject({ url: '/auth/tokens?username=editor', headers: admin.headers })).statusCode, 200)

  // A viewer token cannot do what its editor owner can: the token's roles, not the owner's, apply.
  const { token } = await mint(app, editor, { roles: ['viewer'] })
  const write = await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload: { clientName: 'x' } })
  t.equal(write.statusCode, 403)
  t.equal(write.json().code, 'BFF_FORBIDDEN')
})

t.test('POST /auth/tokens ...should refuse a caller authenticated by a token (no token minting tokens), and token lists and revocation too', async t => {
  const { app } = await sqliteApp(t)
  const admin = await login(app, 'admin')
  const { id, token } = await mint(app, admin, { roles: ['admin'] })
  const attempts = [
    { method: 'POST' as const, url: '/auth/tokens', payload: { name: 'child', roles: ['admin'], expiresInDays: 1 } },
    { method: 'GET' as const, url: '/auth/tokens' },
    { method: 'DELETE' as const, url: `/auth/tokens/${id}` }
  ]
  for (const { method, url, payload } of attempts) {
    const response = await app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
    t.equal(response.statusCode, 403, `${method} ${url}`)
    t.equal(response.json().code, 'BFF_API_TOKEN_NOT_ALLOWED')
  }
  t.equal((await app.inject({ url: '/auth/tokens', headers: { cookie: admin.cookie } })).json().tokens.length, 1, 'nothing minted, nothing revoked')
})

t.test('POST /auth/tokens ...should validate name, roles and expiresInDays (at most API_TOKEN_MAX_DAYS), and need the CSRF token with a session', async t => {
  const { app } = await sqliteApp(t, { API_TOKEN_MAX_DAYS: '7' })
  const admin = await login(app, 'admin')
  const bodies = [
    { roles: ['viewer'], expiresInDays: 1 },
    { name: '', roles: ['viewer'], expiresInDays: 1 },
    { name: 'x\nforged', roles: ['viewer'], expiresInDays: 1 },
    { name: 'x', roles: [], expiresInDays: 1 },
    { name: 'x', roles: ['root'], expiresInDays: 1 },
    { name: 'x', roles: ['viewer', 'viewer'], expiresInDays: 1 },
    { name: 'x', roles: ['viewer'] },
    { name: 'x', roles: ['viewer'], expiresInDays: 0 },
    { name: 'x', roles: ['viewer'], expiresInDays: 8 },
    { name: 'x', roles: ['viewer'], expiresInDays: 1.5 },
    { name: 'x', roles: ['viewer'], expiresInDays: 1, hash: 'chosen' },
    { name: 'x', roles: ['viewer'], expiresInDays: 1, username: '' }
  ]
  for (const body of bodies) {
    const response = await createToken(app, admin, body)
    t.equal(response.statusCode, 400, JSON.stringify(body))
    t.match(response.headers['content-type'], PROBLEM)
  }
  t.equal((await createToken(app, admin, { name: 'x', roles: ['viewer'], expiresInDays: 7 })).statusCode, 201, '7 days is the maximum')
  const noCsrf = await app.inject({ method: 'POST', url: '/auth/tokens', headers: { cookie: admin.cookie }, payload: { name: 'x', roles: ['viewer'], expiresInDays: 1 } })
  t.equal(noCsrf.statusCode, 403)
  t.equal(noCsrf.json().code, 'BFF_CSRF_REJECTED')
  t.equal((await app.inject({ method: 'POST', url: '/auth/tokens', payload: { name: 'x', roles: ['viewer'], expiresInDays: 1 } })).statusCode, 401, 'anonymous')
})

t.test('GET /api/clients ...should answer 401 to every malformed, forged or unknown bearer token, even with a valid session cookie alongside', async t => {
  const { app } = await sqliteApp(t)
  const editor = await login(app, 'editor')
  const { id, token } = await mint(app, editor)
  const other = await mint(app, editor)
  const secret = tokenSecret(token)
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
  const stored = (await app.apiTokens.get(id))!.hash
  const forms = [
    'Bearer', 'Bearer ', 'Bearer x', `Bearer ${flipped}`, `Bearer ${token}x`, `Bearer ${token} extra`, `Bearer  ${token.toUpperCase()}`,
    `Bearer bfft_${'0'.repeat(24)}_${secret}`, `Bearer ${other.token.slice(0, 30)}${secret}`, `Bearer ${stored}`, `Bearer bfft_${id}_${stored}`,
    `Bearer ${secret}`, `Bearer ${id}`, `Bearer ${token},${token}`, `Bearer ${token.replace('bfft_', 'BFFT_')}`
  ]
  for (const authorization of forms) {
    for (const headers of [{ authorization }, { authorization, cookie: editor.cookie }]) {
      const response = await app.inject({ url: '/api/clients', headers })
      t.equal(response.statusCode, 401, `${authorization}${'cookie' in headers ? ' with a cookie' : ''}`)
      t.match(response.headers['content-type'], PROBLEM)
      t.equal(response.json().code, 'BFF_BAD_API_TOKEN')
    }
  }
  t.equal((await app.inject({ url: '/api/clients', headers: { authorization: `bearer   ${token}` } })).statusCode, 200, 'the scheme is case-insensitive')
  t.equal((await app.inject({ url: '/api/clients', headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: editor.cookie } })).statusCode, 200, 'another scheme is not ours: the cookie decides')
})

t.test('GET /api/clients ...should answer 401 once the token has expired, and drop it from the list', async t => {
  const clock = fakeClock(t)
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { token } = await mint(app, viewer, { expiresInDays: 1 })
  clock.advance(86_400_000 - 60_000)
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(token) })).statusCode, 200, 'a minute before expiry')
  clock.advance(61_000)
  const expired = await app.inject({ url: '/api/clients', headers: bearer(token) })
  t.equal(expired.statusCode, 401, 'a second after')
  t.equal(expired.json().code, 'BFF_BAD_API_TOKEN')
  const fresh = await login(app, 'viewer')
  t.same((await app.inject({ url: '/auth/tokens', headers: { cookie: fresh.cookie } })).json(), { tokens: [], nextCursor: null })
})

t.test('GET /auth/tokens ...should show lastUsedAt, written at most once a minute', async t => {
  const clock = fakeClock(t)
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { id, token } = await mint(app, viewer)
  const lastUsed = async (): Promise<number | null> => {
    const value = (await app.apiTokens.get(id))!.lastUsedAt
    return value
  }
  t.equal(await lastUsed(), null)
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  const first = await lastUsed()
  t.ok(first !== null && Math.abs(first - Date.now()) < 2000, 'set at first use')
  clock.advance(30_000)
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  t.equal(await lastUsed(), first, 'not rewritten 30 s later')
  clock.advance(31_000)
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  t.ok((await lastUsed())! > first!, 'rewritten after a minute')
  const listed = (await app.inject({ url: '/auth/tokens', headers: { cookie: viewer.cookie } })).json()
  t.equal(Date.parse(listed.tokens[0].lastUsedAt), await lastUsed())
})

t.test('DELETE /auth/tokens/:id ...should let owners revoke their own tokens and admins anyone\'s; others get 404', async t => {
  const { app, logs } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const editor = await login(app, 'editor')
  const admin = await login(app, 'admin')
  const mine = await mint(app, viewer)
  const response = await app.inject({ method: 'DELETE', url: `/auth/tokens/${mine.id}`, headers: editor.headers })
  t.equal(response.statusCode, 404, 'another user\'s token is not confirmed to exist')
  t.equal(response.json().code, 'BFF_API_TOKEN_NOT_FOUND')
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(mine.token) })).statusCode, 200, 'still valid')
  t.equal((await app.inject({ method: 'DELETE', url: '/auth/tokens/not-an-id', headers: admin.headers })).statusCode, 400)
  const listed = (await app.inject({ url: '/auth/tokens?username=viewer', headers: admin.headers })).json()
  t.match(listed, { tokens: [{ id: mine.id, username: 'viewer', createdBy: 'viewer' }] }, 'the admin sees it')
  t.equal(listed.tokens[0].teams, undefined, 'roles mode: a token has no teams')
  t.same((await app.inject({ url: '/auth/tokens?username=viewer&source=oidc', headers: admin.headers })).json(), { tokens: [], nextCursor: null }, 'an OIDC user of that name is someone else')
  t.equal((await app.inject({ url: '/auth/tokens?user=viewer', headers: admin.headers })).statusCode, 400, 'an unknown parameter is refused, not ignored')
  t.equal((await app.inject({ method: 'DELETE', url: `/auth/tokens/${mine.id}`, headers: admin.headers })).statusCode, 204)
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(mine.token) })).statusCode, 401)
  const revoked = logs.map(line => JSON.parse(line) as Record<string, unknown>).filter(line => line.msg === 'api token revoked')
  t.same(revoked.map(({ tokenId, owner }) => ({ tokenId, owner })), [{ tokenId: mine.id, owner: { source: 'local', username: 'viewer' } }], 'logged for the operator')
  await app.close()
  await t.rejects(app.apiTokens.get(mine.id), { code: 'BFF_TOKEN_STORE_UNAVAILABLE' }, 'the store is closed with the app')
})

t.test('POST /auth/tokens ...should keep only a SHA-256 hash at rest and never write the value to the logs', async t => {
  const { app, dir, logs } = await sqliteApp(t)
  const admin = await login(app, 'admin')
  const tokens = [await mint(app, admin), await mint(app, admin, { username: 'viewer' })]
  for (const { token } of tokens) {
    await app.inject({ url: '/api/clients', headers: bearer(token) })
    await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload: { clientName: 'x' } })
  }
  await app.inject({ url: '/api/clients', headers: bearer(`${tokens[0]!.token}x`) })
  const files = await readdir(dir)
  t.ok(files.includes('tokens.db'))
  const bytes = Buffer.concat(await Promise.all(files.map(file => readFile(join(dir, file)))))
  for (const { id, token } of tokens) {
    const secret = tokenSecret(token)
    t.notOk(bytes.includes(secret), 'the secret part is in no file (database, WAL)')
    t.ok(bytes.includes(id), 'the id is')
    const { createHash } = await import('node:crypto')
    t.ok(bytes.includes(createHash('sha256').update(token).digest('base64url')), 'and the SHA-256 of the value')
    for (const line of logs) t.notOk(line.includes(secret), 'the secret part is in no log line')
  }
  t.ok(logs.some(line => line.includes('api token created') && line.includes(tokens[1]!.id)), 'the creation is logged by id')
})

t.test('POST /auth/logout ...should answer 400 to a token caller instead of pretending to log it out, and leave the token working', async t => {
  const { app } = await sqliteApp(t)
  const admin = await login(app, 'admin')
  const { token } = await mint(app, admin, { roles: ['viewer'] })
  const response = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(token) })
  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'BFF_NOT_A_SESSION')
  t.equal((await app.inject({ url: '/api/clients?limit=1', headers: bearer(token) })).statusCode, 200)
})

// The clock stands still at a chosen instant: the boundaries below are exact to the millisecond.
async function until (t: Test, condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 10_000
  while (!await condition()) {
    if (performance.now() > deadline) { t.fail(`timed out waiting: ${what}`); return }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

t.test('GET /api/clients ...should accept a token until the millisecond before its expiresAt, and refuse it from then on', async t => {
  const clock = frozenClock(t)
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { id, token } = await mint(app, viewer, { expiresInDays: 1 })
  const { expiresAt } = (await app.apiTokens.get(id))!
  clock.set(expiresAt - 1)
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(token) })).statusCode, 200, 'a millisecond before')
  clock.set(expiresAt)
  const expired = await app.inject({ url: '/api/clients', headers: bearer(token) })
  t.equal(expired.statusCode, 401, 'at expiresAt')
  t.equal(expired.json().code, 'BFF_BAD_API_TOKEN')
})

t.test('GET /auth/tokens ...should rewrite lastUsedAt at the first use a full minute after the last one, not a millisecond before', async t => {
  const clock = frozenClock(t)
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { id, token } = await mint(app, viewer)
  const lastUsed = async () => (await app.apiTokens.get(id))!.lastUsedAt
  const start = Date.now()
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  await until(t, async () => await lastUsed() === start, 'first use recorded')
  clock.set(start + 59_999)
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  t.equal(await lastUsed(), start, 'not rewritten at 59.999 s')
  clock.set(start + 60_000)
  await app.inject({ url: '/api/clients', headers: bearer(token) })
  await until(t, async () => await lastUsed() !== start, 'use a minute later recorded')
  t.equal(await lastUsed(), start + 60_000, 'rewritten at the minute')
})

t.test('GET /api/clients ...should answer a token\'s request even when lastUsedAt cannot be written, and log a warning naming the token', async t => {
  const { app, logs } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { id, token } = await mint(app, viewer)
  // A store that reads but cannot write (a full disk, say): a fault no test server produces on demand.
  app.apiTokens.touch = async () => { throw new Error('disk full') }
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(token) })).statusCode, 200)
  await until(t, async () => logs.some(line => line.includes('lastUsedAt not recorded')), 'the warning')
  const warning = JSON.parse(logs.find(line => line.includes('lastUsedAt not recorded'))!)
  t.match(warning, { level: 40, tokenId: id, err: { message: 'disk full' } })
})

t.test('POST /api/clients ...should audit a token used by its own creator with one name only (no tokenCreatedBy)', async t => {
  const { app } = await sqliteApp(t)
  const editor = await login(app, 'editor')
  const { id, token } = await mint(app, editor, { roles: ['editor'] })
  t.equal((await app.inject({ method: 'POST', url: '/api/clients', headers: bearer(token), payload: { clientName: 'Own token' } })).statusCode, 201)
  const record = (await allRecords(app)).find(record => record.action === 'client.create')
  t.match(record, { actor: 'editor', via: 'api-token', credential: id })
  t.notOk(record !== undefined && 'tokenCreatedBy' in record, 'no tokenCreatedBy')
})

t.test('GET /api/clients ...should take a bearer token followed by spaces, and leave other schemes that merely contain bearer to the cookie', async t => {
  const { app } = await sqliteApp(t)
  const viewer = await login(app, 'viewer')
  const { token } = await mint(app, viewer)
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(`${token}   `) })).statusCode, 200, 'trailing spaces')
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(`junk bearer ${token}`) })).statusCode, 401, 'one credential, not the last of several words')
  t.equal((await app.inject({ url: '/api/clients', headers: bearer(`x${token}`) })).statusCode, 401, 'nothing before the token')
  for (const authorization of [`XBearer ${token}`, `Bearerx ${token}`, 'Basic YmVhcmVyIHg=']) {
    t.equal((await app.inject({ url: '/api/clients', headers: { authorization, cookie: viewer.cookie } })).statusCode, 200, `${authorization.slice(0, 8)}: the cookie decides`)
    t.equal((await app.inject({ url: '/api/clients', headers: { authorization } })).statusCode, 401, `${authorization.slice(0, 8)} alone: nobody`)
  }
})
