import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'

// Moves the clock the session code reads (Date.now) without waiting; restored after each test.
function fakeClock (t: Test): { advance: (seconds: number) => void } {
  const realNow = Date.now
  let offset = 0
  Date.now = () => realNow() + offset
  t.teardown(() => { Date.now = realNow })
  return { advance: seconds => { offset += seconds * 1000 } }
}

async function sessionStatus (app: FastifyInstance, cookie: string): Promise<number> {
  return (await app.inject({ url: '/auth/session', headers: { cookie } })).statusCode
}

t.test('GET /auth/session ...should answer 401 once the session has been idle for SESSION_IDLE_TIMEOUT', async t => {
  const clock = fakeClock(t)
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '300', SESSION_MAX_AGE: '3600' })
  const viewer = await login(app, 'viewer')
  clock.advance(299)
  t.equal(await sessionStatus(app, viewer.cookie), 200, 'alive just before the idle timeout')
  clock.advance(299)
  t.equal(await sessionStatus(app, viewer.cookie), 200, 'the use above restarted the idle timer')
  clock.advance(301)
  t.equal(await sessionStatus(app, viewer.cookie), 401, 'dead after the idle timeout')
  t.equal((await app.inject({ url: '/api/clients', headers: viewer.headers })).statusCode, 401, '/api too')
})

t.test('GET /auth/session ...should keep a session alive while it is used, with the minimum idle timeout of 60 s', async t => {
  const clock = fakeClock(t)
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '60', SESSION_MAX_AGE: '3600' })
  const viewer = await login(app, 'viewer')
  // Used every 50 s: never idle for 60 s.
  for (let step = 1; step <= 4; step++) {
    clock.advance(50)
    t.equal(await sessionStatus(app, viewer.cookie), 200, `alive at ${step * 50} s`)
  }
  clock.advance(61)
  t.equal(await sessionStatus(app, viewer.cookie), 401, 'dead after 61 s of idleness')
})

t.test('GET /auth/session ...should report an expiresAt that moves with use and is never after the absolute end', async t => {
  const clock = fakeClock(t)
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '600', SESSION_MAX_AGE: '900' })
  const started = Date.now()
  const viewer = await login(app, 'viewer')
  const expiresAt = async () => Date.parse((await app.inject({ url: '/auth/session', headers: { cookie: viewer.cookie } })).json().expiresAt)
  t.ok(Math.abs(await expiresAt() - (started + 600_000)) < 2000, 'idle timeout from login')
  clock.advance(400)
  t.ok(Math.abs(await expiresAt() - (started + 900_000)) < 2000, 'capped by the absolute lifetime')
})

t.test('GET /auth/session ...should answer 401 after SESSION_MAX_AGE even when the session is used all along', async t => {
  const clock = fakeClock(t)
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '120', SESSION_MAX_AGE: '300' })
  const editor = await login(app, 'editor')
  for (let elapsed = 90; elapsed < 300; elapsed += 90) {
    clock.advance(90)
    t.equal(await sessionStatus(app, editor.cookie), 200, `alive at ${elapsed} s`)
  }
  clock.advance(300 - 270 + 1)
  t.equal(await sessionStatus(app, editor.cookie), 401, 'dead past the absolute lifetime')
  const write = await app.inject({ method: 'POST', url: '/api/clients', headers: editor.headers, payload: { clientName: 'late' } })
  t.equal(write.statusCode, 401)
})

t.test('POST /auth/login ...should give the cookie a Max-Age of SESSION_MAX_AGE', async t => {
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '120', SESSION_MAX_AGE: '7200' })
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: 'viewer-password-8c1f' } })
  t.match(String(response.headers['set-cookie']), /Max-Age=7200/)
})

t.test('POST /auth/login ...should start a fresh session with a fresh lifetime after the old one expired', async t => {
  const clock = fakeClock(t)
  const { app } = await buildTestApp(t, { SESSION_IDLE_TIMEOUT: '60', SESSION_MAX_AGE: '60' })
  const first = await login(app, 'viewer')
  clock.advance(61)
  t.equal(await sessionStatus(app, first.cookie), 401)
  const second = await login(app, 'viewer')
  t.equal(await sessionStatus(app, second.cookie), 200)
  t.equal(await sessionStatus(app, first.cookie), 401, 'the expired session stays dead')
})

t.test('POST /auth/login ...should refuse to start with an idle timeout under 60 s or a lifetime shorter than it', async t => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SESSION_IDLE_TIMEOUT: '59' }, /SESSION_IDLE_TIMEOUT/],
    [{ SESSION_MAX_AGE: '30' }, /SESSION_MAX_AGE/],
    [{ SESSION_IDLE_TIMEOUT: '600', SESSION_MAX_AGE: '300' }, /SESSION_MAX_AGE/]
  ]
  for (const [env, name] of cases) {
    const error = (() => { try { loadConfig(env) } catch (caught) { return caught } })()
    t.ok(error instanceof ConfigError, JSON.stringify(env))
    t.match((error as Error | undefined)?.message, name)
  }
  t.equal(loadConfig({ SESSION_IDLE_TIMEOUT: '60', SESSION_MAX_AGE: '60' }).SESSION_IDLE_TIMEOUT, 60)
})
