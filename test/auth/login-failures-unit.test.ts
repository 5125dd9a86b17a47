import diagnosticsChannel from 'node:diagnostics_channel'
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createLoginThrottle } from '../../src/auth/login-failures/login-failures.ts'
import { createMemoryLoginFailureStore } from '../../src/auth/login-failures/memory-login-failure-store.ts'
import type { RateLimitedEvent } from '../../src/ops/channels.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'

// The login throttle alone, over the memory store on a clock that stands still: a request is what it
// reads of one (address, protocol, cookies). Over HTTP: login-failures.test.ts and its neighbours.

const SECRET = 'a session secret of at least thirty-two characters'
const PAIR = { max: 3, timeWindowMs: 60_000 }
const USER = { max: 5, timeWindowMs: 900_000 }

interface Setup {
  store: ReturnType<typeof createMemoryLoginFailureStore>
  throttle: ReturnType<typeof createLoginThrottle>
  clock: ReturnType<typeof frozenClock>
  /** Buckets of the refusals published on the rate-limited channel. */
  refused: string[]
}

function setup (t: Test, budgets: { pair?: typeof PAIR, user?: typeof USER } = {}): Setup {
  const clock = frozenClock(t)
  const store = createMemoryLoginFailureStore()
  const refused: string[] = []
  const listener = (event: unknown): void => { refused.push((event as RateLimitedEvent).bucket) }
  diagnosticsChannel.subscribe('authlete-bff:rate-limited', listener)
  t.teardown(() => { diagnosticsChannel.unsubscribe('authlete-bff:rate-limited', listener) })
  return { store, clock, refused, throttle: createLoginThrottle(store, { pair: budgets.pair ?? PAIR, user: budgets.user ?? USER, secret: SECRET }) }
}

function request (ip: string, cookies: Record<string, string> = {}): FastifyRequest {
  return { ip, protocol: 'http', cookies } as unknown as FastifyRequest
}

/** The device cookies a successful login from `ip` gives the browser, as the browser sends them back. */
function trusted (throttle: Setup['throttle'], username: string): Record<string, string> {
  const cookies: Record<string, string> = {}
  const reply = { setCookie: (name: string, value: string) => { cookies[name] = value } } as unknown as FastifyReply
  throttle.trustBrowser(request('192.0.2.200'), reply, username)
  return cookies
}

/** Runs `count` failed checks; answers how many were checked (not refused) and the refusals' Retry-After. */
async function fail (throttle: Setup['throttle'], req: FastifyRequest, username: string, count: number): Promise<{ checked: number, retryAfter: number[] }> {
  let checked = 0
  const retryAfter: number[] = []
  for (let i = 0; i < count; i++) {
    try {
      await throttle.check(req, username, async () => { checked++; return undefined })
    } catch (error) {
      retryAfter.push((error as { retryAfterSeconds: number }).retryAfterSeconds)
    }
  }
  return { checked, retryAfter }
}

const succeed = async (throttle: Setup['throttle'], req: FastifyRequest, username: string) => await throttle.check(req, username, async () => ({ user: username }))

t.test('check ...should answer what verify found, and spend nothing of either budget on a success', async t => {
  const { throttle, store } = setup(t)
  for (let i = 0; i < 10; i++) t.same(await succeed(throttle, request('192.0.2.1'), 'alice'), { user: 'alice' })
  t.equal(await store.clearUser('alice'), 0)
})

t.test('check ...should let RATE_LIMIT_LOGIN failures of an address be checked, then refuse with 429 without checking', async t => {
  const { throttle, store, refused } = setup(t)
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 3), { checked: 3, retryAfter: [] })
  let verified = false
  const refusal = throttle.check(request('192.0.2.1'), 'alice', async () => { verified = true; return { user: 'alice' } })
  await t.rejects(refusal, { code: 'BFF_RATE_LIMITED', statusCode: 429, retryAfterSeconds: 60, message: 'Too many login requests; retry in 60 seconds' })
  t.notOk(verified, 'the right password is not even checked')
  t.same(refused, ['login'])
  t.same(await fail(throttle, request('192.0.2.2'), 'alice', 1), { checked: 1, retryAfter: [] }, 'another address is checked')
  t.equal(await store.clearUser('alice'), 4, 'the refused attempt was given back')
})

