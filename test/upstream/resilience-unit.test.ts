import diagnosticsChannel from 'node:diagnostics_channel'
import t, { type Test } from 'tap'
import { createCircuitBreaker, retryAfterMs, retryDelay } from '../../src/upstream/resilience.ts'
import type { CircuitEvent } from '../../src/ops/channels.ts'

// The retry policy and the circuit breaker as functions and one small object, on a stopped clock.
// test/upstream/resilience.test.ts and circuit.test.ts show them through the app and a real upstream.

/** Math.random giving `value` for the test: the jitter is the one thing a test cannot otherwise pin. */
function fixRandom (t: Test, value: number): void {
  const random = Math.random
  Math.random = () => value
  t.teardown(() => { Math.random = random })
}

const POLICY = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 }

t.test('retryDelay ...should draw from zero up to base x 2^attempt, capped at maxDelayMs', async t => {
  fixRandom(t, 0.5)
  t.same([0, 1, 2, 3, 4, 5].map(attempt => retryDelay(POLICY, attempt)), [50, 100, 200, 400, 500, 500])
  t.equal(retryDelay({ ...POLICY, maxDelayMs: 800 }, 3), 400, 'the cap reached exactly')
})

t.test('retryDelay ...should wait the upstream\'s Retry-After when longer, and give up when it is over maxDelayMs', async t => {
  fixRandom(t, 0.5)
  t.equal(retryDelay(POLICY, 0, 300), 300, 'Retry-After longer than the backoff')
  t.equal(retryDelay(POLICY, 2, 150), 200, 'the backoff longer than Retry-After')
  t.equal(retryDelay(POLICY, 0, 0), 50, 'Retry-After 0')
  t.equal(retryDelay(POLICY, 0, 1000), 1000, 'Retry-After at maxDelayMs')
  t.equal(retryDelay(POLICY, 0, 1001), undefined, 'Retry-After over maxDelayMs: no retry')
})

t.test('retryDelay ...should stay within its bounds with real jitter', async t => {
  for (let i = 0; i < 200; i++) {
    const delay = retryDelay(POLICY, 1)!
    t.ok(delay >= 0 && delay < 200, `${delay} in [0, 200)`)
  }
})

t.test('retryAfterMs ...should read delay-seconds and HTTP dates, the first of several headers', async t => {
  const now = Date.parse('2026-12-05T12:00:00Z')
  t.equal(retryAfterMs('5', now), 5000)
  t.equal(retryAfterMs(' 12 ', now), 12_000, 'spaces around')
  t.equal(retryAfterMs('0', now), 0)
  t.equal(retryAfterMs(['3', '9'], now), 3000, 'the first header')
  t.equal(retryAfterMs(new Date(now + 7000).toUTCString(), now), 7000, 'an HTTP date 7 s ahead')
  t.equal(retryAfterMs(new Date(now - 7000).toUTCString(), now), 0, 'a date passed: no wait')
  t.equal(retryAfterMs('Saturday, 05-Dec-26 12:00:09 GMT', now), 9000, 'the obsolete RFC 850 form')
  t.equal(retryAfterMs('Sat Dec  5 12:00:04 2026', now), 4000, 'the obsolete asctime form (GMT)')
  const ahead = retryAfterMs(new Date(Date.now() + 60_000).toUTCString())!
  t.ok(ahead > 50_000 && ahead <= 60_000, `now defaults to the clock: ${ahead}`)
})

t.test('retryAfterMs ...should give nothing for an absent, empty or unreadable header, or one that is neither delay-seconds nor an HTTP-date', async t => {
  // Numbers that are not delay-seconds, and dates that are not HTTP-dates, though Date.parse reads them.
  for (const header of [undefined, [], '', '   ', 'soon', '5a', 'a5', '5 s', '1.5', '-3', '2026-12-05', '12/05/2026']) {
    t.equal(retryAfterMs(header as string | string[] | undefined), undefined, JSON.stringify(header) ?? 'undefined')
  }
})

const COOLDOWN = 5000

/**
 * Date.now standing still but for `advance`, so that a boundary a millisecond wide holds on a busy
 * machine (test/helpers/clock.ts's clock runs on with real time).
 */
function stoppedClock (t: Test): { advance: (ms: number) => void } {
  const realNow = Date.now
  let now = realNow()
  Date.now = () => now
  t.teardown(() => { Date.now = realNow })
  return { advance: ms => { now += ms } }
}

function breakerOnClock (t: Test, threshold = 3) {
  const clock = stoppedClock(t)
  const published: string[] = []
  const listen = (message: unknown) => { published.push((message as CircuitEvent).state) }
  diagnosticsChannel.subscribe('authlete-bff:circuit', listen)
  t.teardown(() => { diagnosticsChannel.unsubscribe('authlete-bff:circuit', listen) })
  return { breaker: createCircuitBreaker({ threshold, cooldownMs: COOLDOWN }), clock, published }
}

