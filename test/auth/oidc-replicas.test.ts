import { test, type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { buildTestApp } from '../helpers/app.ts'
import { startRedis } from '../helpers/redis.ts'
import { freePort } from '../helpers/server-process.ts'
import { startLogin, startOidcApp, TestBrowser, TEST_ROLE_MAP, type OidcTestApp } from '../helpers/oidc-provider.ts'

async function twoReplicas (t: Test): Promise<{ first: OidcTestApp, secondUrl: string, stopRedis: () => Promise<void> }> {
  const redis = await startRedis(t)
  const shared = { REDIS_URL: redis.url, SESSION_SECRET: randomBytes(32).toString('base64url') }
  const first = await startOidcApp(t, shared)
  const secondPort = await freePort()
  const { app } = await buildTestApp(t, {
    ...shared,
    OIDC_ISSUER: first.provider.issuer,
    OIDC_CLIENT_ID: first.provider.clientId,
    OIDC_CLIENT_SECRET: first.provider.clientSecret,
    OIDC_REDIRECT_URI: `${first.appUrl}/auth/callback`,
    OIDC_ROLE_MAP: TEST_ROLE_MAP
  })
  await app.listen({ port: secondPort, host: '127.0.0.1' })
  return { first, secondUrl: `http://127.0.0.1:${secondPort}`, stopRedis: redis.stop }
}

function onReplica (url: string, replicaUrl: string): string {
  const moved = new URL(url)
  moved.port = new URL(replicaUrl).port
  return moved.href
}

test('GET /auth/callback should work on another replica, and a state used there be refused on the first', async t => {
  const { first, secondUrl } = await twoReplicas(t)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, first.appUrl, 'alice')
  const transaction = browser.cookie('bff_oidc')!

  const elsewhere = await browser.request(onReplica(callbackUrl, secondUrl))
  t.equal(elsewhere.status, 302, 'the login cookie opens on any replica with the same SESSION_SECRET')

  const attacker = new TestBrowser()
  attacker.setCookie('bff_oidc', transaction)
  const replay = await attacker.request(callbackUrl)
  t.equal(replay.status, 400, 'the state used on the second replica is refused on the first')
  t.match((await replay.json() as { detail: string }).detail, /already used/)
})

test('GET /auth/callback should refuse (503), not skip the replay check, while Redis is down', async t => {
  const { first, stopRedis } = await twoReplicas(t)
  const browser = new TestBrowser()
  const callbackUrl = await startLogin(browser, first.appUrl, 'alice')
  await stopRedis()
  const response = await browser.request(callbackUrl)
  t.equal(response.status, 503)
  t.equal((await response.json() as { code: string }).code, 'BFF_OIDC_REPLAY_CHECK_UNAVAILABLE')
  t.equal(browser.cookie('bff_session'), undefined)
})
