import { test } from 'tap'
import { SignJWT, generateKeyPair, type JWTPayload } from 'jose'
import { randomUUID } from 'node:crypto'
import { login } from '../helpers/app.ts'
import { LOGOUT_EVENT, startLogin, startOidcApp, TestBrowser, type OidcTestApp } from '../helpers/oidc-provider.ts'

async function signedIn (setup: OidcTestApp, user: string): Promise<{ browser: TestBrowser, csrfToken: string }> {
  const browser = new TestBrowser()
  const callback = await browser.request(await startLogin(browser, setup.appUrl, user))
  if (callback.status !== 302) throw new Error(`login as ${user} failed: ${callback.status}`)
  const { csrfToken } = await (await browser.request(`${setup.appUrl}/auth/session`)).json() as { csrfToken: string }
  return { browser, csrfToken }
}

async function sessionStatus (setup: OidcTestApp, browser: TestBrowser): Promise<number> {
  return (await browser.request(`${setup.appUrl}/auth/session`)).status
}

/** Ends the provider's session from its own end-session page, as a user clicking "Yes, sign me out". */
async function logOutAtProvider (browser: TestBrowser, endSessionUrl: string): Promise<Response> {
  const page = await browser.request(endSessionUrl)
  const html = await page.text()
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1]
  if (xsrf === undefined) throw new Error(`no logout form at the provider (${page.status}): ${html.slice(0, 300)}`)
  const action = /action="([^"]+)"/.exec(html)![1]!
  return await browser.request(new URL(action, endSessionUrl).href, { form: { xsrf, logout: 'yes' } })
}

async function backchannel (setup: OidcTestApp, token: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const response = await fetch(`${setup.appUrl}/auth/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token })
  })
  return { status: response.status, body: await response.json() as Record<string, unknown> }
}

function logoutClaims (setup: OidcTestApp, claims: JWTPayload = {}): JWTPayload {
  return {
    iss: setup.provider.issuer,
    aud: setup.provider.clientId,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 120,
    jti: randomUUID(),
    events: { [LOGOUT_EVENT]: {} },
    sub: 'alice',
    ...claims
  }
}

test('POST /auth/logout should end an OIDC session and answer the provider\'s logout URL', async t => {
  const setup = await startOidcApp(t)
  const { browser, csrfToken } = await signedIn(setup, 'alice')
  const [stored] = await setup.app.sessionStore.listByUser({ source: 'oidc', username: 'alice' })
  const idToken = stored!.record.provider!.idToken!

  const logout = await browser.request(`${setup.appUrl}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken } })
  t.equal(logout.status, 200)
  const { logoutUrl } = await logout.json() as { logoutUrl: string }
  const url = new URL(logoutUrl)
  t.equal(url.origin, setup.provider.issuer)
  t.equal(url.pathname, '/session/end')
  t.equal(url.searchParams.get('id_token_hint'), idToken)
  t.equal(url.searchParams.get('post_logout_redirect_uri'), `${setup.appUrl}/logged-out`)
  t.equal(url.searchParams.get('client_id'), setup.provider.clientId)
  t.equal(await sessionStatus(setup, browser), 401, 'the session is over at once')
  t.equal(browser.cookie('bff_session'), undefined, 'the cookie is cleared')

  const done = await logOutAtProvider(browser, logoutUrl)
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), `${setup.appUrl}/logged-out`, 'the provider sends the browser back')
  t.same(setup.provider.backchannelResults, [{ ok: true }], 'the provider\'s back-channel call was answered 200 (nothing left to end)')
  t.notOk(setup.logs.join('\n').includes(idToken), 'the ID token is never logged')
})

test('POST /auth/backchannel-logout from the provider\'s own end-session should revoke the session', async t => {
  const setup = await startOidcApp(t)
  const alice = await signedIn(setup, 'alice')
  const bob = await signedIn(setup, 'bob')
  t.equal(await sessionStatus(setup, alice.browser), 200)

  // alice signs out at the provider (another tab, another app): the provider tells us over the back channel.
  const done = await logOutAtProvider(alice.browser, `${setup.provider.issuer}/session/end`)
  t.ok(done.status < 400, `the provider's logout finished (${done.status})`)
  t.same(setup.provider.backchannelResults, [{ ok: true }], 'delivered and answered 200')
  t.equal(await sessionStatus(setup, alice.browser), 401, 'alice\'s session is revoked')
  t.equal((await alice.browser.request(`${setup.appUrl}/api/clients`)).status, 401)
  t.equal(await sessionStatus(setup, bob.browser), 200, 'bob\'s session is untouched')

  const admin = await login(setup.app, 'admin')
  const audit = await setup.app.inject({ method: 'GET', url: '/api/audit?action=auth.backchannel-logout', headers: admin.headers })
  const records = audit.json().records as Array<{ action: string, outcome: string, status: number, changedProperties: string[] }>
  t.equal(records.length, 1, 'audited')
  t.equal(records[0]!.outcome, 'success')
  t.same(records[0]!.changedProperties, ['logout_token'], 'the token\'s name, never its value')
})