/** What admit() threw (code and Retry-After), or its answer. */
function admitted (breaker: ReturnType<typeof createCircuitBreaker>): boolean | { code: string, statusCode: number, retryAfterSeconds: number } {
  try {
    return breaker.admit()
  } catch (error) {
    const { code, statusCode, retryAfterSeconds } = error as { code: string, statusCode: number, retryAfterSeconds: number }
    return { code, statusCode, retryAfterSeconds }
  }
}
const refused = (retryAfterSeconds: number) => ({ code: 'BFF_UPSTREAM_CIRCUIT_OPEN', statusCode: 503, retryAfterSeconds })

/** `count` admitted calls in a row, each settled as `healthy`. */
function calls (breaker: ReturnType<typeof createCircuitBreaker>, count: number, healthy: boolean): void {
  for (let i = 0; i < count; i++) breaker.settle(breaker.admit(), healthy)
}

t.test('createCircuitBreaker ...should let calls through while closed, and open after threshold faults in a row', async t => {
  const { breaker, published } = breakerOnClock(t)
  t.equal(breaker.state, 'closed')
  t.equal(admitted(breaker), false, 'a closed circuit admits a call that is no probe')
  calls(breaker, 2, false)
  t.equal(breaker.state, 'closed', 'threshold - 1 faults')
  t.same(published, [], 'nothing published while it stays closed')
  calls(breaker, 1, false)
  t.equal(breaker.state, 'open', 'threshold faults')
  t.same(published, ['open'])
  t.same(admitted(breaker), refused(5), 'refused with the whole cooldown as Retry-After')
})

t.test('createCircuitBreaker ...should never open on faults separated by healthy answers', async t => {
  const { breaker, published } = breakerOnClock(t)
  for (let round = 0; round < 5; round++) {
    calls(breaker, 2, false)
    calls(breaker, 1, true)
  }
  t.equal(breaker.state, 'closed')
  t.same(published, [], 'a healthy answer to a closed circuit publishes nothing')
})

t.test('createCircuitBreaker ...should refuse for the cooldown, telling the seconds left, then admit one probe', async t => {
  const { breaker, clock } = breakerOnClock(t)
  calls(breaker, 3, false)
  clock.advance(1200)
  t.same(admitted(breaker), refused(4), '3.8 s left: 4 s')
  clock.advance(COOLDOWN - 1200 - 1)
  t.same(admitted(breaker), refused(1), '1 ms left: 1 s')
  clock.advance(1)
  t.equal(admitted(breaker), true, 'at the cooldown: the probe')
  t.equal(breaker.state, 'half-open')
  t.same(admitted(breaker), refused(1), 'while the probe is out, every other call is refused, retry in 1 s')
})

t.test('createCircuitBreaker ...should close on a healthy probe, and then need threshold new faults in a row to open again', async t => {
  const { breaker, clock, published } = breakerOnClock(t)
  calls(breaker, 3, false)
  clock.advance(COOLDOWN)
  breaker.settle(breaker.admit(), true)
  t.equal(breaker.state, 'closed')
  t.same(published, ['open', 'half-open', 'closed'])
  calls(breaker, 2, false)
  t.equal(breaker.state, 'closed', 'the faults before the probe are forgotten: 2 new ones do not open it')
  calls(breaker, 1, false)
  t.equal(breaker.state, 'open', 'the third new one does')
})

t.test('createCircuitBreaker ...should open again, for a whole new cooldown, when the probe fails', async t => {
  const { breaker, clock, published } = breakerOnClock(t)
  calls(breaker, 3, false)
  clock.advance(COOLDOWN + 10_000)
  breaker.settle(breaker.admit(), false)
  t.equal(breaker.state, 'open')
  t.same(published, ['open', 'half-open', 'open'])
  t.same(admitted(breaker), refused(5), 'the cooldown starts again from the failed probe')
  clock.advance(COOLDOWN - 1)
  t.same(admitted(breaker), refused(1))
  clock.advance(1)
  t.equal(admitted(breaker), true, 'the next probe')
})

t.test('createCircuitBreaker ...should not restart the cooldown when a call admitted before it opened fails late', async t => {
  const { breaker, clock, published } = breakerOnClock(t, 1)
  const late = breaker.admit()
  calls(breaker, 1, false)
  t.equal(breaker.state, 'open')
  clock.advance(COOLDOWN - 100)
  breaker.settle(late, false)
  t.equal(breaker.state, 'open')
  clock.advance(100)
  t.equal(admitted(breaker), true, 'the cooldown counted from the first opening')
  t.same(published, ['open', 'half-open'])
})

t.test('createCircuitBreaker ...should not reopen for a failed probe once a late healthy answer closed the circuit', async t => {
  const { breaker, clock } = breakerOnClock(t, 1)
  const late = breaker.admit()
  calls(breaker, 1, false)
  clock.advance(COOLDOWN)
  const probe = breaker.admit()
  breaker.settle(late, true)
  t.equal(breaker.state, 'closed', 'a healthy answer closes the circuit, probe or not')
  breaker.settle(probe, false)
  t.equal(breaker.state, 'closed', 'the probe was no longer the half-open one')
})
