import { hash } from 'node:crypto'
import t from 'tap'
import type { Test } from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { listen, type HttpAnswer, type HttpClient } from '../helpers/http.ts'
import { startRedis } from '../helpers/redis.ts'

// OWASP's device cookies (issue 21, item 11): a username was locked for everyone, its owner included,
// by failures from 10 addresses. A browser that signed in as that user before now keeps a budget of
// its own. The client address comes from X-Forwarded-For, trusted from loopback.

const ENV = { TRUST_PROXY: '127.0.0.1', MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_LOGIN: '3/15m', RATE_LIMIT_LOGIN_USER: '5/15m' }

interface Browser {
  /** Device cookies it was given, by name. */
  cookies: Map<string, string>
  login: (username: string, password: string) => Promise<HttpAnswer>
  statuses: (username: string, passwords: string[]) => Promise<number[]>
}

/** A browser at `address`, keeping the device cookies it is given. */
function browser (http: HttpClient, address: string): Browser {
  const cookies = new Map<string, string>()
  const login = async (username: string, password: string): Promise<HttpAnswer> => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const answer = await http.request('/auth/login', { json: { username, password }, headers: { 'x-forwarded-for': address, ...(cookie === '' ? {} : { cookie }) } })
    for (const line of answer.headers.getSetCookie()) {
      const [pair] = line.split(';') as [string]
      const name = pair.slice(0, pair.indexOf('='))
      if (name.startsWith('bff_device_')) cookies.set(name, pair.slice(name.length + 1))
    }
    return answer
  }
  const statuses = async (username: string, passwords: string[]): Promise<number[]> => {
    const all = []
    for (const password of passwords) all.push((await login(username, password)).status)
    return all
  }
  return { cookies, login, statuses }
}

const wrong = (count: number) => Array.from({ length: count }, (_, i) => `wrong-${i}`)

/** Spends the username's budget (5) from three addresses of an attacker: 6 failures, the last refused. */
async function lockOut (http: HttpClient, username: string): Promise<number[]> {
  const statuses = []
  for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) statuses.push(...await browser(http, address).statuses(username, wrong(2)))
  return statuses
}

for (const store of ['memory', 'redis'] as const) {
  const setup = async (t: Test) => {
    const redis: Record<string, string> = store === 'redis' ? { REDIS_URL: (await startRedis(t)).url } : {}
    return await listen((await buildTestApp(t, { ...ENV, ...redis })).app)
  }

  t.test(`POST /auth/login ...should let a browser that signed in as the user before sign in while others' failures lock the username (${store})`, async t => {
    const http = await setup(t)
    const owner = browser(http, '198.51.100.7')
    const first = await owner.login('viewer', PASSWORDS.viewer)
    t.equal(first.status, 200)
    const line = first.headers.getSetCookie().find(cookie => cookie.startsWith('bff_device_'))
    t.match(line, /^bff_device_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Max-Age=15552000; Path=\/auth\/login; HttpOnly; SameSite=Strict$/, 'a device cookie, for the login route only')
    t.notMatch(line, /viewer/, 'that does not show the username')

    t.same(await lockOut(http, 'viewer'), [401, 401, 401, 401, 401, 429], 'the attacker spends the username\'s budget')
    t.equal((await browser(http, '192.0.2.55').login('viewer', PASSWORDS.viewer)).status, 429, 'a browser without the cookie waits, right password or not')
    t.equal((await owner.login('viewer', PASSWORDS.viewer)).status, 200, 'the owner\'s browser signs in')
    t.equal((await owner.login('viewer', 'a typo')).status, 401, 'its own typo is checked, not refused for the others\' failures')
    const moved = browser(http, '203.0.113.1')
    for (const [name, value] of owner.cookies) moved.cookies.set(name, value)
    t.equal((await moved.login('viewer', PASSWORDS.viewer)).status, 200, 'from any address, even one that failed')
  })

  t.test(`POST /auth/login ...should give a device cookie a failure budget of its own, and no other user's (${store})`, async t => {
    const http = await setup(t)
    const owner = browser(http, '198.51.100.8')
    t.equal((await owner.login('editor', PASSWORDS.editor)).status, 200)
    t.same(await owner.statuses('editor', [...wrong(3), PASSWORDS.editor]), [401, 401, 401, 429], 'RATE_LIMIT_LOGIN failures, then the device waits too')
    t.equal((await browser(http, '198.51.100.8').login('editor', PASSWORDS.editor)).status, 200, 'its failures did not touch the username\'s budget nor the address\'s')
    t.same(await lockOut(http, 'editor'), [401, 401, 401, 401, 401, 429], 'the username\'s whole budget was still there')

    // The viewer's device cookie, renamed for the admin: signed for another username, it is worth nothing.
    t.same(await lockOut(http, 'admin'), [401, 401, 401, 401, 401, 429])
    const viewer = browser(http, '192.0.2.9')
    t.equal((await viewer.login('viewer', PASSWORDS.viewer)).status, 200)
    const [value] = [...viewer.cookies.values()]
    const forger = browser(http, '192.0.2.9')
    forger.cookies.set(`bff_device_${hash('sha256', 'admin', 'base64url').slice(0, 16)}`, value!)
    t.equal((await forger.login('admin', PASSWORDS.admin)).status, 429, 'another user\'s device cookie does not open a locked username')
    const failed = browser(http, '192.0.2.10')
    await failed.login('viewer', 'nope')
    t.same([...failed.cookies], [], 'a failed login gives no cookie')
  })
}

t.test('POST /auth/login ...should give a __Secure- device cookie over https (a trusted TLS proxy), and take it back', async t => {
  const http = await listen((await buildTestApp(t, ENV)).app)
  const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' }
  const first = await http.request('/auth/login', { json: { username: 'viewer', password: PASSWORDS.viewer }, headers: tls })
  const line = first.headers.getSetCookie().find(cookie => cookie.startsWith('__Secure-bff_device_'))
  t.match(line, /; Path=\/auth\/login; HttpOnly; Secure; SameSite=Strict$/)
  t.same(await lockOut(http, 'viewer'), [401, 401, 401, 401, 401, 429])
  const cookie = line!.split(';')[0]!
  t.equal((await http.request('/auth/login', { json: { username: 'viewer', password: PASSWORDS.viewer }, headers: { ...tls, cookie } })).status, 200)
  t.equal((await http.request('/auth/login', { json: { username: 'viewer', password: PASSWORDS.viewer }, headers: { 'x-forwarded-for': '198.51.100.20', cookie } })).status, 429, 'over plain http the __Secure- cookie is not the one looked for')
})
