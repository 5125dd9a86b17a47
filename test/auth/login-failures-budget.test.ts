import t from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { listen, type HttpClient } from '../helpers/http.ts'
import { startRedis } from '../helpers/redis.ts'

// docs/security.md: an attempt is counted before its password is checked and given back if it
// succeeds, so a right password spends nothing of the username's budget (RATE_LIMIT_LOGIN_USER),
// however often the owner signs in; and it gives back only itself, never the failures counted before.
// Over HTTP only, one address per request where it matters (X-Forwarded-For, trusted from loopback),
// so the per-address budget stays out of the way.

const USER_BUDGET = 3
const ENV = {
  TRUST_PROXY: '127.0.0.1',
  RATE_LIMIT_LOGIN: '1000/15m',
  RATE_LIMIT_LOGIN_USER: `${USER_BUDGET}/15m`,
  RATE_LIMIT_LOGIN_IP: '1000/15m'
}

const signIn = async (http: HttpClient, address: string, password: string): Promise<number> =>
  (await http.request('/auth/login', { json: { username: 'editor', password }, headers: { 'x-forwarded-for': address } })).status

for (const store of ['memory', 'redis'] as const) {
  t.test(`POST /auth/login ...should give back a successful sign-in's attempt to RATE_LIMIT_LOGIN_USER, never the failures before it (${store})`, async t => {
    const redis: Record<string, string> = store === 'redis' ? { REDIS_URL: (await startRedis(t)).url } : {}
    const { app } = await buildTestApp(t, { ...ENV, ...redis })
    const http = await listen(app)

    const successes = []
    for (let i = 0; i < 3 * USER_BUDGET; i++) successes.push(await signIn(http, `198.51.100.${i + 1}`, PASSWORDS.editor))
    t.same(successes, Array(3 * USER_BUDGET).fill(200), `${3 * USER_BUDGET} sign-ins, three times the username's budget, all let in`)

    const mixed = []
    for (let i = 0; i < USER_BUDGET; i++) {
      mixed.push(await signIn(http, '192.0.2.1', PASSWORDS.editor))
      mixed.push(await signIn(http, `203.0.113.${i + 1}`, `wrong-${i}`))
    }
    t.same(mixed, Array.from({ length: USER_BUDGET }, () => [200, 401]).flat(), 'then the whole budget of failures, a sign-in let in before each')
    t.equal(await signIn(http, '203.0.113.99', 'wrong-again'), 429, 'the sign-ins in between gave none of those failures back')
  })
}
