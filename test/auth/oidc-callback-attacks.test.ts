import { test } from 'tap'
import { createTransactionCookies, type LoginTransaction } from '../../src/auth/oidc/transaction.ts'
import { startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'

interface Problem { status: number, code: string, detail: string }

async function problemOf (response: Response): Promise<Problem> {
  return await response.json() as Problem
}

test('GET /auth/callback should refuse a replayed state, even with the login cookie put back', async t => {
  const { appUrl } = await startOidcApp(t)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, appUrl, 'alice')
  const transaction = browser.cookie('bff_oidc')!
  t.equal((await browser.request(callbackUrl)).status, 302, 'the first callback logs in')

  const attacker = new TestBrowser()
  attacker.setCookie('bff_oidc', transaction)
  const replay = await attacker.request(callbackUrl)
  t.equal(replay.status, 400)
  const problem = await problemOf(replay)
  t.equal(problem.code, 'BFF_OIDC_LOGIN_STATE')
  t.match(problem.detail, /already used/)
  t.equal(attacker.cookie('bff_session'), undefined, 'no session for the replay')
})

test('GET /auth/callback should refuse an authorization code used twice', async t => {
  const { appUrl, config, logs } = await startOidcApp(t)
  const sealer = createTransactionCookies(config.SESSION_SECRET!)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, appUrl, 'alice')
  const transaction = sealer.open(browser.cookie('bff_oidc')!)!
  t.equal((await browser.request(callbackUrl)).status, 302)

  // A fresh, valid transaction (new state, same PKCE verifier and nonce), so only the code is stale.
  const attacker = new TestBrowser()
  const state = 'fresh-state-for-the-reused-code'
  attacker.setCookie('bff_oidc', sealer.seal({ ...transaction, state }))
  const reused = new URL(callbackUrl)
  reused.searchParams.set('state', state)
  const response = await attacker.request(reused.href)
  t.equal(response.status, 401)
  const problem = await problemOf(response)
  t.equal(problem.code, 'BFF_OIDC_LOGIN_REJECTED')
  t.match(problem.detail, /invalid_grant/, 'the provider refused the code')
  t.equal(attacker.cookie('bff_session'), undefined)
  t.notOk(logs.join('\n').includes(new URL(callbackUrl).searchParams.get('code')!), 'the code is in no log line, failures included')
})

test('GET /auth/callback should refuse an ID token whose nonce is not the login\'s', async t => {
  const { appUrl, config } = await startOidcApp(t)
  const sealer = createTransactionCookies(config.SESSION_SECRET!)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, appUrl, 'alice')
  const transaction = sealer.open(browser.cookie('bff_oidc')!)!
  browser.setCookie('bff_oidc', sealer.seal({ ...transaction, nonce: 'not-the-nonce-the-provider-saw' }))
  const response = await browser.request(callbackUrl)
  t.equal(response.status, 401)
  const problem = await problemOf(response)
  t.equal(problem.code, 'BFF_OIDC_LOGIN_REJECTED')
  t.match(problem.detail, /nonce/)
  t.notMatch(problem.detail, /not-the-nonce/, 'values are not echoed')
  t.equal(browser.cookie('bff_session'), undefined)
})

test('GET /auth/callback should refuse a PKCE verifier that does not match the challenge', async t => {
  const { appUrl, config } = await startOidcApp(t)
  const sealer = createTransactionCookies(config.SESSION_SECRET!)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, appUrl, 'alice')
  const transaction = sealer.open(browser.cookie('bff_oidc')!)!
  browser.setCookie('bff_oidc', sealer.seal({ ...transaction, codeVerifier: 'x'.repeat(43) }))
  const response = await browser.request(callbackUrl)
  t.equal(response.status, 401)
  t.match((await problemOf(response)).detail, /invalid_grant/)
})