test('POST /auth/backchannel-logout should end the session a sid names, or every session of a sub', async t => {
  const setup = await startOidcApp(t)
  const first = await signedIn(setup, 'alice')
  const second = await signedIn(setup, 'alice')
  const sessions = await setup.app.sessionStore.listByUser({ source: 'oidc', username: 'alice' })
  t.equal(sessions.length, 2)
  const firstSid = sessions.find(entry => entry.record.provider!.idToken !== undefined)!.record.provider!.sessionId!

  const bySid = await backchannel(setup, await setup.provider.signLogoutToken(logoutClaims(setup, { sid: firstSid })))
  t.equal(bySid.status, 200)
  t.same(bySid.body, { sessionsEnded: 1 })
  const statuses = [await sessionStatus(setup, first.browser), await sessionStatus(setup, second.browser)].sort()
  t.same(statuses, [200, 401], 'one of the two sessions ended')

  const bySub = await backchannel(setup, await setup.provider.signLogoutToken(logoutClaims(setup)))
  t.equal(bySub.status, 200)
  t.same(bySub.body, { sessionsEnded: 1 })
  t.equal(await sessionStatus(setup, first.browser), 401)
  t.equal(await sessionStatus(setup, second.browser), 401)
})

test('POST /auth/backchannel-logout should refuse forged, malformed and replayed logout tokens with 400', async t => {
  const setup = await startOidcApp(t)
  const { browser } = await signedIn(setup, 'alice')
  const { privateKey: strangerKey } = await generateKeyPair('RS256')
  const [header] = (await setup.provider.signLogoutToken(logoutClaims(setup))).split('.')
  const { kid } = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { kid: string }
  const unsigned = (claims: JWTPayload) => `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`

  const attacks: Array<[string, () => Promise<string>, RegExp]> = [
    ['signed with another key under the provider\'s kid', async () => await new SignJWT(logoutClaims(setup)).setProtectedHeader({ alg: 'RS256', kid }).sign(strangerKey), /signature/],
    ['alg none', async () => unsigned(logoutClaims(setup)), /not a valid signed JWT|algorithm/],
    ['HS256 keyed with the client secret', async () => await new SignJWT(logoutClaims(setup)).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(setup.provider.clientSecret)), /algorithm/],
    ['another audience', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { aud: 'another-client' })), /aud/],
    ['another issuer', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { iss: 'http://127.0.0.1:1' })), /iss/],
    ['no events claim', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { events: undefined })), /events/],
    ['events without the back-channel logout event', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { events: { 'urn:other': {} } })), /events/],
    ['a nonce (an ID token passed off as a logout token)', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { nonce: 'n' })), /nonce/],
    ['neither sub nor sid', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { sub: undefined })), /sub nor sid/],
    ['no jti', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { jti: undefined })), /jti/],
    ['issued an hour ago', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) + 60 })), /iat/],
    ['expired', async () => await setup.provider.signLogoutToken(logoutClaims(setup, { exp: Math.floor(Date.now() / 1000) - 120 })), /expired/],
    ['not a JWT', async () => 'garbage', /not a valid signed JWT/]
  ]
  for (const [name, make, reason] of attacks) {
    const { status, body } = await backchannel(setup, await make())
    t.equal(status, 400, name)
    t.equal(body.code, 'BFF_LOGOUT_TOKEN_REJECTED', name)
    t.match(body.detail, reason, `${name}: ${String(body.detail)}`)
    t.equal(await sessionStatus(setup, browser), 200, `${name}: the session survives`)
  }

  const json = await fetch(`${setup.appUrl}/auth/backchannel-logout`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logout_token: await setup.provider.signLogoutToken(logoutClaims(setup)) })
  })
  t.equal(json.status, 415, 'form bodies only, as the spec sends them')
  t.equal(((await json.json()) as { detail: string }).detail, 'Content-Type "application/json" is not accepted; send application/x-www-form-urlencoded', 'the one type this route reads')
  const missing = await fetch(`${setup.appUrl}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'other=1' })
  t.equal(missing.status, 400, 'no logout_token')
  t.equal(await sessionStatus(setup, browser), 200)

  const form = await setup.app.inject({ method: 'POST', url: '/api/clients', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'clientName=x' })
  t.equal(form.statusCode, 401, 'elsewhere a form is still refused (before the body, for lack of a session)')
  const admin = await login(setup.app, 'admin')
  const formAsAdmin = await setup.app.inject({ method: 'POST', url: '/api/clients', headers: { ...admin.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'clientName=x' })
  t.equal(formAsAdmin.statusCode, 415, 'the form parser exists for the back-channel route only')

  const token = await setup.provider.signLogoutToken(logoutClaims(setup))
  t.equal((await backchannel(setup, token)).status, 200, 'a good token works')
  t.equal(await sessionStatus(setup, browser), 401)
  const replay = await backchannel(setup, token)
  t.equal(replay.status, 400, 'the same token again')
  t.match(replay.body.detail, /already used/)
})
