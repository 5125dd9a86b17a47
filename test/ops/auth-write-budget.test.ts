import t from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { cookieOf, listen, type HttpClient } from '../helpers/http.ts'
import { allRecords } from '../audit/trail.ts'

// Minting and revoking API tokens, ending sessions and clearing login failures spend the caller's
// write budget (issue 21, item 12): one viewer wrote 1,428 audit entries in 10 s before.

async function signIn (http: HttpClient, role: keyof typeof PASSWORDS) {
  const answer = await http.request('/auth/login', { json: { username: role, password: PASSWORDS[role] } })
  return { cookie: cookieOf(answer), 'x-csrf-token': answer.json().csrfToken as string }
}

t.test('POST /auth/tokens ...should spend the per-user write budget with revocations, session ends and /api writes, and audit nothing past it', async t => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_WRITE: '3/1m', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const http = await listen(app)
  const viewer = await signIn(http, 'viewer')
  const mint = () => http.request('/auth/tokens', { headers: viewer, json: { name: 'loop', roles: ['viewer'], expiresInDays: 1 } })
  const first = await mint()
  t.equal(first.status, 201)
  t.equal(first.headers.get('ratelimit-limit'), '3')
  t.equal(first.headers.get('ratelimit-remaining'), '2')
  t.equal((await http.request(`/auth/tokens/${first.json().id as string}`, { method: 'DELETE', headers: viewer })).status, 204, 'a revocation is the second write')
  t.equal((await mint()).status, 201)
  const refused = await mint()
  t.equal(refused.status, 429)
  t.match(refused.json(), { code: 'BFF_RATE_LIMITED', detail: /write/ })
  t.ok(Number(refused.headers.get('retry-after')) > 0)
  t.equal((await http.request(`/auth/tokens/${first.json().id as string}`, { method: 'DELETE', headers: viewer })).status, 429, 'revoking waits too')
  t.equal((await http.request('/auth/tokens', { headers: viewer })).json().tokens.length, 1, 'reads are not writes: the list still answers')
  const records = (await allRecords(app)).filter(record => record.actor === 'viewer' && record.action.startsWith('auth.'))
  t.equal(records.length, 3, 'only the three allowed writes are in the audit trail')

  const admin = await signIn(http, 'admin')
  const endSessions = () => http.request('/auth/sessions?username=editor', { method: 'DELETE', headers: admin })
  const clearFailures = () => http.request('/auth/login-failures?username=editor', { method: 'DELETE', headers: admin })
  t.same([(await endSessions()).status, (await clearFailures()).status, (await endSessions()).status, (await clearFailures()).status, (await endSessions()).status],
    [200, 200, 200, 429, 429], 'an admin\'s session ends and failure clearing share their own budget')
  const lock = await http.request('/api/clients/portal/lock', { method: 'PUT', headers: admin, json: { locked: true } })
  t.equal(lock.status, 429, 'and it is the budget of /api writes')
  t.equal((await http.request('/auth/sessions?username=editor', { headers: admin })).status, 200, 'listing sessions is a read')
})
