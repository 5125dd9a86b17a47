import { test } from 'tap'
import pino from 'pino'
import { buildTestApp } from '../helpers/app.ts'
import { freePort } from '../helpers/server-process.ts'
import { startLogin, startOidcProvider, TestBrowser } from '../helpers/oidc-provider.ts'
import { createOidcClient } from '../../src/auth/oidc/oidc-client.ts'

test('GET /auth/login should answer 503 while the provider is down, then work once it is up', async t => {
  const appPort = await freePort()
  const providerPort = await freePort()
  const appUrl = `http://127.0.0.1:${appPort}`
  const started = Date.now()
  const { app, logs } = await buildTestApp(t, {
    OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
    OIDC_CLIENT_ID: 'authlete-bff-test',
    OIDC_CLIENT_SECRET: 'placeholder-until-the-provider-is-up',
    OIDC_REDIRECT_URI: `${appUrl}/auth/callback`,
    OIDC_ROLE_MAP: 'ops-admins=admin'
  })
  t.ok(Date.now() - started < 10_000, 'start-up does not wait for the provider')
  await app.listen({ port: appPort, host: '127.0.0.1' })
  t.match(logs.join('\n'), /oidc discovery failed; retrying in the background/)

  const down = await fetch(`${appUrl}/auth/login`, { redirect: 'manual' })
  t.equal(down.status, 503)
  t.equal((await down.json() as { code: string }).code, 'BFF_OIDC_UNAVAILABLE')
  const callback = await fetch(`${appUrl}/auth/callback?code=x&state=y`, { redirect: 'manual' })
  t.equal(callback.status, 503, 'the callback too')
  const local = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(local.statusCode, 200, 'the rest of the app serves meanwhile')

  const provider = await startOidcProvider(t, appUrl, providerPort)
  // The client secret the app was given is not the provider's: discovery works, the login itself would not.
  let status = 0
  for (let attempt = 0; attempt < 100 && status !== 302; attempt++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    status = (await fetch(`${appUrl}/auth/login`, { redirect: 'manual' })).status
  }
  t.equal(status, 302, 'discovery retried in the background and succeeded')
  const browser = new TestBrowser()
  const response = await browser.request(await startLogin(browser, appUrl, 'alice'))
  t.equal(response.status, 401, 'a wrong client secret is refused at the token endpoint')
  t.match((await response.json() as { detail: string }).detail, /invalid_client/)
  t.notOk(logs.join('\n').includes('placeholder-until-the-provider-is-up'), 'the client secret is not logged')
  t.ok(provider.issuer)
})

test('the OIDC client should refuse a plain-http issuer in production unless it is on loopback', async t => {
  const log = pino({ level: 'silent' })
  t.throws(() => createOidcClient({ issuer: 'http://idp.example', clientId: 'c', production: true }, log), /plain http/)
  t.doesNotThrow(() => createOidcClient({ issuer: 'http://127.0.0.1:9', clientId: 'c', production: true }, log).close(), 'a loopback sidecar')
  t.doesNotThrow(() => createOidcClient({ issuer: 'http://idp.example', clientId: 'c', production: false }, log).close(), 'development')
  t.doesNotThrow(() => createOidcClient({ issuer: 'https://idp.example', clientId: 'c', production: true }, log).close(), 'https')
})

test('GET /auth/login should answer 404 when OIDC_ISSUER is unset, like a route that does not exist', async t => {
  const { app } = await buildTestApp(t)
  t.equal(app.oidc, null)
  for (const [method, url] of [['GET', '/auth/login'], ['GET', '/auth/callback?code=secret-code&state=s'], ['POST', '/auth/backchannel-logout']] as const) {
    const response = await app.inject({ method, url, ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'logout_token=x' } : {}) })
    t.equal(response.statusCode, 404, `${method} ${url}`)
    t.equal(response.json().code, 'BFF_NOT_FOUND')
    t.notMatch(response.json().detail, /secret-code/, 'the query is not echoed')
  }
})
