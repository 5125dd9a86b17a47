import t from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp } from '../helpers/app.ts'
import { clientFor, cookieOf, listen, type HttpClient } from '../helpers/http.ts'
import { usersFile, type LocalUser } from '../helpers/local-users.ts'
import { startRedis } from '../helpers/redis.ts'
import { startServerProcess } from '../helpers/server-process.ts'

// A session or token carries the roles its user had when it was made; the users file says what they
// have now, and the smaller wins. A user gone from the file is refused (issue 11, finding 9).

const ALICE: LocalUser = { username: 'alice', password: 'alice-password-0001', roles: ['editor'] }
const BOB: LocalUser = { username: 'bob', password: 'bob-password-000001', roles: ['admin'] }
const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' }

async function signIn (http: HttpClient, user: LocalUser) {
  const answer = await http.request('/auth/login', { json: { username: user.username, password: user.password } })
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.text}`)
  const cookie = cookieOf(answer)
  return { cookie, headers: { cookie, 'x-csrf-token': answer.json().csrfToken as string } }
}

async function until (what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

t.test('GET /auth/session ...should refuse (401) a removed user\'s Redis session and token, and cap a demoted user\'s roles, after a restart', async t => {
  const redis = await startRedis(t)
  const users = await usersFile([ALICE, BOB])
  const env = { ...QUIET, BFF_USERS_FILE: users.path, SESSION_STORE: 'redis', API_TOKEN_STORE: 'redis', REDIS_URL: redis.url, SESSION_SECRET: 'r'.repeat(40) }
  const before = await buildTestApp(t, env)
  const first = await listen(before.app)
  const alice = await signIn(first, ALICE)
  const bob = await signIn(first, BOB)
  const aliceToken = (await first.request('/auth/tokens', { headers: alice.headers, json: { name: 'ci', roles: ['editor'], expiresInDays: 1 } })).json().token as string
  const bobToken = (await first.request('/auth/tokens', { headers: bob.headers, json: { name: 'ci', roles: ['admin'], expiresInDays: 1 } })).json().token as string
  t.equal((await first.request('/api/clients', { headers: alice.headers, json: { clientName: 'before' } })).status, 201)
  await before.app.close()

  await users.rewrite([{ ...BOB, roles: ['viewer'] }])
  const after = await buildTestApp(t, env)
  const http = await listen(after.app)
  for (const [what, headers] of [['session', alice.headers], ['token', { authorization: `Bearer ${aliceToken}` }]] as const) {
    t.equal((await http.request('/auth/session', { headers })).status, 401, `alice's ${what} is refused`)
    const write = await http.request('/api/clients', { headers, json: { clientName: 'after' } })
    t.equal(write.status, 401, `alice's ${what} cannot write`)
  }
  for (const [what, headers] of [['session', bob.headers], ['token', { authorization: `Bearer ${bobToken}` }]] as const) {
    t.same((await http.request('/auth/session', { headers })).json().roles, ['viewer'], `bob's ${what} has his roles of now`)
    const write = await http.request('/api/clients', { headers, json: { clientName: 'after' } })
    t.equal(write.status, 403, `bob's ${what} can no longer write`)
  }
})

t.test('GET /auth/session ...should follow the users file within BFF_USERS_RELOAD_SECONDS, and keep the users when the new file is broken', async t => {
  const users = await usersFile([ALICE, BOB])
  const { app, logs } = await buildTestApp(t, { ...QUIET, BFF_USERS_FILE: users.path, BFF_USERS_RELOAD_SECONDS: '1' })
  const http = await listen(app)
  const alice = await signIn(http, ALICE)
  const roles = async () => (await http.request('/auth/session', { headers: { cookie: alice.cookie } })).json().roles as string[]
  t.same(await roles(), ['editor'])

  await users.rewrite([{ ...ALICE, roles: ['viewer'] }, BOB])
  await until('alice is a viewer', async () => (await roles())[0] === 'viewer')
  t.same(await roles(), ['viewer'], 'demoted without a restart')
  t.same((await http.request('/auth/session', { headers: { cookie: (await signIn(http, BOB)).cookie } })).json().roles, ['admin'], 'bob is unchanged')

  await users.rewrite([{ ...ALICE, roles: ['admin'] }, BOB])
  await until('the file is read again', async () => logs.filter(line => line.includes('users file reloaded')).length >= 2)
  t.same(await roles(), ['editor'], 'promoted in the file: the session gets back the roles it was made with, no more')

  await writeFile(users.path, '[{"username": "half-written')
  await until('the broken file is noticed', async () => logs.some(line => line.includes('users file not reloaded')))
  t.same(await roles(), ['editor'], 'a broken file changes nothing')

  await users.rewrite([BOB])
  await until('alice is refused', async () => (await http.request('/auth/session', { headers: { cookie: alice.cookie } })).status === 401)
  t.pass('removed without a restart')
})

t.test('GET /auth/session ...should follow the users file at SIGHUP (npm start, reloading otherwise off)', async t => {
  const users = await usersFile([ALICE, BOB])
  const dir = await mkdtemp(join(tmpdir(), 'bff-sighup-'))
  const server = await startServerProcess(t, {
    BFF_USERS_FILE: users.path, BFF_USERS_RELOAD_SECONDS: '0', API_TOKEN_STORE: 'memory', AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`
  })
  const http = clientFor(server.url)
  const alice = await signIn(http, ALICE)
  await users.rewrite([BOB])
  // Give an interval (were there one) the time to fire: nothing changes without the signal.
  await new Promise(resolve => setTimeout(resolve, 1500))
  t.equal((await http.request('/auth/session', { headers: { cookie: alice.cookie } })).status, 200, 'no reload without SIGHUP')
  server.child.kill('SIGHUP')
  await until('alice is refused', async () => (await http.request('/auth/session', { headers: { cookie: alice.cookie } })).status === 401)
  t.equal((await http.request('/healthz')).status, 200, 'the server lives on')
})
