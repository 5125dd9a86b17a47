import t from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { listen, type HttpClient } from '../helpers/http.ts'
import { startRedis } from '../helpers/redis.ts'
import { freePort } from '../helpers/server-process.ts'
import { runCli } from '../helpers/cli.ts'

// `authlete-bff users unlock NAME` clears a username's failed logins without a session (issue 21,
// item 11): with a single local admin locked out, nothing could clear them.

t.setTimeout(300_000)

const ENV = { TRUST_PROXY: '127.0.0.1', MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_LOGIN: '2/15m', RATE_LIMIT_LOGIN_USER: '3/15m' }

const loginFrom = (http: HttpClient, address: string, password: string) =>
  http.request('/auth/login', { json: { username: 'admin', password }, headers: { 'x-forwarded-for': address } })

t.test('authlete-bff users unlock ...should clear a username\'s failures in the Redis every replica counts in, so its owner signs in again at once', async t => {
  const redis = await startRedis(t)
  const [one, two] = await Promise.all([buildTestApp(t, { ...ENV, REDIS_URL: redis.url }), buildTestApp(t, { ...ENV, REDIS_URL: redis.url })])
  const [a, b] = await Promise.all([listen(one.app), listen(two.app)])
  const statuses = [(await loginFrom(a, '203.0.113.1', 'wrong-1')).status, (await loginFrom(a, '203.0.113.1', 'wrong-2')).status, (await loginFrom(b, '203.0.113.2', 'wrong-3')).status]
  t.same(statuses, [401, 401, 401])
  t.equal((await loginFrom(b, '198.51.100.1', PASSWORDS.admin)).status, 429, 'the only admin is locked out, on both replicas')

  const run = await runCli(['users', 'unlock', 'ADMIN'], { env: { REDIS_URL: redis.url } })
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stdout, 'cleared the failed logins of ADMIN on every replica (3 on the username\'s counter), from every address and device\n')
  t.equal((await loginFrom(a, '203.0.113.1', PASSWORDS.admin)).status, 200, 'from the address that failed, on one replica')
  t.equal((await loginFrom(b, '198.51.100.1', PASSWORDS.admin)).status, 200, 'and from any other, on the other')
  const again = await runCli(['users', 'unlock', 'admin', '--redis', redis.url])
  t.equal(again.code, 0)
  t.match(again.stdout, /\(0 on the username's counter\)/, '--redis names the store; nothing is left to clear')
})

t.test('authlete-bff users unlock ...should say what it cannot do without Redis (each server\'s own memory), and when Redis cannot be reached', async t => {
  const memory = await runCli(['users', 'unlock', 'admin'])
  t.equal(memory.code, 1)
  t.equal(memory.stderr, 'authlete-bff users unlock: without REDIS_URL each server process counts failed logins in its own memory, out of this command\'s reach: restart the server to clear them, or an admin clears them with DELETE /auth/login-failures?username=admin; a browser that signed in as admin before is not locked out\n')
  const down = await runCli(['users', 'unlock', 'admin'], { env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } })
  t.equal(down.code, 1)
  t.match(down.stderr, /^authlete-bff users unlock: cannot reach Redis \(REDIS_URL\): .*ECONNREFUSED/)
  const missing = await runCli(['users', 'unlock'])
  t.equal(missing.code, 2, 'no username: a usage error')
  t.match(missing.stderr, /give the username as typed at login/)
})
