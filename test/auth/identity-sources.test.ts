import t from 'tap'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { clientFor, cookieOf, listen, type HttpClient } from '../helpers/http.ts'
import { usersFile } from '../helpers/local-users.ts'
import { OIDC_USERS, startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'
import { allRecords } from '../audit/trail.ts'
import { startGateway, HEADER } from './gateway-jwt-support.ts'

// Local, OIDC and gateway identities each have their own username space (issue 11, finding 4): the
// OpenID Provider's account `bob` is not the local admin `bob`, whatever their names say.

const LOCAL_BOB = { username: 'bob', password: 'local-bob-password-1', roles: ['admin' as const] }

async function localLogin (http: HttpClient, username: string, password: string) {
  const answer = await http.request('/auth/login', { json: { username, password } })
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.text}`)
  const cookie = cookieOf(answer)
  return { cookie, headers: { cookie, 'x-csrf-token': answer.json().csrfToken as string } }
}

t.test('GET /auth/session ...should keep an OIDC account away from the local user of the same name: sessions, tokens, rate limits, admin routes, audit', async t => {
  const users = await usersFile([LOCAL_BOB])
  const { app, appUrl } = await startOidcApp(t, { BFF_USERS_FILE: users.path, RATE_LIMIT_READ: '100/1m', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const http = clientFor(appUrl)
  const local = await localLogin(http, 'bob', LOCAL_BOB.password)
  const browser = new TestBrowser()
  t.equal((await browser.request(await startLogin(browser, appUrl, 'bob'))).status, 302)
  const oidcSession = await (await browser.request(`${appUrl}/auth/session`)).json() as { source: string, username: string, roles: string[], csrfToken: string }
  t.match(oidcSession, { source: 'oidc', username: 'bob', roles: ['editor'] }, 'the provider\'s bob, with the provider\'s roles')
  t.match((await http.request('/auth/session', { headers: { cookie: local.cookie } })).json(), { source: 'local', username: 'bob', roles: ['admin'] })
  const oidcHeaders = { 'x-csrf-token': oidcSession.csrfToken }

  // Rate-limit buckets: each bob has a budget of its own.
  t.equal((await http.request('/api/clients', { headers: { cookie: local.cookie } })).headers.get('ratelimit-remaining'), '99')
  t.equal((await browser.request(`${appUrl}/api/clients`)).headers.get('ratelimit-remaining'), '99', 'the OIDC bob\'s first read is its first')

  // Tokens: the local bob's are not the OIDC bob's, neither way.
  const localToken = (await http.request('/auth/tokens', { headers: local.headers, json: { name: 'local', roles: ['admin'], expiresInDays: 1 } })).json()
  t.match(localToken, { source: 'local', username: 'bob' })
  t.same((await (await browser.request(`${appUrl}/auth/tokens`)).json()), { tokens: [], nextCursor: null }, 'the OIDC bob sees none of the local bob\'s tokens')
  t.equal((await browser.request(`${appUrl}/auth/tokens/${localToken.id as string}`, { method: 'DELETE', headers: oidcHeaders })).status, 404, 'nor can revoke them')
  t.equal((await http.request('/auth/session', { headers: { authorization: `Bearer ${localToken.token as string}` } })).status, 200, 'the local token still works')
  const oidcTokenAnswer = await browser.request(`${appUrl}/auth/tokens`, { json: { name: 'oidc', roles: ['editor'], expiresInDays: 1 }, headers: oidcHeaders })
  t.equal(oidcTokenAnswer.status, 201)
  const oidcToken = await oidcTokenAnswer.json() as { id: string, token: string }
  t.match(oidcToken, { source: 'oidc', username: 'bob', createdBySource: 'oidc' })
  t.same((await http.request('/auth/tokens', { headers: { cookie: local.cookie } })).json().tokens.map((token: { id: string }) => token.id), [localToken.id], 'and the local bob none of the OIDC bob\'s')
  t.same((await http.request('/auth/session', { headers: { authorization: `Bearer ${oidcToken.token}` } })).json(), { source: 'oidc', username: 'bob', roles: ['editor'] },
    'a token acts as its owner\'s source')
  t.equal((await http.request('/api/clients', { json: { clientName: 'by oidc bob' }, headers: { authorization: `Bearer ${oidcToken.token}` } })).status, 201)

  // Admin routes name the source; local is the default.
  const listed = (query: string) => http.request(`/auth/sessions?${query}`, { headers: { cookie: local.cookie } })
  t.same((await listed('username=bob')).json().sessions.map((session: { login: string }) => session.login), ['local'])
  t.same((await listed('username=bob&source=local')).json().sessions.map((session: { login: string }) => session.login), ['local'])
  t.same((await listed('username=bob&source=oidc')).json().sessions.map((session: { login: string }) => session.login), ['oidc'])
  t.equal((await listed('username=bob&source=ldap')).status, 400, 'an unknown source is a 400')
  const revoked = await http.request('/auth/sessions?username=bob&source=oidc', { method: 'DELETE', headers: local.headers })
  t.same(revoked.json(), { revoked: 1 })
  t.equal((await browser.request(`${appUrl}/auth/session`)).status, 401, 'the OIDC bob is signed out')
  t.equal((await http.request('/auth/session', { headers: { cookie: local.cookie } })).status, 200, 'the local bob is not')

  const records = await allRecords(app)
  t.match(records.find(record => record.action === 'client.create'), { actor: 'bob', source: 'oidc', via: 'api-token', credential: oidcToken.id })
  t.match(records.find(record => record.action === 'auth.token.create' && record.actor === 'bob' && record.source === 'local'), { target: { source: 'local', username: 'bob', tokenId: localToken.id } })
  t.match(records.find(record => record.action === 'auth.sessions.revoke'), { actor: 'bob', source: 'local', target: { source: 'oidc', username: 'bob' }, outcome: 'success' })
})

t.test('GET /auth/callback ...should refuse a provider username that is not printable or longer than 128 characters (403), and admins should reach every accepted one', async t => {
  const long = 'l'.repeat(129)
  const longest = 'é'.repeat(128)
  const lookAlike = 'b\u200bob'
  for (const name of [long, longest, lookAlike]) OIDC_USERS[name] = { roles: ['ops'], email: 'x@example.test' }
  t.teardown(() => { for (const name of [long, longest, lookAlike]) Reflect.deleteProperty(OIDC_USERS, name) })
  const { app, appUrl } = await startOidcApp(t, { MAX_EVENT_LOOP_DELAY_MS: '0' })
  for (const name of [long, lookAlike]) {
    const browser = new TestBrowser()
    const callback = await browser.request(await startLogin(browser, appUrl, name))
    t.equal(callback.status, 403, JSON.stringify(name))
    const problem = await callback.json() as { code: string, detail: string }
    t.equal(problem.code, 'BFF_USERNAME_REFUSED')
    t.match(problem.detail, /printable characters, at most 128/)
    t.equal(browser.cookie('bff_session'), undefined, 'no session')
  }
  const browser = new TestBrowser()
  t.equal((await browser.request(await startLogin(browser, appUrl, longest))).status, 302, '128 characters are fine')
  const http = clientFor(appUrl)
  const admin = await localLogin(http, 'admin', PASSWORDS.admin)
  const sessions = await http.request(`/auth/sessions?username=${encodeURIComponent(longest)}&source=oidc`, { headers: { cookie: admin.cookie } })
  t.equal(sessions.status, 200, sessions.text)
  t.equal(sessions.json().sessions.length, 1, 'an admin can list that user\'s sessions')
  const ended = await http.request(`/auth/sessions?username=${encodeURIComponent(longest)}&source=oidc`, { method: 'DELETE', headers: admin.headers })
  t.same(ended.json(), { revoked: 1 }, 'and end them')
  t.same(await app.sessionStore.listByUser({ source: 'oidc', username: longest }), [])
})

t.test('GET /auth/session ...should keep a gateway identity away from the local user of the same name, and refuse unprintable gateway usernames', async t => {
  const gateway = await startGateway(t)
  const users = await usersFile([{ username: 'alice', password: 'local-alice-password-1', roles: ['admin'] }])
  const { app } = await buildTestApp(t, { ...gateway.env, BFF_USERS_FILE: users.path, MAX_EVENT_LOOP_DELAY_MS: '0' })
  const http = await listen(app)
  const local = await localLogin(http, 'alice', 'local-alice-password-1')
  const localToken = (await http.request('/auth/tokens', { headers: local.headers, json: { name: 'local', roles: ['admin'], expiresInDays: 1 } })).json()
  const asGateway = { [HEADER]: await gateway.sign({ sub: 'alice' }), 'x-csrf': '1' }

  t.same((await http.request('/auth/session', { headers: asGateway })).json(), { source: 'gateway', username: 'alice', roles: ['editor'] })
  t.same((await http.request('/auth/tokens', { headers: asGateway })).json(), { tokens: [], nextCursor: null })
  t.equal((await http.request(`/auth/tokens/${localToken.id as string}`, { method: 'DELETE', headers: asGateway })).status, 404)
  const minted = await http.request('/auth/tokens', { headers: asGateway, json: { name: 'gw', roles: ['editor'], expiresInDays: 1 } })
  t.match(minted.json(), { source: 'gateway', username: 'alice' })
  t.same((await http.request('/auth/tokens', { headers: { cookie: local.cookie } })).json().tokens.map((token: { id: string }) => token.id), [localToken.id])

  for (const sub of ['\u0007bell', 'x'.repeat(129), 'b\u200bob', 'evil\u202egnp.exe']) {
    const answer = await http.request('/auth/session', { headers: { [HEADER]: await gateway.sign({ sub }) } })
    t.equal(answer.status, 403, JSON.stringify(sub))
    t.equal(answer.json().code, 'BFF_USERNAME_REFUSED')
  }
  t.equal((await http.request('/auth/session', { headers: { [HEADER]: await gateway.sign({ sub: 'ü'.repeat(128) }) } })).status, 200)
})
