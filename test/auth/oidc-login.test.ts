import { test } from 'tap'
import { login } from '../helpers/app.ts'
import { signInAtProvider, startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'

test('GET /auth/login → provider → GET /auth/callback should start a session with the mapped role', async t => {
  const { app, appUrl, provider, logs } = await startOidcApp(t)
  const browser = new TestBrowser()

  const redirect = await browser.request(`${appUrl}/auth/login?returnTo=${encodeURIComponent('/clients?page=2')}`)
  t.equal(redirect.status, 302)
  const authorization = new URL(redirect.headers.get('location')!)
  t.equal(authorization.origin, provider.issuer, 'to the provider')
  t.equal(authorization.searchParams.get('code_challenge_method'), 'S256')
  t.ok(authorization.searchParams.get('code_challenge'))
  t.ok(authorization.searchParams.get('state'))
  t.ok(authorization.searchParams.get('nonce'))
  t.equal(authorization.searchParams.get('redirect_uri'), `${appUrl}/auth/callback`)
  t.equal(authorization.searchParams.get('client_id'), provider.clientId)
  const transactionCookie = redirect.headers.getSetCookie().find(line => line.startsWith('bff_oidc='))!
  t.match(transactionCookie, /HttpOnly/i)
  t.match(transactionCookie, /SameSite=Lax/i)
  t.match(transactionCookie, /Max-Age=600/)
  t.notOk(transactionCookie.includes(authorization.searchParams.get('state')!), 'the cookie does not show the state in clear')

  const callbackUrl = await signInAtProvider(browser, authorization.href, 'alice')
  const callback = await browser.request(callbackUrl)
  t.equal(callback.status, 302, await callback.clone().text())
  t.equal(callback.headers.get('location'), '/clients?page=2', 'back to returnTo')
  t.equal(browser.cookie('bff_oidc'), undefined, 'the transaction cookie is cleared')
  t.ok(browser.cookie('bff_session'), 'a session cookie is set')

  const session = await browser.request(`${appUrl}/auth/session`)
  t.equal(session.status, 200)
  const details = await session.json() as { username: string, roles: string[], csrfToken: string }
  t.equal(details.username, 'alice', 'preferred_username is the username')
  t.same(details.roles, ['admin'], 'ops-admins maps to admin')

  const clients = await browser.request(`${appUrl}/api/clients`)
  t.equal(clients.status, 200, 'the session works on /api')
  const created = await browser.request(`${appUrl}/api/clients`, { json: { clientName: 'from oidc' }, headers: { 'x-csrf-token': details.csrfToken } })
  t.equal(created.status, 201, 'an admin from OIDC can write, with the session\'s CSRF token')

  const stored = await app.sessionStore.listByUser({ source: 'oidc', username: 'alice' })
  t.equal(stored.length, 1)
  t.equal(stored[0]!.record.provider?.issuer, provider.issuer)
  t.equal(stored[0]!.record.provider?.subject, 'alice')
  t.ok(stored[0]!.record.provider?.sessionId, 'the provider\'s sid is kept for back-channel logout')

  const text = logs.join('\n')
  t.notOk(text.includes(provider.clientSecret), 'the client secret is never logged')
  t.notOk(text.includes(stored[0]!.record.provider!.idToken!), 'the ID token is never logged')
  t.notOk(text.includes(new URL(callbackUrl).searchParams.get('code')!), 'the authorization code is never logged')
})

test('GET /auth/callback should give bob (ops) the editor role only', async t => {
  const { appUrl } = await startOidcApp(t)
  const browser = new TestBrowser()
  const callback = await browser.request(await startLogin(browser, appUrl, 'bob'))
  t.equal(callback.status, 302)
  t.equal(callback.headers.get('location'), '/', 'no returnTo: the root')
  const details = await (await browser.request(`${appUrl}/auth/session`)).json() as { roles: string[] }
  t.same(details.roles, ['editor'])
})

test('GET /auth/callback should refuse a user without a mapped role with 403 and no session', async t => {
  const { appUrl, app } = await startOidcApp(t)
  const browser = new TestBrowser()
  const callback = await browser.request(await startLogin(browser, appUrl, 'carol'))
  t.equal(callback.status, 403)
  t.match(callback.headers.get('content-type'), /application\/problem\+json/)
  const problem = await callback.json() as { code: string }
  t.equal(problem.code, 'BFF_OIDC_NO_ROLE')
  t.notOk(callback.headers.getSetCookie().some(line => line.startsWith('bff_session=')), 'no session cookie')
  t.equal(browser.cookie('bff_session'), undefined)
  t.same(await app.sessionStore.listByUser({ source: 'oidc', username: 'carol' }), [], 'nothing stored')
  t.equal((await browser.request(`${appUrl}/api/clients`)).status, 401)
})

test('GET /auth/login should refuse a returnTo that leaves the site, and never redirect off-origin', async t => {
  const { appUrl } = await startOidcApp(t)
  const attacks = ['//evil.example', '//evil.example/path', 'https://evil.example', '/\\evil.example', '/\\/evil.example',
    'javascript:alert(1)', 'evil.example', '/%0d%0aLocation:%20https://evil.example', '/\tevil', '\\\\evil.example', '/x\\..\\..\\evil']
  for (const returnTo of attacks) {
    const browser = new TestBrowser()
    const response = await browser.request(`${appUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
    const note = `returnTo ${JSON.stringify(returnTo)}`
    if (returnTo.startsWith('/%0d')) {
      // Percent-encoded CR/LF are just characters of a same-site path once decoded once: allowed, harmless.
      t.equal(response.status, 302, note)
      continue
    }
    t.equal(response.status, 400, note)
    t.equal((await response.json() as { code: string }).code, 'BFF_OIDC_BAD_RETURN_TO', note)
    t.equal(browser.cookie('bff_oidc'), undefined, `${note}: no login started`)
  }

  // A same-site path survives the whole round trip, and only that.
  const browser = new TestBrowser()
  const callback = await browser.request(await startLogin(browser, appUrl, 'alice', '/api/clients'))
  t.equal(callback.headers.get('location'), '/api/clients')
})

test('POST /auth/login should keep local users working with OIDC enabled', async t => {
  const { app } = await startOidcApp(t)
  const session = await login(app, 'editor')
  const response = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: session.cookie } })
  t.equal(response.statusCode, 200)
  t.same(response.json().roles, ['editor'])
  const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: session.headers })
  t.equal(logout.statusCode, 204, 'a local session has no provider to log out of')
})

test('GET /auth/login over https (behind a trusted proxy) should use a __Host- Secure login cookie', async t => {
  const { app } = await startOidcApp(t, { TRUST_PROXY: '127.0.0.1' })
  const response = await app.inject({ method: 'GET', url: '/auth/login', headers: { 'x-forwarded-proto': 'https' } })
  t.equal(response.statusCode, 302)
  const cookie = [response.headers['set-cookie']].flat()[0]!
  t.match(cookie, /^__Host-bff_oidc=/)
  t.match(cookie, /; Secure/)
  t.match(cookie, /; Path=\//)
  t.notMatch(cookie, /Domain=/i, '__Host- cookies have no Domain')
})

test('GET /auth/login ...should spend only the per-address login budget, not a shared per-username one', async t => {
  const { appUrl } = await startOidcApp(t, { RATE_LIMIT_LOGIN: '2/15m', RATE_LIMIT_LOGIN_IP: '4/15m' })
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await fetch(`${appUrl}/auth/login`, { redirect: 'manual' })).status)
  t.same(statuses, [302, 302, 302, 302, 429], 'past the username budget of 2, only the address budget of 4 stops it')
})
