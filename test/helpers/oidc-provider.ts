import { createServer } from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import Provider from 'oidc-provider'
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose'
import type { Test } from 'tap'
import { freePort } from './server-process.ts'
import { buildTestApp, type TestApp } from './app.ts'

/** The provider's users: the `roles` claim is what OIDC_ROLE_MAP maps. carol has none. */
export const OIDC_USERS: Record<string, { roles?: string[], email: string }> = {
  alice: { roles: ['ops-admins'], email: 'alice@example.test' },
  bob: { roles: ['ops'], email: 'bob@example.test' },
  carol: { email: 'carol@example.test' }
}

export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

export interface TestProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** The provider's own signing key (RS256, its JWKS's only key): signs logout tokens like the provider would. */
  signLogoutToken: (claims: JWTPayload, header?: Record<string, unknown>) => Promise<string>
  /** Back-channel logout deliveries the provider made: `ok` when the app answered 200. */
  backchannelResults: Array<{ ok: boolean, error?: string }>
}

/**
 * A real OpenID Provider (panva's certified oidc-provider) on 127.0.0.1: one confidential client for
 * the app at `appUrl` (callback, post-logout and back-channel logout URIs), PKCE required, the
 * built-in development login/consent pages (any password is accepted for a known user).
 */
export async function startOidcProvider (t: Test, appUrl: string, port?: number): Promise<TestProvider> {
  port ??= await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const clientId = 'authlete-bff-test'
  const clientSecret = randomBytes(24).toString('base64url')
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomUUID()
  const jwk: JWK = { ...await exportJWK(privateKey), kid, alg: 'RS256', use: 'sig' }
  const backchannelResults: TestProvider['backchannelResults'] = []

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${appUrl}/auth/callback`],
      post_logout_redirect_uris: [`${appUrl}/logged-out`],
      backchannel_logout_uri: `${appUrl}/auth/backchannel-logout`,
      backchannel_logout_session_required: true,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic'
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    claims: { openid: ['sub', 'roles'], profile: ['preferred_username', 'name'], email: ['email'] },
    features: { backchannelLogout: { enabled: true }, rpInitiatedLogout: { enabled: true }, devInteractions: { enabled: true } },
    async findAccount (_ctx: unknown, id: string) {
      const user = OIDC_USERS[id]
      if (user === undefined) return undefined
      return {
        accountId: id,
        async claims () {
          return { sub: id, preferred_username: id, name: id, email: user.email, ...(user.roles === undefined ? {} : { roles: user.roles }) }
        }
      }
    },
    // The provider refuses to call loopback addresses (SSRF protection); the app under test is one.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      delete options.dispatcher
      return fetch(url, options)
    }
  })
  provider.on('backchannel.success', () => { backchannelResults.push({ ok: true }) })
  provider.on('backchannel.error', (_ctx, error) => { backchannelResults.push({ ok: false, error: (error as Error).message }) })

  const server = createServer(provider.callback())
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => { resolve() })
  }))

  return {
    issuer,
    clientId,
    clientSecret,
    backchannelResults,
    async signLogoutToken (claims, header = {}) {
      return await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'logout+jwt', ...header }).sign(privateKey)
    }
  }
}

/**
 * A browser, as far as this flow needs one: one cookie jar for the host 127.0.0.1 (cookies ignore
 * ports, so the app's and the provider's cookies share it, as in a real browser), no automatic
 * redirects, so each hop can be looked at or tampered with.
 */
export class TestBrowser {
  readonly cookies = new Map<string, { name: string, value: string, path: string }>()

  async request (url: string, init: { method?: string, form?: Record<string, string>, json?: unknown, headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url)
    const headers: Record<string, string> = { ...init.headers }
    const cookie = this.cookieHeader(target.pathname)
    if (cookie !== '') headers.cookie = cookie
    let body: string | undefined
    if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    }
    const response = await fetch(target, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) this.store(line, target.pathname)
    return response
  }

  cookie (name: string): string | undefined {
    return [...this.cookies.values()].find(entry => entry.name === name)?.value
  }

  setCookie (name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path })
  }

  private cookieHeader (path: string): string {
    return [...this.cookies.values()]
      .filter(entry => path === entry.path || path.startsWith(entry.path.endsWith('/') ? entry.path : `${entry.path}/`))
      .map(entry => `${entry.name}=${entry.value}`).join('; ')
  }

  private store (line: string, requestPath: string): void {
    const [pair, ...attributes] = line.split(';').map(part => part.trim())
    const at = pair!.indexOf('=')
    const name = pair!.slice(0, at)
    const value = pair!.slice(at + 1)
    let path = requestPath.slice(0, requestPath.lastIndexOf('/') + 1) || '/'
    let expired = false
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.split('=')
      const attributeValue = rest.join('=')
      if (key!.toLowerCase() === 'path') path = attributeValue
      if (key!.toLowerCase() === 'max-age' && Number(attributeValue) <= 0) expired = true
      if (key!.toLowerCase() === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true
    }
    if (expired || value === '') this.cookies.delete(`${name};${path}`)
    else this.cookies.set(`${name};${path}`, { name, value, path })
  }
}

/**
 * Drives the provider's side of a login that the app started (`authorizationUrl` is the app's
 * redirect): signs in as `user`, consents, and answers the app's callback URL that the provider
 * redirected to, without visiting it.
 */
export async function signInAtProvider (browser: TestBrowser, authorizationUrl: string, user: string): Promise<string> {
  let url = authorizationUrl
  for (let hop = 0; hop < 10; hop++) {
    const response = await browser.request(url)
    const location = response.headers.get('location')
    if (location !== null) {
      const next = new URL(location, url).href
      if (new URL(next).pathname === '/auth/callback') return next
      url = next
      continue
    }
    const page = await response.text()
    if (response.status !== 200) throw new Error(`provider answered ${response.status} at ${url}: ${page.slice(0, 500)}`)
    const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1]
    if (prompt === undefined) throw new Error(`no login or consent form at ${url}: ${page.slice(0, 500)}`)
    const submitted = await browser.request(url, { form: prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt } })
    const after = submitted.headers.get('location')
    if (after === null) throw new Error(`the ${prompt} form answered ${submitted.status}: ${(await submitted.text()).slice(0, 500)}`)
    url = new URL(after, url).href
  }
  throw new Error('too many redirects at the provider')
}

export interface OidcTestApp extends TestApp {
  provider: TestProvider
  /** http://127.0.0.1:PORT: the app listening for real, as the provider's redirects and back-channel need. */
  appUrl: string
}

/** The OIDC role map the tests use: carol (no roles claim) gets no role. */
export const TEST_ROLE_MAP = 'ops-admins=admin,ops=editor'

/** A provider and the app configured for it (local users too), listening on a real port. */
export async function startOidcApp (t: Test, env: Record<string, string> = {}): Promise<OidcTestApp> {
  const appPort = await freePort()
  const appUrl = `http://127.0.0.1:${appPort}`
  const provider = await startOidcProvider(t, appUrl)
  const testApp = await buildTestApp(t, {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_REDIRECT_URI: `${appUrl}/auth/callback`,
    OIDC_POST_LOGOUT_REDIRECT_URI: `${appUrl}/logged-out`,
    OIDC_ROLE_MAP: TEST_ROLE_MAP,
    ...env
  })
  await testApp.app.listen({ port: appPort, host: '127.0.0.1' })
  return { ...testApp, provider, appUrl }
}

/** GET /auth/login at the app, then the provider's pages; answers the callback URL, not yet visited. */
export async function startLogin (browser: TestBrowser, appUrl: string, user: string, returnTo?: string): Promise<string> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`
  const response = await browser.request(`${appUrl}/auth/login${query}`)
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) throw new Error(`GET /auth/login answered ${response.status}: ${await response.text()}`)
  return await signInAtProvider(browser, location, user)
}
