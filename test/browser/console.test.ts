import t from 'tap'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'
import { attackerPage, startOriginServer } from './other-origins.ts'
import { CHROMIUM, IN_CI, launchChromium } from './support.ts'

const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/console.png', import.meta.url))

t.setTimeout(180_000)

if (!existsSync(CHROMIUM)) {
  // CI installs it (.ci/run); a laptop without it may skip, but never silently.
  if (IN_CI) t.fail(`${CHROMIUM} is missing: the real-browser tests cannot run (apt-get install chromium)`)
  else t.test('the console in a real browser', { skip: `${CHROMIUM} is missing; install Debian's chromium to run the real-browser tests` }, async () => {})
} else {
  await browserTests()
}

/** Answers a signed-in admin sees through the app, checked from outside the browser. */
async function adminApi (appUrl: string) {
  const login = await fetch(`${appUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin }) })
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  const get = async (path: string) => {
    const response = await fetch(`${appUrl}${path}`, { headers: { cookie } })
    return { status: response.status, body: await response.json() as Record<string, any> }
  }
  return {
    get,
    clientNames: async () => (await get('/api/clients?limit=100')).body.clients.map((client: { clientName?: string }) => client.clientName) as string[],
    auditIds: async () => (await get('/api/audit?limit=500')).body.records.map((record: { id: number }) => record.id) as number[]
  }
}

async function browserTests (): Promise<void> {
  const friendly = await startOriginServer(t, () => '<!doctype html><title>a listed frontend</title>')
  const dataDir = await mkdtemp(join(tmpdir(), 'bff-browser-'))
  const server = await startServerProcess(t, {
    BFF_USERS_FILE: await testUsersFile(),
    FRONTEND_DIR: 'examples/console',
    CORS_ORIGINS: friendly.origin,
    AUDIT_STORE: `sqlite:${join(dataDir, 'audit.db')}`
  })
  const appUrl = server.url
  const attacker = await startOriginServer(t, path => attackerPage(appUrl, path))
  const browser = await launchChromium(t)
  // The victim: signed in to the console, then visiting the attacker's pages in the same browser.
  const victim = await browser.newContext()
  const page = await victim.newPage()
  const cspViolations: string[] = []
  page.on('console', message => { if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text()) })
  const createdName = `Browser-made client ${Date.now()}`

  await t.test('GET / ...should let the console sign in, list and create clients with fetch and the CSRF token', async t => {
    await page.goto(`${appUrl}/`)
    await page.fill('input[name=username]', 'editor')
    await page.fill('input[name=password]', PASSWORDS.editor)
    await page.click('#login-form button')
    const portal = page.locator(`tr[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`)
    await portal.waitFor()
    t.match(await portal.textContent(), /Acme Customer Portal/, 'a seeded client is listed')
    t.equal(await page.textContent('#username'), 'editor')

    await page.fill('input[name=clientName]', createdName)
    await page.fill('input[name=redirectUri]', 'https://browser.example/callback')
    await page.click('#create-form button')
    await page.locator('tr', { hasText: createdName }).waitFor()
    const clientId = (await page.textContent('#created-id'))!
    t.match(clientId, /^[0-9]+$/)
    await mkdir(join(SCREENSHOT, '..'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    // On stderr: every tap reporter shows it, where comments only reach the TAP stream.
    process.stderr.write(`console screenshot: ${SCREENSHOT}\n`)

    const admin = await adminApi(appUrl)
    const stored = await admin.get(`/api/clients/${clientId}`)
    t.equal(stored.status, 200, 'the upstream has the client')
    t.equal(stored.body.clientName, createdName)
    t.same(stored.body.redirectUris, ['https://browser.example/callback'])
    // The newest create: a create's intent is written before the client (and its ID) exists.
    const [record] = (await admin.get('/api/audit?action=client.create&limit=1')).body.records
    t.match(record, { action: 'client.create', actor: 'editor', via: 'session', outcome: 'success', status: 201 }, 'audited as the browser user')
  })

  await t.test('GET /clients/any ...should keep the session across a reload through the history fallback, without CSP violations', async t => {
    await page.goto(`${appUrl}/clients/any/deep/link`)
    await page.locator('tr', { hasText: createdName }).waitFor()
    t.equal(await page.textContent('#username'), 'editor', 'the CSRF token came back from GET /auth/session')
    t.same(cspViolations, [], 'the console runs under its own Content-Security-Policy')
  })

  await t.test('POST /api/clients ...should give a page on another origin nothing to read and nothing to change', async t => {
    const admin = await adminApi(appUrl)
    const namesBefore = await admin.clientNames()
    const auditBefore = await admin.auditIds()
    const evil = await victim.newPage()
    const served: string[] = []
    evil.on('response', response => { if (response.url().startsWith(appUrl)) served.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`) })
    await evil.goto(`${attacker.origin}/`)

    const attempts = await evil.evaluate(async (app) => {
      const outcome = async (attempt: () => Promise<Response>) => {
        try {
          const response = await attempt()
          return { type: response.type, status: response.status, body: await response.text() }
        } catch (error) {
          return { rejected: String(error) }
        }
      }
      const json = JSON.stringify({ clientName: 'evil-fetch' })
      return {
        readClients: await outcome(() => fetch(`${app}/api/clients`, { credentials: 'include' })),
        readSession: await outcome(() => fetch(`${app}/auth/session`, { credentials: 'include' })),
        readOpaque: await outcome(() => fetch(`${app}/api/clients`, { credentials: 'include', mode: 'no-cors' })),
        postJson: await outcome(() => fetch(`${app}/api/clients`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-csrf-token': 'guess' }, body: json })),
        postTextNoCors: await outcome(() => fetch(`${app}/api/clients`, { method: 'POST', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: json })),
        deleteClient: await outcome(() => fetch(`${app}/api/clients/26478243745571`, { method: 'DELETE', credentials: 'include' }))
      }
    }, appUrl)
    t.comment(`attacker saw: ${JSON.stringify(attempts)}`)
    for (const name of ['readClients', 'readSession', 'postJson', 'deleteClient'] as const) {
      t.match(attempts[name], { rejected: /TypeError/ }, `${name}: the fetch rejects`)
    }
    for (const name of ['readOpaque', 'postTextNoCors'] as const) {
      t.same(attempts[name], { type: 'opaque', status: 0, body: '' }, `${name}: an opaque answer with nothing in it`)
    }

    // From the same site (another port of 127.0.0.1) the SameSite=Lax cookie goes along and the missing
    // CSRF token stops the form; from another site (localhost) the cookie does not even go along.
    const formOrigins: Array<[string, number, string]> = [
      [attacker.origin, 403, 'the cookie went along, the CSRF token could not'],
      [`http://localhost:${attacker.port}`, 401, 'another site: the SameSite=Lax cookie stayed home']
    ]
    for (const [origin, status, why] of formOrigins) {
      for (const form of ['json-as-text', 'urlencoded']) {
        await evil.goto(`${origin}/`)
        const submit = evil.locator(`#${form}`).evaluate(element => { (element as unknown as { submit: () => void }).submit() })
        const [navigation] = await Promise.all([evil.waitForNavigation(), submit])
        t.equal(navigation?.status(), status, `form ${form} from ${origin}: refused (${why})`)
      }
    }

    await evil.goto(`${attacker.origin}/frame`)
    const framed = await evil.locator('#console').evaluate(frame => {
      try {
        return (frame as unknown as { contentDocument: object | null }).contentDocument === null ? 'no access' : 'readable'
      } catch (error) {
        return String(error)
      }
    })
    t.equal(framed, 'no access', 'the console cannot be read through a frame')
    const consoleFrame = evil.frames().find(frame => frame.url().startsWith(appUrl))
    t.equal(consoleFrame, undefined, 'nor framed at all (frame-ancestors none)')
    t.comment(`the app answered the attacker: ${served.join('; ')}`)

    t.same((await admin.clientNames()).filter(name => /evil/.test(name)), [], 'no client was created')
    t.equal((await admin.clientNames()).length, namesBefore.length)
    t.ok((await admin.get(`/api/clients/${SEEDED_CLIENT_IDS.portal}`)).status === 200, 'nothing was deleted')
    t.same(await admin.auditIds(), auditBefore, 'the audit trail has no new entry')
    await evil.close()
  })

  await t.test('GET /api/clients ...should let a page on a listed origin read and write with credentials', async t => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${friendly.origin}/`)
    const result = await page.evaluate(async ({ app, password }) => {
      const login = await fetch(`${app}/auth/login`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'editor', password }) })
      const { csrfToken } = await login.json() as { csrfToken: string }
      const list = await fetch(`${app}/api/clients?limit=100`, { credentials: 'include' })
      const page = await list.json() as { clients: Array<{ clientName: string }> }
      const created = await fetch(`${app}/api/clients`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ clientName: 'made by a listed origin' }) })
      return { login: login.status, list: list.status, requestId: list.headers.get('x-request-id'), names: page.clients.map(client => client.clientName), created: created.status, etag: created.headers.get('etag') }
    }, { app: appUrl, password: PASSWORDS.editor })
    t.equal(result.login, 200)
    t.equal(result.list, 200)
    t.ok(result.names.includes('Acme Customer Portal'), 'the answer is readable')
    t.match(result.requestId, /./, 'exposed headers are readable')
    t.equal(result.created, 201)
    t.match(result.etag, /./)
    t.ok((await (await adminApi(appUrl)).clientNames()).includes('made by a listed origin'))
    await context.close()
  })

  await t.test('POST /auth/logout ...should sign the console out with its CSRF token, the session ending server-side', async t => {
    await page.goto(`${appUrl}/`)
    await page.locator(`tr[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`).waitFor()
    await page.click('#logout')
    await page.locator('#login-form').waitFor()
    t.equal(await page.textContent('#status'), 'Signed out.')
    const status = await page.evaluate(async () => (await fetch('/api/clients')).status)
    t.equal(status, 401, 'the cookie no longer works')
  })
}
