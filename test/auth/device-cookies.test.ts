import { createHmac, hash } from 'node:crypto'
import t from 'tap'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createDeviceCookies } from '../../src/auth/login-failures/device-cookies.ts'

// The device cookies alone: a request is what they read of one (its protocol and cookies), a reply
// what they write to one (setCookie). The HTTP side is test/auth/login-device-cookies.test.ts.

const SECRET = 'a session secret of at least thirty-two characters'

interface SetCookie { name: string, value: string, options: Record<string, unknown> }

function request (cookies: Record<string, string> = {}, protocol: 'http' | 'https' = 'http'): FastifyRequest {
  return { protocol, cookies } as unknown as FastifyRequest
}

function reply (): FastifyReply & { set: SetCookie[] } {
  const set: SetCookie[] = []
  return { set, setCookie: (name: string, value: string, options: Record<string, unknown>) => { set.push({ name, value, options }) } } as unknown as FastifyReply & { set: SetCookie[] }
}

const nameFor = (username: string, prefix = ''): string => `${prefix}bff_device_${hash('sha256', username, 'base64url').slice(0, 16)}`

/** The MAC a cookie for `username` with `nonce` carries, made as the module makes it (for cookies it never issued). */
function macOf (secret: string, username: string, nonce: string): string {
  return createHmac('sha256', hash('sha256', `authlete-bff device cookie\0${secret}`, 'buffer')).update(`${username}\0${nonce}`).digest('base64url')
}

/** Issues a cookie for `username` and answers its name, value and nonce. */
function issued (username: string, protocol: 'http' | 'https' = 'http', secret = SECRET): SetCookie & { nonce: string } {
  const answer = reply()
  createDeviceCookies(secret).issue(request({}, protocol), answer, username)
  if (answer.set.length !== 1) throw new Error(`issue set ${answer.set.length} cookies, not one`)
  const cookie = answer.set[0]!
  return { ...cookie, nonce: cookie.value.split('.')[0]! }
}

t.test('issue ...should set one cookie named after a digest of the username, for the login route only, for 180 days', async t => {
  const cookie = issued('alice')
  t.equal(cookie.name, nameFor('alice'))
  t.match(cookie.value, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/, 'a 128-bit id and its SHA-256 MAC, base64url')
  t.equal(cookie.value, `${cookie.nonce}.${macOf(SECRET, 'alice', cookie.nonce)}`)
  t.strictSame(cookie.options, { httpOnly: true, sameSite: 'strict', secure: false, path: '/auth/login', maxAge: 15_552_000 })
  t.notOk(cookie.name.includes('alice'), 'the name does not show the username')
})

t.test('issue ...should set a __Secure- cookie, Secure, over https', async t => {
  const cookie = issued('alice', 'https')
  t.equal(cookie.name, nameFor('alice', '__Secure-'))
  t.strictSame(cookie.options, { httpOnly: true, sameSite: 'strict', secure: true, path: '/auth/login', maxAge: 15_552_000 })
})

t.test('issue ...should give a new random id each time', async t => {
  t.not(issued('alice').nonce, issued('alice').nonce)
})

t.test('read ...should answer the id of the cookie issued for that username, over the protocol it was issued on', async t => {
  const devices = createDeviceCookies(SECRET)
  const plain = issued('alice')
  t.equal(devices.read(request({ [plain.name]: plain.value }), 'alice'), plain.nonce)
  const secure = issued('alice', 'https')
  t.equal(devices.read(request({ [secure.name]: secure.value }, 'https'), 'alice'), secure.nonce)
  t.equal(devices.read(request({ [secure.name]: secure.value }, 'http'), 'alice'), undefined, 'over http the __Secure- cookie is not looked for')
  t.equal(devices.read(request({ [plain.name]: plain.value }, 'https'), 'alice'), undefined, 'over https the plain one is not')
})

t.test('read ...should answer undefined without a cookie, or with one that is not a well-formed id and MAC', async t => {
  const devices = createDeviceCookies(SECRET)
  const { name, value, nonce } = issued('alice')
  const mac = value.split('.')[1]!
  t.equal(devices.read(request(), 'alice'), undefined, 'no cookie')
  for (const bad of ['', nonce, `${nonce}.`, `.${mac}`, `${nonce}.${mac.slice(1)}`, `${nonce}.${mac}A`, `${nonce}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${value}.`, `${value}.extra`]) {
    t.equal(devices.read(request({ [name]: bad }), 'alice'), undefined, JSON.stringify(bad))
  }
})

t.test('read ...should refuse an id of another shape than 22 base64url characters, even with its right MAC', async t => {
  const devices = createDeviceCookies(SECRET)
  const good = 'AAAAAAAAAAAAAAAAAAAAAA'
  t.equal(devices.read(request({ [nameFor('alice')]: `${good}.${macOf(SECRET, 'alice', good)}` }), 'alice'), good, 'the shape issued')
  for (const nonce of [good.slice(1), `${good}A`, `!${good.slice(1)}`, `${good.slice(1)}!`, `+${good}`, `${good}/`, 'A', '']) {
    t.equal(devices.read(request({ [nameFor('alice')]: `${nonce}.${macOf(SECRET, 'alice', nonce)}` }), 'alice'), undefined, JSON.stringify(nonce))
  }
})

t.test('read ...should refuse a cookie made for another username, under another secret, or with another id', async t => {
  const devices = createDeviceCookies(SECRET)
  const alice = issued('alice')
  t.equal(devices.read(request({ [nameFor('bob')]: alice.value }), 'bob'), undefined, 'alice\'s cookie renamed for bob')
  const elsewhere = issued('alice', 'http', `${SECRET} of another deployment`)
  t.equal(devices.read(request({ [elsewhere.name]: elsewhere.value }), 'alice'), undefined, 'signed under another secret')
  const other = issued('alice')
  t.equal(devices.read(request({ [alice.name]: `${other.nonce}.${alice.value.split('.')[1]!}` }), 'alice'), undefined, 'another id with this MAC')
})
