import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { chromium, type Browser, type Page } from 'playwright-core'
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts'
import { startEmulatorProcess } from '../helpers/emulator-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'
import { teamPassword, teamUsersFile } from '../teams/support.ts'

// Issue 26 in a real browser: where am I (the upstream banner), finding any client (search across
// pages and teams), the idle warning and the edit kept across a sign-in, the read-only Users page.

declare const window: any, document: any, localStorage: any, sessionStorage: any

const CHROMIUM = '/usr/bin/chromium'
const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
// The docs' screenshots: written to docs/ only when asked, so a test run leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : ARTIFACTS
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))
// The shortest idle timeout the configuration accepts.
const IDLE_SECONDS = 60

t.setTimeout(900_000)

if (!existsSync(CHROMIUM)) {
  if (IN_CI) t.fail(`${CHROMIUM} is missing: the real-browser tests cannot run (apt-get install chromium)`)
  else t.test('the operator\'s day in a real browser', { skip: `${CHROMIUM} is missing` }, async () => {})
} else {
  await operatorDayTests()
}

interface Api { call: (method: string, path: string, body?: unknown) => Promise<{ status: number, body: any }> }

async function apiAs (url: string, username: string, password: string): Promise<Api> {
  const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (login.status !== 200) throw new Error(`API login as ${username}: ${login.status}`)
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  const { csrfToken } = await login.json() as { csrfToken: string }
  return {
    call: async (method, path, body) => {
      const response = await fetch(`${url}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
    }
  }
}

async function operatorDayTests (): Promise<void> {
  execFileSync(process.execPath, ['scripts/build-console.ts'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' })
  const dataDir = await mkdtemp(join(tmpdir(), 'bff-operator-day-'))
  const common = { DOCS_ENABLED: 'false', API_TOKEN_STORE: 'memory', RATE_LIMIT_READ: '100000/1m', RATE_LIMIT_WRITE: '100000/1m', RATE_LIMIT_LOGIN: '1000/1m' }
  const sandbox = await startServerProcess(t, { ...common, BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: `sqlite:${join(dataDir, 'sandbox-audit.db')}` })
  const emulator = await startEmulatorProcess(t, `exec node src/cli.ts emulator --port ${await freePort()} --api v3`)
  const upstream = await startServerProcess(t, {
    ...common,
    ACCESS_MODEL: 'teams',
    BFF_USERS_FILE: await teamUsersFile(),
    AUDIT_STORE: `sqlite:${join(dataDir, 'upstream-audit.db')}`,
    AUTHLETE_BASE_URL: emulator.url,
    AUTHLETE_SERVICE_ID: emulator.serviceId,
    AUTHLETE_SERVICE_ACCESS_TOKEN: emulator.accessToken!
  })
  // Its own server: the short idle timeout would end the other tests' sessions.
  const idle = await startServerProcess(t, { ...common, SESSION_IDLE_TIMEOUT: String(IDLE_SECONDS), BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: `sqlite:${join(dataDir, 'idle-audit.db')}` })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close())
  await mkdir(ARTIFACTS, { recursive: true })
  const axeSource = await readFile(AXE, 'utf8')
  const pageErrors: string[] = []

  const signedInPage = async (server: ServerProcess, username: string, password: string, path = '/'): Promise<Page> => await openSignedIn(browser, server.url, username, password, path, pageErrors)
  const checkAccessibility = async (t: Test, page: Page, what: string): Promise<void> => {
    await page.evaluate(axeSource)
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] })
      return result.violations.filter((violation: { impact: string }) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation: { id: string, nodes: Array<{ target: unknown }> }) => `${violation.id} ${JSON.stringify(violation.nodes.slice(0, 3).map(node => node.target))}`)
    })
    t.same(violations, [], `${what}: no serious or critical accessibility violation`)
  }
  const narrow = async (t: Test, page: Page, what: string, screenshot: string): Promise<void> => {
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${what}: no sideways scrolling at 390 px`)
    await page.screenshot({ path: join(ARTIFACTS, screenshot) })
    await page.setViewportSize({ width: 1280, height: 900 })
  }

  await t.test('GET /api/info ...should show the sandbox banner on every page, accessibly, at 390 px too', async t => {
    const page = await signedInPage(sandbox, 'viewer', PASSWORDS.viewer)
    const banner = page.getByRole('note', { name: 'Upstream' })
    await banner.filter({ hasText: 'Sandbox: in-memory emulator, data lost at restart' }).waitFor()
    for (const [link, heading] of [['End users', 'End users'], ['Access', 'Access'], ['Clients', 'Clients']]) {
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: link, exact: true }).click()
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor()
      t.match(await banner.textContent(), /^Sandbox: in-memory emulator, data lost at restart authlete-bff \d+\.\d+\.\d+/, `${link}: the banner`)
    }
    await checkAccessibility(t, page, 'a page with the sandbox banner')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-banner-sandbox.png') })
    await narrow(t, page, 'sandbox banner', 'console-banner-sandbox-390.png')
  })

  await t.test('GET /api/info ...should name the Authlete host, API generation and service ID with an upstream URL, never a credential', async t => {
    const page = await signedInPage(upstream, 'both', teamPassword('both'))
    const banner = page.getByRole('note', { name: 'Upstream' })
    const expected = `Authlete ${new URL(emulator.url).host} · API 3.0 · service ${emulator.serviceId}`
    await banner.filter({ hasText: expected }).waitFor()
    t.notMatch(await page.content(), new RegExp(emulator.accessToken!), 'the service token appears nowhere in the page')
    await checkAccessibility(t, page, 'a page with the Authlete banner')
    await page.screenshot({ path: join(ARTIFACTS, 'console-banner-authlete.png') })
  })

  await t.test('GET /api/clients?q= ...should search from the one box across pages, and open a result', async t => {
    const admin = await apiAs(sandbox.url, 'admin', PASSWORDS.admin)
    for (let index = 1; index <= 25; index++) {
      const created = await admin.call('POST', '/api/clients', { clientName: `Needle ${index}`, developer: index % 2 === 0 ? 'haystack-even' : 'haystack-odd' })
      if (created.status !== 201) throw new Error(`create: ${created.status}`)
    }
    const page = await signedInPage(sandbox, 'editor', PASSWORDS.editor, '/clients')
    await page.getByLabel('Search clients').fill('NEEDLE')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByText('1–20 of 25').waitFor()
    const rows = page.locator('table.search-results tbody tr')
    await rows.nth(19).waitFor()
    t.equal(await rows.first().locator('td[data-label="Name"]').textContent(), 'Needle 1', 'ordered by name')
    t.match(page.url(), /[?&]q=NEEDLE/, 'the search is in the address')
    await checkAccessibility(t, page, 'search results')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-search.png') })
    await narrow(t, page, 'search results', 'console-search-390.png')
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByText('21–25 of 25').waitFor()
    await rows.nth(4).waitFor()
    t.equal(await rows.count(), 5, 'the last page')
    await page.getByLabel('Search clients').fill('haystack-even')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByText('1–12 of 12').waitFor()
    t.match(await rows.first().locator('td[data-label="Matched in"]').textContent(), /developer/, 'says where it matched')
    await page.getByLabel('Search clients').fill('portal.acme.example')
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByRole('link', { name: SEEDED_CLIENT_IDS.portal }).click()
    await page.getByRole('heading', { name: 'Acme Customer Portal' }).waitFor()
    await page.goBack()
    await page.getByRole('button', { name: 'Clear search' }).click()
    await page.locator(`table.clients:not(.search-results) tr[data-client-id="${SEEDED_CLIENT_IDS.mobile}"]`).waitFor()
    t.notMatch(page.url(), /q=/, 'cleared: the list again')
  })

  await t.test('GET /api/clients?q= (teams) ...should find the clients of the caller\'s teams only', async t => {
    const both = await signedInPage(upstream, 'both', teamPassword('both'), '/clients?q=o')
    const rows = both.locator('table.search-results tbody tr')
    await rows.first().waitFor()
    const teamsShown = await rows.locator('td[data-label="Team"]').allTextContents()
    t.same([...new Set(teamsShown)].sort(), ['acme', 'globex'], 'a member of acme and globex: both teams')
    const acme = await signedInPage(upstream, 'acme', teamPassword('acme'), '/clients?q=globex')
    await acme.getByText('No client matches "globex".').waitFor()
    t.pass('acme finds nothing of globex, by name, alias or team')
    await acme.screenshot({ path: join(ARTIFACTS, 'console-search-teams.png') })
  })

  await t.test('GET /api/users ...should list the local users for admins, with a user\'s sessions and tokens, ending and revoking them', async t => {
    const viewer = await apiAs(sandbox.url, 'viewer', PASSWORDS.viewer)
    const token = await viewer.call('POST', '/auth/tokens', { name: 'viewer script', roles: ['viewer'], expiresInDays: 7 })
    t.equal(token.status, 201)
    const page = await signedInPage(sandbox, 'admin', PASSWORDS.admin)
    await page.getByRole('link', { name: 'Users', exact: true }).click()
    const rows = page.locator('table.users tbody tr')
    await rows.nth(2).waitFor()
    t.same(await rows.locator('td[data-label="Username"]').allTextContents(), ['admin', 'editor', 'viewer'])
    t.same(await rows.locator('td[data-label="Roles"]').allTextContents(), ['admin', 'editor', 'viewer'])
    t.notMatch(await page.content(), /argon2/, 'no password hash')
    await checkAccessibility(t, page, 'users page')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-users.png') })
    await page.getByRole('link', { name: 'viewer', exact: true }).click()
    await page.getByRole('heading', { name: 'User viewer' }).waitFor()
    await page.locator('[data-session-id]').first().waitFor()
    await page.locator(`tr[data-token-id="${String(token.body.id)}"]`).waitFor()
    await checkAccessibility(t, page, 'a user\'s sessions and tokens')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-user.png') })
    await narrow(t, page, 'a user\'s page', 'console-user-390.png')
    await page.getByRole('button', { name: 'Revoke viewer script' }).click()
    await page.getByRole('alertdialog', { name: 'Revoke the API token viewer script of viewer?' }).getByRole('button', { name: 'Revoke the token' }).click()
    await page.getByText('Revoked the token viewer script of viewer.').waitFor()
    await page.getByText('viewer has no API token.').waitFor()
    await page.getByRole('button', { name: 'End all sessions of viewer' }).click()
    await page.getByRole('alertdialog', { name: 'End every session of viewer?' }).getByRole('button', { name: 'End the sessions' }).click()
    await page.getByText(/Ended \d+ session\(s\) of viewer\./).waitFor()
    await page.getByText('viewer has no session.').waitFor()
    t.equal((await viewer.call('GET', '/auth/session')).status, 401, 'the viewer\'s session ended')
  })

  await t.test('GET /api/users (teams) ...should show an admin of one team only the users of that team', async t => {
    const page = await signedInPage(upstream, 'acme', teamPassword('acme'), '/users')
    const rows = page.locator('table.users tbody tr')
    await rows.first().waitFor()
    t.same(await rows.locator('td[data-label="Username"]').allTextContents(), ['acme'], 'none of the users with other teams')
  })

  await t.test('SESSION_IDLE_TIMEOUT ...should warn before it, keep the session on Stay, and give back the edit after it ends and the user signs in again', async t => {
    const editPath = `/clients/${SEEDED_CLIENT_IDS.portal}/edit`
    const page = await signedInPage(idle, 'editor', PASSWORDS.editor, editPath)
    const name = page.getByLabel('Client name', { exact: true })
    await name.waitFor()
    await name.fill('Portal renamed before the timeout')
    const warning = page.getByRole('alertdialog', { name: 'Still there?' })
    // The warning comes a quarter of the timeout before the session's earliest end; margins for a busy machine.
    await warning.waitFor({ timeout: IDLE_SECONDS * 2000 })
    t.match(await warning.textContent(), /signed out in about \d+ seconds/)
    t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Stay signed in', 'the focus is on Stay signed in')
    await checkAccessibility(t, page, 'idle warning')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-idle-warning.png') })
    await page.getByRole('button', { name: 'Stay signed in' }).click()
    await warning.waitFor({ state: 'detached' })
    t.pass('Stay signed in: the warning goes')
    // Now nobody answers it: the session ends, and the console says so.
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor({ timeout: IDLE_SECONDS * 4000 })
    t.match(await page.textContent('main'), /Your session has ended/)
    t.same(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], 'nothing in web storage')
    await page.screenshot({ path: join(ARTIFACTS, 'console-idle-ended.png') })
    await page.getByLabel('Username').fill('editor')
    await page.getByLabel('Password').fill(PASSWORDS.editor)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const offer = page.getByRole('group', { name: 'Unsaved changes' })
    await offer.waitFor()
    t.match(page.url(), new RegExp(`${editPath}$`), 'back on the page the session ended on')
    t.equal(await name.inputValue(), 'Acme Customer Portal', 'the form shows the client as it is')
    await checkAccessibility(t, page, 'restore offer')
    await page.screenshot({ path: join(SCREENSHOTS, 'console-restore-edit.png') })
    await page.getByRole('button', { name: 'Restore my changes' }).click()
    t.equal(await name.inputValue(), 'Portal renamed before the timeout', 'the edit is back')
    await offer.waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('heading', { name: 'Portal renamed before the timeout' }).waitFor()
    const editor = await apiAs(idle.url, 'editor', PASSWORDS.editor)
    t.equal((await editor.call('GET', `/api/clients/${SEEDED_CLIENT_IDS.portal}`)).body.clientName, 'Portal renamed before the timeout', 'saved')
    t.same(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], 'still nothing in web storage')
  })

  t.same(pageErrors, [], 'no page error')
}

async function openSignedIn (browser: Browser, url: string, username: string, password: string, path: string, pageErrors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.on('pageerror', error => { pageErrors.push(String(error)) })
  await page.goto(`${url}${path}`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('#username').filter({ hasText: username }).waitFor()
  return page
}