test('GET /auth/callback should refuse a callback this browser did not start (login CSRF)', async t => {
  const { appUrl } = await startOidcApp(t)
  // The attacker logs in as themself and sends the victim their callback URL.
  const attacker = new TestBrowser()
  const callbackUrl = await startLogin(attacker, appUrl, 'bob')
  const victim = new TestBrowser()
  const response = await victim.request(callbackUrl)
  t.equal(response.status, 400)
  t.match((await problemOf(response)).detail, /no login in progress/)
  t.equal(victim.cookie('bff_session'), undefined)

  // The victim has a login of their own in progress: the attacker's state does not match it.
  const victimLogin = await victim.request(`${appUrl}/auth/login`)
  t.equal(victimLogin.status, 302)
  const mismatch = await victim.request(callbackUrl)
  t.equal(mismatch.status, 400)
  t.match((await problemOf(mismatch)).detail, /state parameter does not match/)
  t.equal(victim.cookie('bff_oidc'), undefined, 'the login cookie is cleared after any callback')
  t.equal(victim.cookie('bff_session'), undefined)
})

test('GET /auth/callback should refuse an altered or expired login cookie', async t => {
  const { appUrl, config } = await startOidcApp(t)
  const sealer = createTransactionCookies(config.SESSION_SECRET!)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, appUrl, 'alice')
  const sealed = browser.cookie('bff_oidc')!
  const transaction = sealer.open(sealed)!

  const flipped = Buffer.from(sealed, 'base64url')
  flipped[20]! ^= 1
  const altered = new TestBrowser()
  altered.setCookie('bff_oidc', flipped.toString('base64url'))
  const response = await altered.request(callbackUrl)
  t.equal(response.status, 400, 'one flipped bit')
  t.match((await problemOf(response)).detail, /missing, expired or altered/)

  const otherKey = createTransactionCookies('another-session-secret-of-32-characters!!')
  const foreign = new TestBrowser()
  foreign.setCookie('bff_oidc', otherKey.seal(transaction))
  t.equal((await foreign.request(callbackUrl)).status, 400, 'sealed under another key')

  const expired: LoginTransaction = { ...transaction, expiresAt: Date.now() - 1 }
  const late = new TestBrowser()
  late.setCookie('bff_oidc', sealer.seal(expired))
  t.equal((await late.request(callbackUrl)).status, 400, 'expired')

  t.equal((await browser.request(callbackUrl)).status, 302, 'the untouched login still works')
})

test('GET /auth/callback should answer the provider\'s refusal with 401 and no session', async t => {
  const { appUrl, provider } = await startOidcApp(t)
  const browser = new TestBrowser()
  const redirect = await browser.request(`${appUrl}/auth/login`)
  const state = new URL(redirect.headers.get('location')!).searchParams.get('state')!
  const response = await browser.request(`${appUrl}/auth/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`)
  t.equal(response.status, 401)
  t.match((await problemOf(response)).detail, /access_denied/)
  t.equal(browser.cookie('bff_session'), undefined)
})

test('GET /auth/callback should refuse a code for another issuer (mix-up: iss parameter)', async t => {
  const { appUrl } = await startOidcApp(t)
  const browser = new TestBrowser()
  const callbackUrl = new URL(await startLogin(browser, appUrl, 'alice'))
  callbackUrl.searchParams.set('iss', 'http://127.0.0.1:1')
  const response = await browser.request(callbackUrl.href)
  t.equal(response.status, 401)
  t.match((await problemOf(response)).detail, /iss/)
})

test('GET /auth/callback should replace a session planted before login (no fixation)', async t => {
  const { appUrl } = await startOidcApp(t)
  const attacker = new TestBrowser()
  const planted = await startLogin(attacker, appUrl, 'bob')
  await attacker.request(planted)
  const plantedSession = attacker.cookie('bff_session')!

  const victim = new TestBrowser()
  victim.setCookie('bff_session', plantedSession)
  const callback = await victim.request(await startLogin(victim, appUrl, 'alice'))
  t.equal(callback.status, 302)
  t.not(victim.cookie('bff_session'), plantedSession, 'a new session id')
  t.equal((await attacker.request(`${appUrl}/auth/session`)).status, 401, 'the planted session is gone')
  const details = await (await victim.request(`${appUrl}/auth/session`)).json() as { username: string }
  t.equal(details.username, 'alice')
})
