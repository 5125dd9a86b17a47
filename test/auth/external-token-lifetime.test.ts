import t from 'tap'
import type { Test } from 'tap'
import { startLogin, startOidcApp, TestBrowser, TEST_ROLE_MAP } from '../helpers/oidc-provider.ts'
import { HEADER, startGateway } from './gateway-jwt-support.ts'
import { clientFor, cookieOf } from '../helpers/http.ts'
import { PASSWORDS } from '../helpers/app.ts'
import { mintToken } from '../../src/auth/tokens/token-format.ts'
import { fakeClock } from '../helpers/clock.ts'

// The provider or gateway takes someone out of a group; nothing tells the proxy. Their API tokens kept
// the roles and teams of their making for up to API_TOKEN_MAX_DAYS (90 days): an OIDC or gateway
// owner's token now works API_TOKEN_MAX_HOURS_EXTERNAL hours at most (issue 21, item 10).

const HOUR = 3_600_000
const DAY = 24 * HOUR

// Teams mode, OIDC login (the real oidc-provider) and a gateway in front, side by side.
async function setup (t: Test, env: Record<string, string> = {}) {
  const gateway = await startGateway(t)
  const oidcApp = await startOidcApp(t, {
    ...gateway.env,
    OIDC_ROLE_MAP: TEST_ROLE_MAP,
    ACCESS_MODEL: 'teams',
    TEAMS_CLAIM: 'roles',
    TEAM_MAP: 'ops-admins=*,ops=acme,globex-devs=globex',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env
  })
  const http = clientFor(oidcApp.appUrl)
  const bob = new TestBrowser()
  await bob.request(await startLogin(bob, oidcApp.appUrl, 'bob'))
  const bobCsrf = (await (await bob.request(`${oidcApp.appUrl}/auth/session`)).json() as { csrfToken: string }).csrfToken
  // Signed at each call: the clock of a test may have moved past the last one's expiry.
  const gwen = async () => ({ [HEADER]: await gateway.sign({ sub: 'gwen', roles: ['ops', 'globex-devs'] }), 'x-csrf': '1' })
  const local = await http.request('/auth/login', { json: { username: 'editor', password: PASSWORDS.editor } })
  const localHeaders = { cookie: cookieOf(local), 'x-csrf-token': local.json().csrfToken }
  const body = { name: 'long', roles: ['viewer'], expiresInDays: 30 }
  const mint = {
    oidc: async () => await (await bob.request(`${oidcApp.appUrl}/auth/tokens`, { method: 'POST', json: body, headers: { 'x-csrf-token': bobCsrf } })).json() as Record<string, any>,
    gateway: async () => (await http.request('/auth/tokens', { headers: await gwen(), json: body })).json(),
    local: async () => (await http.request('/auth/tokens', { headers: localHeaders, json: body })).json()
  }
  return { ...oidcApp, http, mint, gwen }
}

const lifetime = (token: Record<string, any>) => Date.parse(token.expiresAt) - Date.parse(token.createdAt)
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

t.test('POST /auth/tokens ...should give an OIDC or gateway identity\'s token API_TOKEN_MAX_HOURS_EXTERNAL hours at most (default 24), a local user\'s what it asks', async t => {
  const { mint, http } = await setup(t)
  const oidc = await mint.oidc()
  t.match(oidc, { source: 'oidc', username: 'bob', teams: ['acme'] })
  t.equal(lifetime(oidc), DAY, 'OIDC: 24 hours, not the 30 days asked')
  const gateway = await mint.gateway()
  t.match(gateway, { source: 'gateway', username: 'gwen', teams: ['acme', 'globex'] })
  t.equal(lifetime(gateway), DAY, 'gateway: 24 hours')
  t.equal(lifetime(await mint.local()), 30 * DAY, 'local: the 30 days asked')
  t.equal((await http.request('/api/clients', { headers: bearer(gateway.token) })).status, 200)
})

t.test('GET /api/clients ...should refuse an external owner\'s token from API_TOKEN_MAX_HOURS_EXTERNAL hours after its making, one made before the limit too', async t => {
  const clock = fakeClock(t)
  const { app, mint, http, gwen } = await setup(t, { API_TOKEN_MAX_HOURS_EXTERNAL: '2' })
  const gateway = await mint.gateway()
  t.equal(lifetime(gateway), 2 * HOUR)
  const local = await mint.local()
  // A token a gateway identity made before the limit existed: 60 days, stored as it was then.
  const old = mintToken()
  const createdAt = Date.now() - HOUR
  await app.apiTokens.create({ id: old.id, source: 'gateway', username: 'gwen', name: 'before the limit', roles: ['viewer'], teams: ['globex'], createdBy: 'gwen', createdBySource: 'gateway', createdAt, expiresAt: createdAt + 60 * DAY, lastUsedAt: null, hash: old.hash }, 20)
  t.equal((await http.request('/api/clients', { headers: bearer(old.value) })).status, 200, 'an hour old: works')
  const shown = (await http.request('/auth/tokens', { headers: await gwen() })).json().tokens.find((token: { id: string }) => token.id === old.id)
  t.equal(Date.parse(shown.expiresAt), createdAt + 2 * HOUR, 'listed with the expiry it has now')

  clock.advance(HOUR)
  const refused = await http.request('/api/clients', { headers: bearer(old.value) })
  t.equal(refused.status, 401, 'two hours after its making the old token stops, whatever it was given')
  t.equal(refused.json().code, 'BFF_BAD_API_TOKEN')
  t.equal((await http.request('/api/clients', { headers: bearer(gateway.token) })).status, 200, 'the new one still works, an hour old')
  clock.advance(HOUR)
  t.equal((await http.request('/api/clients', { headers: bearer(gateway.token) })).status, 401, 'and stops at two hours')
  t.equal((await http.request('/api/clients', { headers: bearer(local.token) })).status, 200, 'a local user\'s token is not affected')
  const listed = (await http.request('/auth/tokens', { headers: await gwen() })).json()
  t.same(listed, { tokens: [], nextCursor: null }, 'gwen\'s list shows neither')
})
