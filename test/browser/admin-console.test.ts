import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { startServerProcess } from '../helpers/server-process.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'
import { CONSOLE_CSP } from '../../src/console/console-plugin.ts'
import { CREDENTIAL_PROPERTIES } from '../../src/clients/credential-properties.ts'
import { hashRegistrationToken } from '../../src/sandbox/client-store.ts'
import { TEAM_USERS, teamPassword, teamUsersFile } from '../teams/support.ts'
import { historyTabTests } from './history-tab.ts'

// What the functions run inside the page use: the Node type check has no DOM library.
declare const window: any, document: any, history: any, PopStateEvent: any
declare function dispatchEvent (event: unknown): boolean
declare function getComputedStyle (element: unknown): { outlineStyle: string, outlineWidth: string }

const CHROMIUM = '/usr/bin/chromium'
const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
// The README's screenshots: written to docs/ only when asked, so a test run leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : ARTIFACTS
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))
const FIRST_LOAD_BUDGET = 150 * 1024
const LOGIN_BUDGET = 6

type Role = keyof typeof PASSWORDS

t.setTimeout(600_000)

if (!existsSync(CHROMIUM)) {
  if (IN_CI) t.fail(`${CHROMIUM} is missing: the real-browser tests cannot run (apt-get install chromium)`)
  else t.test('the admin console in a real browser', { skip: `${CHROMIUM} is missing; install Debian's chromium to run the real-browser tests` }, async () => {})
} else {
  await consoleTests()
}

interface ApiCaller {
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number, body: any, headers: Headers }>
}

/** The API as a script sees it, signed in as one user: to set things up and check what the console did. */
async function apiAs (appUrl: string, username: string, password = PASSWORDS[username as Role]): Promise<ApiCaller> {
  const login = await fetch(`${appUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (login.status !== 200) throw new Error(`API login as ${username}: ${login.status}`)
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  const { csrfToken } = await login.json() as { csrfToken: string }
  return {
    call: async (method, path, body, headers = {}) => {
      const response = await fetch(`${appUrl}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
    }
  }
}

