import t from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'

// BFF_USERS_FILE '' is dropped by loadConfig like an unset variable: the sandbox then makes its own admin.
const NO_USERS_FILE = { BFF_USERS_FILE: '' }

function announcedPassword (announced: string[]): string {
  const match = /password (\S+)/.exec(announced.join(''))
  if (match === null) throw new Error(`no password announced: ${announced.join('')}`)
  return match[1]!
}

t.test('POST /auth/login ...should let the sandbox admin sign in with the password announced once at start-up', async t => {
  const { app, announced, config } = await buildTestApp(t, NO_USERS_FILE)
  t.equal(config.BFF_USERS_FILE, undefined)
  t.equal(announced.length, 1, 'announced exactly once')
  t.match(announced[0], /SANDBOX MODE/)
  t.match(announced[0], /"admin"/)
  const password = announcedPassword(announced)
  t.ok(password.length >= 20, 'a long generated password')
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password } })
  t.equal(response.statusCode, 200)
  t.match(response.json(), { username: 'admin', roles: ['admin'] })
  // Nothing else is announced later (a login, for instance).
  t.equal(announced.length, 1)
})

t.test('POST /auth/login ...should never write the sandbox admin password to the logs', async t => {
  const { app, announced, logs } = await buildTestApp(t, { ...NO_USERS_FILE, LOG_LEVEL: 'trace' })
  const password = announcedPassword(announced)
  await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password } })
  await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: `${password}x` } })
  t.ok(logs.length > 0, 'the app did log')
  t.notOk(logs.some(line => line.includes(password)), 'the password is in no log line')
})

t.test('POST /auth/login ...should generate a different sandbox admin password at each start', async t => {
  const one = announcedPassword((await buildTestApp(t, NO_USERS_FILE)).announced)
  const { app, announced } = await buildTestApp(t, NO_USERS_FILE)
  const two = announcedPassword(announced)
  t.not(one, two)
  const stale = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: one } })
  t.equal(stale.statusCode, 401, 'the previous run\'s password does not work')
})

t.test('POST /auth/login ...should know only the users file\'s users, and announce nothing, when BFF_USERS_FILE is set', async t => {
  const { app, announced } = await buildTestApp(t)
  t.same(announced, [])
  const admin = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: PASSWORDS.admin } })
  t.equal(admin.statusCode, 200)
})

t.test('POST /auth/login ...should create no sandbox admin outside sandbox mode', async t => {
  const fault = await startFaultUpstream(t)
  const { app, announced } = await buildTestApp(t, {
    ...NO_USERS_FILE, AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: 'tok-not-sandbox'
  })
  t.same(announced, [])
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: PASSWORDS.admin } })
  t.equal(response.statusCode, 401)
})