t.test('check ...should refuse every address once the username has RATE_LIMIT_LOGIN_USER failures, with the username window\'s Retry-After', async t => {
  const { throttle, store, refused, clock } = setup(t)
  for (let i = 0; i < 5; i++) t.same(await fail(throttle, request(`192.0.2.${i + 1}`), 'alice', 1), { checked: 1, retryAfter: [] })
  clock.advance(100_000)
  t.same(await fail(throttle, request('192.0.2.99'), 'alice', 1), { checked: 0, retryAfter: [800] })
  await t.rejects(succeed(throttle, request('192.0.2.98'), 'alice'), { code: 'BFF_RATE_LIMITED' }, 'the right password waits too')
  t.same(refused, ['login-user', 'login-user'])
  t.same(await succeed(throttle, request('192.0.2.99'), 'bob'), { user: 'bob' }, 'another username is not touched')
  t.equal(await store.clearUser('alice'), 5, 'the refused attempts were given back')
})

t.test('check ...should name the address\'s budget when both are spent', async t => {
  const { throttle, refused } = setup(t, { user: { max: 3, timeWindowMs: 900_000 } })
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 4), { checked: 3, retryAfter: [60] })
  t.same(refused, ['login'])
})

t.test('check ...should name the username\'s budget when only it is spent, the address\'s being used up but not spent', async t => {
  const { throttle, refused } = setup(t, { user: { max: 2, timeWindowMs: 900_000 } })
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 3), { checked: 2, retryAfter: [900] }, 'the third failure would be the address\'s last allowed, but the username\'s budget is spent')
  t.same(refused, ['login-user'])
})

t.test('check ...should round Retry-After up to whole seconds', async t => {
  const { throttle, clock } = setup(t, { pair: { max: 1, timeWindowMs: 1500 } })
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 2), { checked: 1, retryAfter: [2] }, '1.5 s left: 2')
  clock.advance(500)
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 1), { checked: 0, retryAfter: [1] }, '1 s left: 1')
  clock.advance(999)
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 1), { checked: 0, retryAfter: [1] }, '1 ms left: 1')
})

t.test('check ...should forget an address\'s failures on a success there, and give back to the username only the success\'s own attempt', async t => {
  const { throttle, store } = setup(t)
  await fail(throttle, request('192.0.2.1'), 'alice', 2)
  t.same(await succeed(throttle, request('192.0.2.1'), 'alice'), { user: 'alice' })
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 4), { checked: 3, retryAfter: [60] }, 'a whole address budget again')
  t.equal(await store.clearUser('alice'), 5)
})

t.test('check ...should give the attempt back and pass the error on when verify throws', async t => {
  const { throttle, store } = setup(t)
  await fail(throttle, request('192.0.2.1'), 'alice', 2)
  const broken = new Error('users file unreadable')
  await t.rejects(throttle.check(request('192.0.2.1'), 'alice', async () => { throw broken }), broken)
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 2), { checked: 1, retryAfter: [60] }, 'the address keeps its failures: a throw is not a success')
  t.equal(await store.clearUser('alice'), 3)
})

t.test('check ...should count usernames in any case as one, and an IPv6 /64 as one address', async t => {
  const { throttle, store } = setup(t)
  await fail(throttle, request('2001:db8::1'), 'Alice', 1)
  await fail(throttle, request('2001:db8::ffff:2'), 'ALICE', 1)
  t.same(await fail(throttle, request('2001:db8:0:0:1::3'), 'alice', 2), { checked: 1, retryAfter: [60] })
  t.same(await fail(throttle, request('2001:db8:0:1::1'), 'alice', 1), { checked: 1, retryAfter: [] }, 'another /64')
  t.equal(await store.clearUser('alice'), 4)
})

t.test('trustBrowser ...should give a browser a budget of its own for that username, outside the username\'s', async t => {
  const { throttle, store, refused } = setup(t)
  const cookies = trusted(throttle, 'Alice')
  t.equal(Object.keys(cookies).length, 1)
  await fail(throttle, request('203.0.113.1'), 'alice', 3)
  await fail(throttle, request('203.0.113.2'), 'alice', 2)
  t.same(await fail(throttle, request('192.0.2.1'), 'alice', 1), { checked: 0, retryAfter: [900] }, 'the username\'s budget is spent')
  t.same(await succeed(throttle, request('203.0.113.1', cookies), 'ALICE'), { user: 'ALICE' }, 'the trusted browser signs in, from any address')
  t.same(await fail(throttle, request('203.0.113.1', cookies), 'alice', 4), { checked: 3, retryAfter: [60] }, 'its own RATE_LIMIT_LOGIN failures, then it waits too')
  t.same(refused, ['login-user', 'login-device'])
  t.same(await fail(throttle, request('203.0.113.1', trusted(throttle, 'alice')), 'alice', 1), { checked: 1, retryAfter: [] }, 'another trusted browser has a budget of its own')
  t.equal(await store.clearUser('alice'), 5, 'the browsers\' failures are not the username\'s')
  t.same(await fail(throttle, request('192.0.2.1', cookies), 'bob', 1), { checked: 1, retryAfter: [] }, 'alice\'s cookie is nothing to bob\'s budget')
})