async function consoleTests (): Promise<void> {
  // The bundle as the sources are now (npm ci and npm start build it too).
  execFileSync(process.execPath, ['scripts/build-console.ts'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' })
  const dataDir = await mkdtemp(join(tmpdir(), 'bff-console-'))
  const server = await startServerProcess(t, {
    // As production advises: no /openapi.json, which the console must not need to create and edit clients.
    DOCS_ENABLED: 'false',
    BFF_USERS_FILE: await testUsersFile(),
    AUDIT_STORE: `sqlite:${join(dataDir, 'audit.db')}`,
    API_TOKEN_STORE: `sqlite:${join(dataDir, 'tokens.db')}`,
    RATE_LIMIT_READ: '100000/1m',
    RATE_LIMIT_WRITE: '100000/1m',
    RATE_LIMIT_SECRET: '100000/1m',
    RATE_LIMIT_LOGIN: `${LOGIN_BUDGET}/15m`
  })
  const appUrl = server.url
  const admin = await apiAs(appUrl, 'admin')
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close())
  await mkdir(ARTIFACTS, { recursive: true })
  const axeSource = await readFile(AXE, 'utf8')

  // Everything every page did, checked at the end: no CSP violation, nothing secret in a URL.
  const cspViolations: string[] = []
  const visitedUrls: string[] = []
  const pageErrors: string[] = []
  const contexts = new Map<string, { context: BrowserContext, page: Page }>()
  async function newPage (context: BrowserContext): Promise<Page> {
    const page = await context.newPage()
    page.on('console', message => { if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text()) })
    page.on('pageerror', error => { pageErrors.push(String(error)) })
    page.on('request', request => { visitedUrls.push(request.url()) })
    return page
  }
  /** One signed-in browser context per user (of the main server, or of `url`), reused by the tests. */
  async function pageAs (username: string, { url = appUrl, password = PASSWORDS[username as Role] } = {}): Promise<Page> {
    const key = `${username}@${url}`
    const existing = contexts.get(key)
    if (existing !== undefined) return existing.page
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await newPage(context)
    await page.goto(`${url}/`)
    await signIn(page, username, password)
    contexts.set(key, { context, page })
    return page
  }
  async function signIn (page: Page, username: string, password = PASSWORDS[username as Role]): Promise<void> {
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#username').filter({ hasText: username }).waitFor()
  }
  const accessibilityReports: string[] = []
  /** axe-core in the page: no serious or critical violation. */
  async function checkAccessibility (t: Test, page: Page, what: string): Promise<void> {
    await page.evaluate(axeSource)
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string, impact: string, help: string, nodes: Array<{ target: unknown }> }> }> } }).axe
      const result = await axe.run(document, { resultTypes: ['violations'] })
      return result.violations.map(violation => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 3).map(node => JSON.stringify(node.target)) }))
    })
    const serious = violations.filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    accessibilityReports.push(`${what}: ${violations.length} violation(s), ${serious.length} serious or critical`)
    t.same(serious, [], `${what}: no serious or critical accessibility violation`)
  }
  const goto = async (page: Page, path: string) => {
    await page.evaluate(to => { history.pushState(null, '', to); dispatchEvent(new PopStateEvent('popstate')) }, path)
  }

  await t.test('GET / ...should serve the console under the strict CSP, its first load at most 150 KB gzipped', async t => {
    const context = await browser.newContext()
    const page = await newPage(context)
    const loaded: Array<{ url: string, gzipped: number }> = []
    page.on('response', response => {
      loaded.push({ url: response.url(), gzipped: -1 })
      const entry = loaded.at(-1)!
      response.body().then(body => { entry.gzipped = gzipSync(body).length }, () => { entry.gzipped = 0 })
    })
    const answer = await page.goto(`${appUrl}/`)
    t.equal(answer?.headers()['content-security-policy'], CONSOLE_CSP)
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor()
    await page.waitForLoadState('networkidle')
    await waitUntil(() => loaded.every(entry => entry.gzipped >= 0))
    const total = loaded.reduce((sum, entry) => sum + entry.gzipped, 0)
    process.stderr.write(`console first load: ${loaded.length} answers, ${total} bytes gzipped (${loaded.map(entry => `${new URL(entry.url).pathname} ${entry.gzipped}`).join(', ')})\n`)
    t.ok(total <= FIRST_LOAD_BUDGET, `first load ${total} bytes gzipped <= ${FIRST_LOAD_BUDGET}`)
    t.ok(loaded.every(entry => entry.url.startsWith(appUrl)), 'everything comes from the proxy (no CDN)')
    await checkAccessibility(t, page, 'sign-in page')
    await context.close()
  })

  await t.test('GET /auth/login ...should offer "Sign in with SSO" when OIDC_ISSUER is set, returning to the page asked for', async t => {
    const oidcServer = await startServerProcess(t, {
      BFF_USERS_FILE: await testUsersFile(),
      AUDIT_STORE: `sqlite:${join(dataDir, 'oidc-audit.db')}`,
      API_TOKEN_STORE: 'memory',
      OIDC_ISSUER: 'http://127.0.0.1:9/',
      OIDC_CLIENT_ID: 'bff',
      OIDC_REDIRECT_URI: 'http://127.0.0.1/auth/callback'
    })
    const context = await browser.newContext()
    const page = await newPage(context)
    await page.goto(`${oidcServer.url}/clients/${SEEDED_CLIENT_IDS.portal}`)
    const sso = page.getByRole('link', { name: 'Sign in with SSO' })
    await sso.waitFor()
    t.equal(await sso.getAttribute('href'), `/auth/login?returnTo=${encodeURIComponent(`/clients/${SEEDED_CLIENT_IDS.portal}`)}`)
    await page.goto(`${appUrl}/`)
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor()
    await page.waitForLoadState('networkidle')
    t.equal(await sso.count(), 0, 'none without OIDC_ISSUER')
    await context.close()
  })

  await t.test('POST /auth/login ...should tell a wrong password from a rate-limited sign-in (with the wait), by keyboard alone', async t => {
    const context = await browser.newContext()
    const page = await newPage(context)
    await page.goto(`${appUrl}/`)
    await page.getByLabel('Username').waitFor()
    // Keyboard only: the username field first, then the password, Enter submits.
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username', 'Tab reaches the username field')
    await page.keyboard.type('nobody')
    await page.keyboard.press('Tab')
    await page.keyboard.type('not-the-password')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await alert.filter({ hasText: 'Wrong username or password' }).waitFor()
    t.notMatch(await page.textContent('main'), /session has ended/i, 'not mistaken for an ended session')
    for (let attempt = 1; attempt < LOGIN_BUDGET; attempt++) {
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
    }
    await page.getByRole('button', { name: 'Sign in' }).click()
    await alert.filter({ hasText: 'Too many sign-in attempts' }).waitFor()
    const text = (await alert.textContent())!
    t.match(text, /Wait \d+ (seconds|minutes) before trying again/, `the wait is given: ${text}`)
    t.match(text, /Too many login requests; retry in \d+ seconds/, "with the problem's detail")
    await context.close()
  })

  await t.test('GET / ...should be usable by keyboard alone: sign in, open a client from the list, lock and unlock it, every stop\'s focus visible', async t => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await newPage(context)
    const unseen: string[] = []
    /** Tab until the focused element matches; every stop on the way must show where the focus is. */
    const tabTo = async (selector: string, text?: string) => {
      for (let stop = 0; stop < 80; stop++) {
        const focused = await page.evaluate(({ selector, text }) => {
          const element = document.activeElement
          if (element === null || element === document.body || element.id === 'main') return { found: false, shown: true, what: 'the page' }
          const style = getComputedStyle(element)
          return {
            found: element.matches(selector) && (text === undefined || element.textContent.trim() === text),
            shown: element.matches(':focus-visible') && style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
            what: `${element.tagName.toLowerCase()} "${(element.textContent || element.getAttribute('name') || '').trim().slice(0, 40)}"`
          }
        }, { selector, text })
        if (!focused.shown) unseen.push(focused.what)
        if (focused.found) return
        await page.keyboard.press('Tab')
      }
      throw new Error(`Tab never reached ${selector} ${text ?? ''}`)
    }
    await page.goto(`${appUrl}/`)
    await page.getByLabel('Username').waitFor()
    await tabTo('input[name="username"]')
    await page.keyboard.type('editor')
    await tabTo('input[name="password"]')
    await page.keyboard.type(PASSWORDS.editor)
    await page.keyboard.press('Enter')
    await page.locator('#username').filter({ hasText: 'editor' }).waitFor()
    const row = page.locator(`tr[data-client-id="${SEEDED_CLIENT_IDS.mobile}"]`)
    await row.waitFor()
    await tabTo(`a[href="/clients/${SEEDED_CLIENT_IDS.mobile}"]`)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Acme Mobile' }).waitFor()
    await tabTo('button', 'Lock')
    await page.keyboard.press('Enter')
    await page.locator('.badge.locked').waitFor()
    t.equal((await admin.call('GET', `/api/clients/${SEEDED_CLIENT_IDS.mobile}`)).body.locked, true, 'locked by keyboard')
    await tabTo('button', 'Unlock')
    await page.keyboard.press('Enter')
    // Unlocking asks first, the safe choice focused: Tab to the dialog's Unlock.
    await page.getByRole('alertdialog').waitFor()
    await tabTo('dialog button', 'Unlock')
    await page.keyboard.press('Enter')
    await page.locator('.badge.locked').waitFor({ state: 'detached' })
    t.equal((await admin.call('GET', `/api/clients/${SEEDED_CLIENT_IDS.mobile}`)).body.locked, false, 'unlocked by keyboard')
    t.same(unseen, [], 'the focus is visible at every stop (:focus-visible outline)')
    await context.close()
  })

  await t.test('GET /api/clients ...should page past 100 clients, filter by developer and jump to a client by alias', async t => {
    for (let index = 1; index <= 105; index++) {
      const created = await admin.call('POST', '/api/clients', { clientName: `Paged client ${String(index).padStart(3, '0')}`, developer: 'paging-team' })
      if (created.status !== 201) throw new Error(`create: ${created.status}`)
    }
    const page = await pageAs('editor')
    await goto(page, '/clients')
    await page.getByLabel('Developer').fill('paging-team')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByLabel('Per page').selectOption('100')
    const rows = page.locator('table.clients tbody tr')
    await page.getByText('1–100 of 105').waitFor()
    // The summary can show before the rows are drawn: wait for the last row, then count.
    await rows.nth(99).waitFor()
    t.equal(await rows.count(), 100, 'a page of 100')
    t.match(page.url(), /developer=paging-team/, 'the filter is in the address (no secret there)')
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByText('101–105 of 105').waitFor()
    await rows.nth(4).waitFor()
    await rows.nth(5).waitFor({ state: 'detached' })
    t.equal(await rows.count(), 5, 'the last 5 on the second page')
    t.match(await rows.first().textContent(), /Paged client/)
    t.ok(await page.getByRole('button', { name: 'Next' }).isDisabled(), 'no page after the last')
    await page.getByRole('button', { name: 'Previous' }).click()
    await page.getByText('1–100 of 105').waitFor()
    await page.getByRole('button', { name: 'Clear' }).click()
    await page.getByLabel('Client ID or alias').fill('portal')
    await page.getByRole('button', { name: 'Open' }).click()
    await page.getByRole('heading', { name: 'Acme Customer Portal' }).waitFor()
    t.match(page.url(), new RegExp(`/clients/${SEEDED_CLIENT_IDS.portal}$`))
    await page.getByLabel('Client ID or alias').waitFor({ state: 'detached' })
  })

  await t.test('GET /clients ...should show the list, loading and empty states, at desktop and at 390 px, accessibly', async t => {
    const page = await pageAs('editor')
    await goto(page, '/clients?developer=nobody-has-this')
    await page.getByText('No client has the developer "nobody-has-this"').waitFor()
    await goto(page, '/clients')
    await page.locator(`tr[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`).waitFor()
    await checkAccessibility(t, page, 'clients list')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-clients.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await checkAccessibility(t, page, 'clients list at 390 px')
    await page.screenshot({ path: join(ARTIFACTS, 'console-clients-390.png'), fullPage: false })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('GET /clients/:clientId ...should show every property grouped, and the raw JSON', async t => {
    const page = await pageAs('editor')
    await goto(page, `/clients/${SEEDED_CLIENT_IDS.portal}`)
    await page.getByRole('heading', { name: 'Acme Customer Portal' }).waitFor()
    for (const group of ['General', 'URIs', 'Grants and tokens', 'Credentials', 'Advanced']) {
      t.ok(await page.getByRole('heading', { name: group, exact: true }).isVisible(), `group ${group}`)
    }
    const client = (await admin.call('GET', `/api/clients/${SEEDED_CLIENT_IDS.portal}`)).body as Record<string, unknown>
    const writable = Object.keys((await admin.call('GET', '/console-client-schema.json')).body.properties)
    const shown = await page.locator('dd[data-property]:not(dd dd)').evaluateAll(nodes => nodes.map(node => node.getAttribute('data-property')))
    t.same(shown.sort(), [...new Set([...Object.keys(client), ...writable])].filter(name => name !== 'clientSecret').sort(), 'every property the API answers an editor is shown, and every writable one it lacks')
    await page.getByText('Raw JSON').click()
    const raw = JSON.parse((await page.locator('details.raw pre').textContent())!)
    t.equal(String(raw.clientId), SEEDED_CLIENT_IDS.portal)
    await checkAccessibility(t, page, 'client page')
    await page.getByText('Raw JSON').click()
    await page.evaluate(() => { window.scrollTo(0, 0) })
    await page.screenshot({ path: join(SCREENSHOTS, 'console-client.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('PATCH /api/clients/:clientId ...should save a merge patch with If-Match and show validation problems at their fields', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Edit me', description: 'before' })
    const page = await pageAs('editor')
    const patches: Array<{ contentType: string | undefined, ifMatch: string | undefined, body: unknown }> = []
    page.on('request', request => {
      if (request.method() === 'PATCH') patches.push({ contentType: request.headers()['content-type'], ifMatch: request.headers()['if-match'], body: request.postDataJSON() })
    })
    await goto(page, `/clients/${created.clientId}/edit`)
    await page.getByLabel('Client ID alias', { exact: true }).fill('not an alias!')
    await page.getByRole('button', { name: 'Save changes' }).click()
    const fieldError = page.locator('.field-error').filter({ hasText: /Client ID alias/ })
    await fieldError.waitFor()
    t.match(await fieldError.textContent(), /pattern/, 'the server\'s message, at the field')
    t.equal(await page.getByLabel('Client ID alias', { exact: true }).getAttribute('aria-invalid'), 'true')
    t.match(await page.getByRole('alert').first().textContent(), /Could not save the client: Invalid request body: \/body\/clientIdAlias/, "the problem's detail in a sentence")
    await checkAccessibility(t, page, 'edit form with a field error')
    await page.getByLabel('Client ID alias', { exact: true }).fill(`edited-${created.clientId}`)
    await page.getByLabel('Client name', { exact: true }).fill('Edited in the console')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText(/^Saved: /).waitFor()
    const saved = patches.at(-1)!
    t.equal(saved.contentType, 'application/merge-patch+json')
    t.match(saved.ifMatch, /./, 'If-Match sent')
    t.same(saved.body, { clientName: 'Edited in the console', clientIdAlias: `edited-${created.clientId}` }, 'only what changed')
    const stored = (await admin.call('GET', `/api/clients/${created.clientId}`)).body
    t.equal(stored.clientName, 'Edited in the console')
    t.equal(stored.description, 'before', 'the rest kept')
  })

  await t.test('PATCH /api/clients/:clientId ...should show a 412 conflict made by a second session, what changed, and offer to reload', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Contended', description: 'original' })
    const page = await pageAs('editor')
    await goto(page, `/clients/${created.clientId}/edit`)
    await page.getByLabel('Description', { exact: true }).fill('the editor\'s description')
    // Meanwhile, another session changes the client.
    const other = await admin.call('PATCH', `/api/clients/${created.clientId}`, { clientName: 'Renamed meanwhile' })
    t.equal(other.status, 200)
    await page.getByRole('button', { name: 'Save changes' }).click()
    const conflict = page.locator('.conflict')
    await conflict.waitFor()
    t.match(await conflict.textContent(), /Someone else changed this client/)
    t.match(await conflict.textContent(), /Client name: Contended → Renamed meanwhile/)
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.description, 'original', 'nothing overwritten')
    await page.getByRole('button', { name: /Reload the client/ }).click()
    await waitUntil(async () => await page.getByLabel('Client name', { exact: true }).inputValue() === 'Renamed meanwhile')
    t.pass('the form shows the current client')
  })

  await t.test('POST /api/clients ...should create a client from each preset, a confidential one\'s secret shown once', async t => {
    const expected: Record<string, { grantTypes: string[], tokenAuthMethod: string, clientType: string }> = {
      'Web app': { grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], tokenAuthMethod: 'CLIENT_SECRET_BASIC', clientType: 'CONFIDENTIAL' },
      'Single-page app': { grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], tokenAuthMethod: 'NONE', clientType: 'PUBLIC' },
      'Native app': { grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], tokenAuthMethod: 'NONE', clientType: 'PUBLIC' },
      'Machine to machine': { grantTypes: ['CLIENT_CREDENTIALS'], tokenAuthMethod: 'CLIENT_SECRET_BASIC', clientType: 'CONFIDENTIAL' }
    }
    // An admin: the presets set credential properties (clientType, tokenAuthMethod), which only admins may set.
    const page = await pageAs('admin')
    for (const [preset, values] of Object.entries(expected)) {
      await goto(page, '/clients')
      await page.getByRole('link', { name: 'New client' }).click()
      await page.getByRole('radio', { name: new RegExp(`^${preset}`) }).check()
      await page.getByLabel('Client name', { exact: true }).fill(`${preset} from the console`)
      if (preset !== 'Machine to machine') await page.getByLabel('Redirect URIs', { exact: true }).fill('https://app.example/callback')
      if (preset === 'Web app') await checkAccessibility(t, page, 'create form')
      await page.getByRole('button', { name: 'Create the client' }).click()
      await page.getByRole('heading', { name: 'Client created' }).waitFor()
      const clientId = (await page.textContent('#created-id'))!
      const stored = (await admin.call('GET', `/api/clients/${clientId}`)).body
      t.match(stored, { clientName: `${preset} from the console`, ...values }, `${preset}: grant types, auth method and type from the preset`)
      if (values.clientType === 'CONFIDENTIAL') {
        const secret = page.getByTestId('secret-value')
        t.notMatch(await secret.textContent(), stored.clientSecret, `${preset}: the secret is hidden until revealed`)
        await page.getByRole('group', { name: 'Client secret' }).getByRole('button', { name: 'Reveal' }).click()
        t.equal(await secret.textContent(), stored.clientSecret, `${preset}: revealed, it is the client's secret`)
      } else {
        t.equal(await page.getByTestId('secret-value').count(), 0, `${preset}: a public client shows no secret`)
      }
    }
  })

  await t.test('POST /api/clients ...should let an editor create from a preset, sending of the credential properties only the type and authentication method (the others locked, with the reason)', async t => {
    const page = await pageAs('editor')
    const posted: Array<Record<string, unknown>> = []
    page.on('request', request => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/clients') posted.push(request.postDataJSON())
    })
    await goto(page, '/clients/new')
    await page.getByRole('radio', { name: /^Web app/ }).check()
    t.equal(await page.getByText(/^Left to an admin: /).count(), 0, 'the preset leaves nothing to an admin')
    // On create an editor chooses the type and authentication method (issue 23): the policy judges the values.
    const chosenOnCreate = ['clientType', 'tokenAuthMethod']
    const clientInput = (await admin.call('GET', '/console-client-schema.json')).body
    const credentialInputs = Object.keys(clientInput.properties).filter(name => CREDENTIAL_PROPERTIES.includes(name) && !chosenOnCreate.includes(name))
    const locked = await page.locator('#client-form [name]:disabled').evaluateAll(nodes => [...new Set(nodes.map(node => node.getAttribute('name')))])
    t.same(locked.sort(), credentialInputs.sort(), 'exactly the server\'s credential properties are locked')
    const reason = await page.locator('#client-form [name="tokenAuthSignAlg"]').evaluate(element => (element.getAttribute('aria-describedby') ?? '').split(' ').map((id: string) => document.getElementById(id)?.textContent).join(' '))
    t.match(reason, /Admins only.*Needs the admin role; you have editor/, 'the reason, linked to the control')
    await page.getByLabel('Client name', { exact: true }).fill('Editor-made web app')
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://editor.example/callback')
    await page.getByRole('button', { name: 'Create the client' }).click()
    await page.getByRole('heading', { name: 'Client created' }).waitFor()
    t.same(Object.keys(posted.at(-1)!).filter(name => CREDENTIAL_PROPERTIES.includes(name)).sort(), chosenOnCreate, 'of the credential properties, only the type and authentication method sent')
    const stored = (await admin.call('GET', `/api/clients/${(await page.textContent('#created-id'))!}`)).body
    t.match(stored, { clientName: 'Editor-made web app', clientType: 'CONFIDENTIAL', tokenAuthMethod: 'CLIENT_SECRET_BASIC', applicationType: 'WEB', grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'], responseTypes: ['CODE'] }, 'the whole preset applied')
    await checkAccessibility(t, page, 'client created by an editor')
  })

  await t.test('PUT /api/clients/:clientIdentifier/lock ...should lock and unlock from the client page', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Lock me' })
    const page = await pageAs('editor')
    await goto(page, `/clients/${created.clientId}`)
    // By keyboard: from the Edit link, Tab reaches Lock, Enter presses it.
    await page.getByRole('link', { name: 'Edit', exact: true }).focus()
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Lock', 'Lock is the next stop')
    await page.keyboard.press('Enter')
    await page.locator('.badge.locked').waitFor()
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.locked, true)
    await page.getByRole('button', { name: 'Unlock', exact: true }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Unlock' }).click()
    await page.locator('.badge.locked').waitFor({ state: 'detached' })
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.locked, false)
  })

  await t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should show the new secret once, hidden until revealed', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Refresh me', clientType: 'CONFIDENTIAL' })
    const page = await pageAs('admin')
    await goto(page, `/clients/${created.clientId}`)
    await page.getByRole('button', { name: 'Refresh secret' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Refresh the secret' }).click()
    const secret = page.getByTestId('secret-value')
    await secret.waitFor()
    t.match(await secret.textContent(), /^•+$/, 'hidden at first')
    await page.getByRole('group', { name: 'New client secret' }).getByRole('button', { name: 'Reveal' }).click()
    const shown = (await secret.textContent())!
    const stored = (await admin.call('GET', `/api/clients/${created.clientId}`)).body
    t.equal(shown, stored.clientSecret, 'the new secret')
    t.not(shown, created.clientSecret, 'not the old one')
    await checkAccessibility(t, page, 'client page with a new secret')
    await page.reload()
    await page.getByRole('heading', { name: 'Refresh me' }).waitFor()
    t.equal(await page.getByTestId('secret-value').count(), 0, 'gone after a reload: shown once')
    t.same(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], 'nothing in web storage')
    t.notOk(visitedUrls.some(url => url.includes(shown)), 'the secret never was in a URL')
  })

  await t.test('PUT /api/clients/:clientIdentifier/secret ...should set a secret the admin chose', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Set my secret', clientType: 'CONFIDENTIAL' })
    const page = await pageAs('admin')
    await goto(page, `/clients/${created.clientId}`)
    await page.getByRole('button', { name: 'Set secret…' }).click()
    await page.getByLabel('New secret').fill('chosen-secret_0123456789abcdefghij')
    await page.getByRole('button', { name: 'Set the secret' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Replace the secret' }).click()
    await page.getByText('The secret was set').waitFor()
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.clientSecret, 'chosen-secret_0123456789abcdefghij')
  })

  await t.test('DELETE /api/clients/:clientId ...should delete only once the client\'s name is typed', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Delete me' })
    const page = await pageAs('admin')
    await goto(page, `/clients/${created.clientId}`)
    await page.getByRole('button', { name: 'Delete…' }).click()
    const confirm = page.getByRole('button', { name: 'Delete this client' })
    t.ok(await confirm.isDisabled(), 'disabled before the name is typed')
    await page.getByLabel(/Type the client's name/).fill('Delete m')
    t.ok(await confirm.isDisabled(), 'disabled for a near miss')
    await checkAccessibility(t, page, 'delete confirmation')
    await page.getByLabel(/Type the client's name/).fill('Delete me')
    await confirm.click()
    await page.getByText(`Deleted the client Delete me (${created.clientId})`).waitFor()
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).status, 404)
  })

  // Issue 26: dangerous actions ask first, settings explain themselves, end users from a client, upstream failures.
  /** The focused element: its text, and whether it sits in the confirmation dialog. */
  const focused = async (page: Page) => await page.evaluate(() => ({ text: (document.activeElement?.textContent ?? '').trim(), inDialog: document.activeElement?.closest('dialog') !== null && document.activeElement?.closest('dialog') !== undefined }))
  /** The text an element's aria-describedby points to. */
  const describedBy = async (locator: ReturnType<Page['locator']>) => await locator.evaluate(element => (element.getAttribute('aria-describedby') ?? '').split(' ').map((id: string) => document.getElementById(id)?.textContent ?? '').join(' '))

  await t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should ask first, naming the client and what happens to the old secret, Cancel focused, the focus back on the button after cancel and after confirm', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Rotate me', clientType: 'CONFIDENTIAL' })
    const page = await pageAs('admin')
    await goto(page, `/clients/${created.clientId}`)
    const trigger = page.locator('.actions').getByRole('button', { name: 'Refresh secret', exact: true })
    await trigger.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('alertdialog', { name: 'Refresh the secret of Rotate me?' })
    await dialog.waitFor()
    await waitUntil(async () => (await focused(page)).inDialog)
    t.equal(await describedBy(dialog), 'Authlete replaces the secret at once: applications of Rotate me still sending the old one are refused until they are given the new one, shown here once.', 'the consequence in one sentence, as the dialog\'s description')
    t.same(await focused(page), { text: 'Cancel', inDialog: true }, 'the safe choice is focused')
    await checkAccessibility(t, page, 'secret refresh confirmation')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-confirm.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'the dialog fits 390 px')
    await page.screenshot({ path: join(ARTIFACTS, 'console-confirm-390.png') })
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    t.same(await focused(page), { text: 'Refresh secret', inDialog: false }, 'Escape cancels, the focus back on the trigger')
    await page.keyboard.press('Enter')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    t.same(await focused(page), { text: 'Refresh secret', inDialog: false }, 'Cancel: the focus back on the trigger')
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.clientSecret, created.clientSecret, 'nothing refreshed')
    await page.keyboard.press('Enter')
    await waitUntil(async () => (await focused(page)).inDialog)
    await page.keyboard.press('Tab')
    t.same(await focused(page), { text: 'Refresh the secret', inDialog: true }, 'Tab reaches the action')
    await page.keyboard.press('Enter')
    await page.getByTestId('secret-value').waitFor()
    await waitUntil(async () => (await focused(page)).text === 'Refresh secret')
    t.pass('after the refresh, the focus back on the trigger')
    t.not((await admin.call('GET', `/api/clients/${created.clientId}`)).body.clientSecret, created.clientSecret, 'refreshed once confirmed')
  })

  await t.test('PUT /api/clients/:clientIdentifier/lock ...should lock at once but ask before unlocking, naming the client', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Unlock me' })
    const page = await pageAs('editor')
    await goto(page, `/clients/${created.clientId}`)
    await page.locator('.actions').getByRole('button', { name: 'Lock', exact: true }).click()
    await page.locator('.badge.locked').waitFor()
    t.equal(await page.getByRole('alertdialog').count(), 0, 'locking asks nothing')
    await page.locator('.actions').getByRole('button', { name: 'Unlock', exact: true }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Unlock Unlock me?' })
    t.match(await describedBy(dialog), /^Unlock me can get tokens again the moment it is unlocked/)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    t.equal((await admin.call('GET', `/api/clients/${created.clientId}`)).body.locked, true, 'still locked after Escape')
  })

  await t.test('GET /clients/:clientId/edit ...should group the form into five sections, every field with its description from the API\'s schema beside it', async t => {
    const page = await pageAs('editor')
    await goto(page, `/clients/${SEEDED_CLIENT_IDS.portal}/edit`)
    await page.locator('#client-form').waitFor()
    const sections = await page.locator('#client-form details.section').evaluateAll(nodes => nodes.map(node => [node.querySelector('summary').firstChild.textContent.trim(), node.open]))
    t.same(sections, [['General', true], ['URIs', true], ['Grants and tokens', true], ['Credentials', false], ['Advanced', false]], 'the sections, the first three open')
    const schema = (await admin.call('GET', '/console-client-schema.json')).body as { properties: Record<string, { description: string, properties?: Record<string, { description: string }> }> }
    const fields = Object.entries(schema.properties).flatMap(([name, property]) => property.properties === undefined ? [[name, property.description]] : Object.entries(property.properties).map(([inner, child]) => [`${name}.${inner}`, child.description]))
    const missing: string[] = []
    for (const [name, description] of fields) {
      const control = page.locator(`#client-form [data-field="${name}"], #client-form [name="${name}"]:not([type="checkbox"][value])`).first()
      if (!(await describedBy(control)).includes(description!)) missing.push(name!)
    }
    t.same(missing, [], `each of ${fields.length} fields has its description linked`)
    t.match(await describedBy(page.getByLabel('PKCE required', { exact: true })), /PKCE code challenge.*Authlete's default: false\./)
    t.match(await describedBy(page.getByLabel('Access token duration', { exact: true })), /in seconds/)
    await checkAccessibility(t, page, 'edit form in sections')
    await page.locator('#client-form details.section').nth(2).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ARTIFACTS, 'console-form-sections.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await page.screenshot({ path: join(ARTIFACTS, 'console-form-sections-390.png') })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('GET /clients/:clientId ...should show an unset property as "not set (default …)" and durations with their unit', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Durations', extension: { accessTokenDuration: 3600, refreshTokenDuration: 5400 } })
    const page = await pageAs('editor')
    await goto(page, `/clients/${created.clientId}`)
    await page.getByRole('heading', { name: 'Durations' }).waitFor()
    const shown = async (name: string) => (await page.locator(`dd[data-property="${name}"]`).textContent())!.trim()
    t.equal(await shown('extension.accessTokenDuration'), '3600 s (1 hour)')
    t.equal(await shown('extension.refreshTokenDuration'), '5400 s (1 hour 30 minutes)')
    t.equal(await shown('extension.idTokenDuration'), 'not set (default 0 s)')
    t.equal(await shown('pkceRequired'), 'not set (default No)')
    t.equal(await shown('requestSignAlg'), 'not set', 'no default named: not set alone')
    await checkAccessibility(t, page, 'client page with unset properties')
    await page.locator('dd[data-property="extension.accessTokenDuration"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(ARTIFACTS, 'console-client-defaults.png') })
  })

  await t.test('GET /end-users?clientId= ...should say Authlete cannot list a client\'s end users and offer the subjects of its audit records to an admin, the sentence alone to an editor', async t => {
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Audited app' })
    for (const path of [`/api/clients/${created.clientId}/granted-scopes/alice`, `/api/clients/${created.clientId}/authorizations/bob`, `/api/clients/${created.clientId}/authorizations/alice`]) {
      t.equal((await admin.call('DELETE', path)).status, 200, `DELETE ${path}`)
    }
    const page = await pageAs('admin')
    await goto(page, `/clients/${created.clientId}`)
    await page.locator('.actions').getByRole('link', { name: 'End users' }).click()
    const panel = page.locator('section[aria-labelledby="client-subjects-title"]')
    await panel.getByText('Authlete keeps no list of the end users who authorized a client, so look one up by subject, or pick one seen in this client\'s audit records.').waitFor()
    const suggestions = panel.getByRole('list', { name: 'Subjects seen in the audit records of Audited app' }).getByRole('link')
    t.same((await suggestions.allTextContents()).sort(), ['alice', 'bob'], 'each subject once')
    await checkAccessibility(t, page, 'end users of a client')
    await page.screenshot({ path: join(ARTIFACTS, 'console-end-users-suggestions.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await page.setViewportSize({ width: 1280, height: 900 })
    await suggestions.filter({ hasText: 'alice' }).click()
    await page.getByRole('heading', { name: 'Clients alice authorized' }).waitFor()
    t.match(page.url(), new RegExp(`/end-users\\?clientId=${created.clientId}&subject=alice$`))
    t.equal(await page.getByLabel('Subject', { exact: true }).inputValue(), 'alice', 'the lookup filled in')
    const editor = await pageAs('editor')
    await goto(editor, `/end-users?clientId=${created.clientId}`)
    const told = editor.locator('section[aria-labelledby="client-subjects-title"]')
    await told.getByText('Authlete keeps no list of the end users who authorized a client, so look one up by subject.').waitFor()
    t.match(await told.locator('.reason').textContent(), /^Suggestions come from the audit trail, which only admins can read: Needs the admin role; you have editor\.$/)
    t.equal(await told.getByRole('link', { name: 'alice' }).count(), 0, 'no suggestion for an editor')
  })

  await t.test('GET /clients/:clientId ...should say in plain words when Authlete failed or the proxy\'s circuit is open, and offer Retry', async t => {
    const fault = await startFaultUpstream(t)
    const broken = (_request: IncomingMessage, response: ServerResponse) => { json(response, 500, { resultCode: 'A001101', resultMessage: 'Authlete is having a bad day' }) }
    fault.answer(broken)
    const cooldownMs = 2000
    const server = await startServerProcess(t, {
      BFF_USERS_FILE: await testUsersFile(),
      AUDIT_STORE: `sqlite:${join(dataDir, 'fault-audit.db')}`,
      API_TOKEN_STORE: 'memory',
      AUTHLETE_BASE_URL: fault.url,
      AUTHLETE_SERVICE_ID: '9',
      AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-console',
      AUTHLETE_RETRIES: '0',
      // The client page reads the client and its compliance: two faults; the Retry below is the third.
      AUTHLETE_CIRCUIT_THRESHOLD: '3',
      AUTHLETE_CIRCUIT_COOLDOWN_MS: String(cooldownMs)
    })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await newPage(context)
    await page.goto(`${server.url}/clients/1234`)
    await signIn(page, 'editor')
    const alert = page.getByRole('alert')
    await alert.filter({ hasText: 'Could not load the client: Authlete failed: it answered with an error of its own. (BFF_UPSTREAM_FAILED' }).waitFor()
    await checkAccessibility(t, page, 'upstream failure')
    await page.screenshot({ path: join(ARTIFACTS, 'console-upstream-failed.png') })
    // The third failure opens the circuit: the next call is held back by the proxy.
    const retry = alert.getByRole('button', { name: 'Retry' })
    // The alert already says BFF_UPSTREAM_FAILED: wait for the Retry's own call to reach Authlete, then
    // for its answer on the page, before counting (counting at once raced that call).
    const before = fault.requests.length
    await retry.click()
    await waitUntil(async () => fault.requests.length > before)
    await alert.filter({ hasText: 'BFF_UPSTREAM_FAILED' }).waitFor()
    const calls = fault.requests.length
    await retry.click()
    await alert.filter({ hasText: /^Could not load the client: The proxy is holding back calls to Authlete: its circuit breaker opened after Authlete failed several times in a row, so nothing was sent to Authlete\. Try again in \d+ s\. \(BFF_UPSTREAM_CIRCUIT_OPEN/ }).waitFor()
    t.equal(fault.requests.length, calls, 'nothing reached Authlete while the circuit is open')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'the focus waits on the page\'s content, not the document')
    await page.screenshot({ path: join(ARTIFACTS, 'console-upstream-circuit-open.png') })
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await page.setViewportSize({ width: 1280, height: 900 })
    fault.answer((_request, response) => { json(response, 200, { clientId: 1234, clientName: 'Back again' }) })
    // Retry until the cooldown has passed and the proxy tries Authlete again.
    await waitUntil(async () => {
      if (await page.getByRole('heading', { name: 'Back again' }).count() > 0) return true
      if (await retry.count() > 0) await retry.click()
      return false
    }, cooldownMs * 10)
    t.pass('Retry loads the client once Authlete answers')
    await context.close()
  })

  await t.test('GET /api/subjects/:subject/clients ...should show an end user\'s authorizations and change, revoke and forget them', async t => {
    const page = await pageAs('editor')
    await goto(page, '/end-users')
    await page.getByLabel('Subject').fill('john')
    await page.getByRole('button', { name: 'Look up' }).click()
    const portal = page.locator(`li.card[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`)
    const mobile = page.locator(`li.card[data-client-id="${SEEDED_CLIENT_IDS.mobile}"]`)
    await portal.waitFor()
    await mobile.getByText('openid profile offline_access').first().waitFor()
    t.match(await portal.textContent(), /openid profile/, 'granted scopes shown')
    await checkAccessibility(t, page, 'end users')
    await mobile.getByRole('button', { name: 'Change token scopes…' }).click()
    await mobile.getByLabel('Scopes of the tokens').fill('openid')
    await mobile.getByRole('button', { name: 'Change the scopes' }).click()
    await page.getByText(/^Change the token scopes: /).waitFor()
    await page.locator(`li.card[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`).getByRole('button', { name: 'Forget granted scopes' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Forget the scopes' }).click()
    await page.getByText(/^Forget the granted scopes: /).waitFor()
    const granted = (await admin.call('GET', `/api/clients/${SEEDED_CLIENT_IDS.portal}/granted-scopes/john`)).body
    t.notOk(granted.latestGrantedScopes?.length > 0, 'the portal\'s granted scopes are forgotten')
    await page.locator(`li.card[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`).getByRole('button', { name: 'Revoke tokens' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke the tokens' }).click()
    await page.getByText(/^Revoke the tokens: /).waitFor()
    await waitUntil(async () => await page.locator(`li.card[data-client-id="${SEEDED_CLIENT_IDS.portal}"]`).count() === 0)
    t.pass('the portal no longer listed as authorized')
  })

  await t.test('PUT /api/clients/:clientId/registration ...should update a registration with its access token, used in that one request and kept nowhere', async t => {
    const token = randomBytes(32).toString('base64url')
    // With PKCE, so that the policy (issue 23) has nothing to refuse in the update: this test is about the token.
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'Registered app', pkceRequired: true, pkceS256Required: true, registrationAccessTokenHash: hashRegistrationToken(token) })
    const page = await pageAs('editor')
    const carrying: string[] = []
    page.on('request', request => { if ((request.postData() ?? '').includes(token)) carrying.push(`${request.method()} ${new URL(request.url()).pathname}`) })
    await goto(page, '/registration')
    const form = page.getByRole('form', { name: 'Update a dynamically registered client' })
    await form.getByLabel('Client ID').fill(String(created.clientId))
    await form.getByLabel('Registration access token').fill('not-the-token')
    await form.getByLabel('Client metadata (JSON)').fill('{"client_name": "Hijacked"}')
    await form.getByRole('button', { name: 'Update the registration' }).click()
    await page.getByRole('alert').filter({ hasText: /^Could not update the registration: The registration access token is invalid/ }).waitFor()
    t.equal(await form.getByLabel('Registration access token').inputValue(), '', 'a wrong token is cleared too')
    await form.getByLabel('Registration access token').fill(token)
    await form.getByLabel('Client metadata (JSON)').fill('{"client_name": "Renamed by RFC 7592", "contacts": ["ops@registered.example"]}')
    await checkAccessibility(t, page, 'registration form')
    await form.getByRole('button', { name: 'Update the registration' }).click()
    await page.getByText('The registration was updated.').waitFor()
    t.match(await page.locator('pre').textContent(), /"client_name": "Renamed by RFC 7592"/, 'the answer shown')
    t.match((await admin.call('GET', `/api/clients/${created.clientId}`)).body, { clientName: 'Renamed by RFC 7592', contacts: ['ops@registered.example'] }, 'the client changed')
    t.equal(await form.getByLabel('Registration access token').inputValue(), '', 'the token field is cleared')
    t.same(carrying, [`PUT /api/clients/${created.clientId}/registration`], 'the token went into that one request only')
    t.notOk((await page.content()).includes(token), 'the token is nowhere in the page')
    t.same(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], 'nothing in web storage')
    t.notOk(visitedUrls.some(url => url.includes(token)), 'the token never was in a URL')
  })

  await t.test('GET /api/audit ...should filter the audit trail, show a record and verify the chain', async t => {
    const page = await pageAs('admin')
    await goto(page, '/audit')
    await page.getByLabel('Action').selectOption('client.lock')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/action=client.lock/)
    const rows = page.locator('tr[data-audit-id]')
    await rows.first().waitFor()
    const actions = await rows.locator('td[data-label="Action"] code.action-name').allTextContents()
    t.ok(actions.length >= 2 && actions.every(action => action === 'client.lock'), `only client.lock records: ${actions.join(', ')}`)
    // What each record did, in words (src/console/app/audit-words.ts), above its action's name.
    const sentences = await rows.locator('td[data-label="Action"]').allTextContents()
    t.ok(sentences.every(sentence => /^(admin|editor) locked client \d+client\.lock$/.test(sentence)), `said in words: ${sentences.join(' | ')}`)
    // The rows of the filter navigated to: the previous filter's stay until the new page is loaded.
    const actionCell = (action: string) => rows.locator('td[data-label="Action"]').filter({ has: page.locator('code.action-name', { hasText: new RegExp(`^${action.replaceAll('.', '\\.')}$`) }) }).first()
    await goto(page, '/audit?action=client.unlock')
    t.match(await actionCell('client.unlock').textContent(), /^(admin|editor) unlocked client \d+client\.unlock$/, 'an unlock is an unlock')
    await goto(page, '/audit?action=auth.login&actor=admin')
    t.match(await actionCell('auth.login').textContent(), /^admin signed in \(local\) from 127\.0\.0\.1auth\.login$/, 'a sign-in, with its source and address')
    await page.screenshot({ path: join(ARTIFACTS, 'console-audit-words.png'), fullPage: true })
    await goto(page, '/audit?action=client.lock')
    await actionCell('client.lock').waitFor()
    // Usernames are unique within a source: the local editor's records are not an OIDC editor's.
    await page.getByLabel('Actor', { exact: true }).fill('editor')
    await page.getByLabel('Actor\'s source').selectOption('oidc')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/actor=editor&source=oidc/)
    await page.getByText('No audit record matches.').waitFor()
    await page.getByLabel('Actor\'s source').selectOption('local')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/source=local/)
    await rows.first().waitFor()
    const actors = await rows.locator('td[data-label="Actor"]').allTextContents()
    t.ok(actors.length >= 1 && actors.every(actor => actor === 'editor'), `the local editor's records: ${actors.join(', ')}`)
    await rows.first().getByRole('button', { name: /Show/ }).click()
    t.match(await page.locator('tr.details pre').textContent(), /"actor": "editor"/)
    await page.getByRole('button', { name: 'Verify the chain' }).click()
    await page.getByText(/The chain is intact: \d+ entries checked/).waitFor()
    await checkAccessibility(t, page, 'audit trail')
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export NDJSON' }).click()
    const lines = (await readFile((await (await download).path())!, 'utf8')).trim().split('\n').map(line => JSON.parse(line) as { action: string })
    t.ok(lines.length >= 2 && lines.every(line => line.action === 'client.lock'), 'the export has the filtered records')
  })

  await t.test('GET /api/audit ...should page to older records by cursor, no record repeated or missing', async t => {
    const filter = '?action=client.create&actor=admin'
    const expected: number[] = []
    for (let cursor: number | null | undefined; cursor !== null;) {
      const { body } = await admin.call('GET', `/api/audit${filter}&limit=500${cursor === undefined ? '' : `&cursor=${cursor}`}`)
      expected.push(...body.records.map((record: { id: number }) => record.id))
      cursor = body.nextCursor
    }
    t.ok(expected.length > 100, `more records than two pages of 50: ${expected.length}`)
    const page = await pageAs('admin')
    // From a page without audit rows, so the first rows seen are this filter's.
    await goto(page, '/access')
    await page.getByRole('heading', { name: 'Access' }).waitFor()
    await goto(page, `/audit${filter}`)
    const rows = page.locator('tr[data-audit-id]')
    const seen: number[] = []
    for (let pages = 1; ; pages++) {
      await page.locator('tr[data-audit-id], p.empty').first().waitFor()
      const ids = await rows.evaluateAll(nodes => nodes.map(node => Number(node.getAttribute('data-audit-id'))))
      seen.push(...ids)
      const older = page.getByRole('button', { name: 'Older' })
      if (ids.length === 0 || await older.isDisabled()) break
      if (pages > 10) throw new Error('more pages than records')
      await older.click()
      await page.locator(`tr[data-audit-id="${ids[0]}"]`).waitFor({ state: 'detached' })
    }
    t.same(seen, expected, 'every record once, newest first, across the pages')
    await page.getByRole('button', { name: 'Newest' }).click()
    await page.locator(`tr[data-audit-id="${expected[0]}"]`).waitFor()
    t.notMatch(page.url(), /cursor=/, 'back to the newest page')
  })

  await t.test('POST /auth/tokens ...should create an API token shown once, which works until revoked', async t => {
    const page = await pageAs('editor')
    await goto(page, '/access')
    await page.getByLabel('Name', { exact: true }).fill('console-made token')
    await page.getByRole('button', { name: 'Create the token' }).click()
    await page.getByRole('group', { name: 'API token console-made token' }).getByRole('button', { name: 'Reveal' }).click()
    const token = (await page.getByTestId('secret-value').textContent())!
    t.match(token, /^\S{20,}$/)
    const use = async () => (await fetch(`${appUrl}/api/clients?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status
    t.equal(await use(), 200, 'the token works')
    await checkAccessibility(t, page, 'access page')
    await page.locator('tr', { hasText: 'console-made token' }).getByRole('button', { name: /Revoke/ }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke the token' }).click()
    await page.getByText('Revoked the token console-made token.').waitFor()
    t.equal(await use(), 401, 'revoked')
    t.notOk(visitedUrls.some(url => url.includes(token)), 'the token never was in a URL')
  })

  await t.test('DELETE /auth/sessions ...should end a user\'s sessions, and the console return there to the page after signing in again', async t => {
    const editor = await pageAs('editor')
    await goto(editor, `/clients/${SEEDED_CLIENT_IDS.mobile}`)
    await editor.getByRole('heading', { name: /./ }).first().waitFor()
    const page = await pageAs('admin')
    await goto(page, '/access')
    await page.getByLabel('Username', { exact: true }).fill('editor')
    await page.getByRole('button', { name: 'Show sessions' }).click()
    await page.getByRole('button', { name: 'End all sessions of editor' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'End the sessions' }).click()
    await page.getByText(/Ended [1-9]\d* session\(s\) of editor/).waitFor()
    // The editor's next call finds the session gone.
    await editor.getByRole('button', { name: 'Lock', exact: true }).click()
    await editor.getByText('Your session has ended. Sign in again to go back to the page you were on.').waitFor()
    await signIn(editor, 'editor')
    await editor.locator('.actions').waitFor()
    t.match(editor.url(), new RegExp(`/clients/${SEEDED_CLIENT_IDS.mobile}$`), 'back on the page')
  })

  await t.test('GET /clients ...should not offer a viewer to create clients nor the audit trail, with the reason', async t => {
    const page = await pageAs('viewer')
    await goto(page, '/clients')
    await page.getByText('Creating clients: Needs the editor role').waitFor()
    t.equal(await page.getByRole('link', { name: 'New client' }).count(), 0, 'no create link')
    t.equal(await page.getByRole('link', { name: 'Audit' }).count(), 0, 'no audit section')
    await goto(page, '/clients/new')
    await page.getByText('You cannot change clients.').waitFor()
    await goto(page, '/audit')
    await page.getByText('Needs the admin role').waitFor()
  })

  // What each role is offered on a client's page (src/console/app/permissions.ts, test/console/permissions.test.ts):
  // an action offered is a working control; one refused is a disabled button with the reason linked to it.
  const CLIENT_PAGE_OFFERS: Record<Role, { offered: string[], refused: string[], audit: boolean }> = {
    viewer: { offered: [], refused: ['Edit', 'Lock', 'Refresh secret', 'Set secret…', 'Delete…'], audit: false },
    editor: { offered: ['Edit', 'Lock'], refused: ['Refresh secret', 'Set secret…', 'Delete…'], audit: false },
    admin: { offered: ['Edit', 'Lock', 'Refresh secret', 'Set secret…', 'Delete…'], refused: [], audit: true }
  }
  const aUser = (role: Role) => role === 'viewer' ? 'a viewer' : `an ${role}`
  for (const [role, { offered, refused, audit }] of Object.entries(CLIENT_PAGE_OFFERS) as Array<[Role, typeof CLIENT_PAGE_OFFERS[Role]]>) {
    const offers = refused.length === 0 ? 'every action' : offered.length === 0 ? 'no action' : `${offered.join(' and ')} only`
    await t.test(`GET /clients/:clientId ...should offer ${aUser(role)} ${offers} on a client's page, each refused one disabled with the reason`, async t => {
      const page = await pageAs(role)
      await goto(page, `/clients/${SEEDED_CLIENT_IDS.reports}`)
      await page.locator('.actions').waitFor()
      const actions = page.locator('.actions')
      for (const name of offered) {
        // Edit is a link to the editor; the others are buttons.
        const control = actions.getByRole(name === 'Edit' ? 'link' : 'button', { name, exact: true })
        // The actions may show before each control has its final form: count once it is there (or 15 s passed).
        await control.first().waitFor({ timeout: 15_000 }).catch(() => {})
        t.equal(await control.count(), 1, `${name} offered`)
        t.ok(await control.isEnabled(), `${name} enabled`)
        t.equal(await control.getAttribute('aria-describedby'), null, `${name}: no refusal reason`)
      }
      for (const name of refused) {
        const button = actions.getByRole('button', { name, exact: true })
        t.ok(await button.isDisabled(), `${name} disabled`)
        t.match(await button.evaluate(element => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent), new RegExp(`^Needs the (editor|admin) role; you have ${role}\\.$`), `${name}: the reason, linked to the button`)
      }
      t.equal(await actions.getByRole('link', { name: 'Edit', exact: true }).count(), offered.includes('Edit') ? 1 : 0, 'an Edit link only when editing is offered')
      t.equal(await actions.getByRole('link', { name: 'Audit' }).count(), audit ? 1 : 0, audit ? 'the client\'s audit trail' : 'no audit link')
      await page.screenshot({ path: join(ARTIFACTS, `console-client-${role}.png`) })
      await checkAccessibility(t, page, `client page as ${aUser(role)}`)
    })
  }

  // ACCESS_MODEL=teams: a second sandbox server, users of several teams (test/teams/support.ts).
  let teamsServer: { url: string, root: ApiCaller } | undefined
  async function teamsApp () {
    if (teamsServer !== undefined) return teamsServer
    const server = await startServerProcess(t, {
      ACCESS_MODEL: 'teams',
      BFF_USERS_FILE: await teamUsersFile(),
      AUDIT_STORE: `sqlite:${join(dataDir, 'teams-audit.db')}`,
      API_TOKEN_STORE: 'memory',
      RATE_LIMIT_READ: '100000/1m',
      RATE_LIMIT_WRITE: '100000/1m'
    })
    teamsServer = { url: server.url, root: await apiAs(server.url, 'root', teamPassword('root')) }
    return teamsServer
  }
  const teamPage = async (username: keyof typeof TEAM_USERS) => await pageAs(username, { url: (await teamsApp()).url, password: teamPassword(username) })

  await t.test('GET /api/clients ...should show a team user their teams\' clients only, a Team column and a filter offering their teams, and no way into another team\'s client', async t => {
    const { root } = await teamsApp()
    const all = (await root.call('GET', '/api/clients?limit=100')).body.clients as Array<{ clientId: number | string, developer?: string, clientIdAlias?: string }>
    const ours = all.filter(client => client.developer === 'acme' || client.developer === 'globex').map(client => String(client.clientId))
    const theirs = all.find(client => client.developer === 'initech' && client.clientIdAlias !== undefined)!
    const page = await teamPage('both')
    t.match(await page.locator('.who').textContent(), /editor · acme, globex/, 'the header names the teams')
    await goto(page, '/clients')
    const rows = page.locator('table.clients tbody tr')
    await rows.nth(ours.length - 1).waitFor()
    t.same((await rows.evaluateAll(nodes => nodes.map(node => node.getAttribute('data-client-id')))).sort(), ours.sort(), 'the clients of acme and globex, no other')
    const headers = await page.locator('table.clients thead th').allTextContents()
    t.ok(headers.includes('Team') && !headers.includes('Developer'), `a Team column: ${headers.join(', ')}`)
    t.same([...new Set(await page.locator('td[data-label="Team"]').allTextContents())].sort(), ['acme', 'globex'])
    const filter = page.getByLabel('Team', { exact: true })
    t.same(await filter.locator('option').allTextContents(), ['All your teams', 'acme', 'globex'], 'the filter offers the caller\'s teams')
    await checkAccessibility(t, page, 'clients list, teams mode')
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await fitsWidth(page), 'no horizontal scrolling at 390 px')
    await page.setViewportSize({ width: 1280, height: 900 })
    await filter.selectOption('globex')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/developer=globex/)
    await page.getByText('Clients of team globex, 1 in all').waitFor()
    t.same(await page.locator('td[data-label="Team"]').allTextContents(), ['globex'])
    // Another team's client: by alias the jump finds nothing, by ID the server answers 404 and nothing is offered.
    await page.getByLabel('Client ID or alias').fill(theirs.clientIdAlias!)
    await page.getByRole('button', { name: 'Open' }).click()
    await page.getByText(`No client has the ID or the enabled alias "${theirs.clientIdAlias}"`).waitFor()
    await goto(page, `/clients/${theirs.clientId}`)
    await page.getByRole('alert').filter({ hasText: `Could not load the client: Client ${theirs.clientId} not found` }).waitFor()
    t.equal(await page.locator('.actions').count(), 0, 'no action offered')
  })

  await t.test('POST /api/clients ...should offer a team user only their teams as the new client\'s team, and ask a member of every team to name it', async t => {
    const { root } = await teamsApp()
    const page = await teamPage('both')
    await goto(page, '/clients/new')
    const team = page.getByLabel('Team', { exact: true })
    await team.waitFor()
    t.same(await team.locator('option').allTextContents(), ['(not set)', 'acme', 'globex'], 'the caller\'s teams only')
    await page.getByRole('radio', { name: /^Machine to machine/ }).check()
    await page.getByLabel('Client name', { exact: true }).fill('Globex batch job')
    await team.selectOption('globex')
    await checkAccessibility(t, page, 'create form, teams mode')
    await page.getByRole('button', { name: 'Create the client' }).click()
    await page.getByRole('heading', { name: 'Client created' }).waitFor()
    const stored = (await root.call('GET', `/api/clients/${(await page.textContent('#created-id'))!}`)).body
    t.match(stored, { clientName: 'Globex batch job', developer: 'globex', grantTypes: ['CLIENT_CREDENTIALS'] })
    // A member of every team types the team, and is told it is required.
    const rootPage = await teamPage('root')
    await goto(rootPage, '/clients/new')
    const anyTeam = rootPage.getByLabel('Team', { exact: true })
    await anyTeam.waitFor()
    t.match(await anyTeam.evaluate(element => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent), /^Required: the team the client belongs to/)
    await rootPage.getByLabel('Client name', { exact: true }).fill('Initech reports')
    await anyTeam.fill('initech')
    await rootPage.getByRole('button', { name: 'Create the client' }).click()
    await rootPage.getByRole('heading', { name: 'Client created' }).waitFor()
    t.equal((await root.call('GET', `/api/clients/${(await rootPage.textContent('#created-id'))!}`)).body.developer, 'initech')
  })

  await t.test('GET /api/audit ...should let a team admin filter the audit trail by one of their teams, and leave the chain to admins of every team', async t => {
    const { root } = await teamsApp()
    const locked = await root.call('PUT', `/api/clients/${SEEDED_CLIENT_IDS.reports}/lock`, { locked: false })
    t.equal(locked.status, 200)
    const page = await teamPage('globex')
    await goto(page, '/audit')
    const team = page.getByLabel('Team', { exact: true })
    await team.waitFor()
    t.same(await team.locator('option').allTextContents(), ['All your teams', 'globex'])
    await team.selectOption('globex')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.waitForURL(/team=globex/)
    const rows = page.locator('tr[data-audit-id]')
    await rows.first().waitFor()
    const records = await rows.evaluateAll(nodes => nodes.map(node => ['Team', 'Action', 'Actor'].map(label => (label === 'Action' ? node.querySelector('td[data-label="Action"] code.action-name') : node.querySelector(`td[data-label="${label}"]`))?.textContent)))
    t.ok(records.length >= 2 && records.every(([recordTeam]) => recordTeam === 'globex'), `globex's records only: ${JSON.stringify(records)}`)
    t.ok(records.some(([, action, actor]) => action === 'client.create' && actor === 'both'), 'with another user\'s create in the team')
    const verify = page.getByRole('button', { name: 'Verify the chain' })
    t.ok(await verify.isDisabled(), 'verify disabled')
    t.match(await verify.evaluate(element => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent), /needs an admin of every team/, 'with the reason')
    await checkAccessibility(t, page, 'audit trail, teams mode')
  })

  await t.test('POST /auth/tokens ...should let a team user give an API token some of their teams only', async t => {
    const { url } = await teamsApp()
    const page = await teamPage('both')
    await goto(page, '/access')
    const form = page.getByRole('form', { name: 'Create an API token' })
    await form.getByLabel('Name', { exact: true }).fill('globex only')
    t.same(await form.getByRole('group', { name: 'Teams' }).getByRole('checkbox').evaluateAll(boxes => boxes.map(box => [box.value, box.checked])), [['acme', true], ['globex', true]], 'all the caller\'s teams by default')
    await form.getByRole('checkbox', { name: 'acme' }).uncheck()
    await form.getByRole('button', { name: 'Create the token' }).click()
    await page.locator('tr', { hasText: 'globex only' }).locator('td[data-label="Teams"]').filter({ hasText: /^globex$/ }).waitFor()
    await page.getByRole('group', { name: 'API token globex only' }).getByRole('button', { name: 'Reveal' }).click()
    const token = (await page.getByTestId('secret-value').textContent())!
    const listed = await (await fetch(`${url}/api/clients`, { headers: { authorization: `Bearer ${token}` } })).json() as { clients: Array<{ developer: string }> }
    t.same([...new Set(listed.clients.map(client => client.developer))], ['globex'], 'the token sees globex\'s clients only')
    await checkAccessibility(t, page, 'access page, teams mode')
  })

  await historyTabTests(t, { admin, pageAs, goto, checkAccessibility, artifacts: ARTIFACTS, screenshots: SCREENSHOTS })

  await t.test('GET / ...should never put a secret, token or CSRF token in web storage or a URL, nor break its CSP', async t => {
    for (const [user, { page }] of contexts) {
      t.same(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], `${user}: web storage empty`)
    }
    t.notOk(visitedUrls.some(url => /csrf|secret=|token=|password/i.test(url)), 'no URL carries a credential')
    t.same(cspViolations, [], 'no Content-Security-Policy violation')
    t.same(pageErrors, [], 'no script error')
    process.stderr.write(`console accessibility: ${accessibilityReports.join('; ')}\n`)
  })
}

async function fitsWidth (page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

async function waitUntil (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
