import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { chromium, type Page } from 'playwright-core'
import { startServerProcess } from '../helpers/server-process.ts'
import { usersFile } from '../helpers/local-users.ts'

// The console's four-eyes approval (issue 25, docs/approvals.md) in a real browser: one admin asks
// for a gated change, another approves it, the first reads the new secret once.

// What the functions run inside the page use: the Node type check has no DOM library.
declare const window: any, document: any, localStorage: any, sessionStorage: any

const CHROMIUM = '/usr/bin/chromium'
const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
// The docs' screenshot: written to docs/ only when asked, so a test run leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : ARTIFACTS
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))
const USERS = [
  { username: 'alice', password: 'alice-password-3e9d', roles: ['admin' as const] },
  { username: 'bob', password: 'bob-password-77c2', roles: ['admin' as const] }
]

t.setTimeout(300_000)

if (!existsSync(CHROMIUM)) {
  if (IN_CI) t.fail(`${CHROMIUM} is missing: the real-browser tests cannot run (apt-get install chromium)`)
  else t.test('approvals in a real browser', { skip: `${CHROMIUM} is missing` }, async () => {})
} else {
  await approvalTests()
}

async function approvalTests (): Promise<void> {
  execFileSync(process.execPath, ['scripts/build-console.ts'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit' })
  const dataDir = await mkdtemp(join(tmpdir(), 'bff-approvals-console-'))
  const server = await startServerProcess(t, {
    BFF_USERS_FILE: (await usersFile(USERS)).path,
    AUDIT_STORE: `sqlite:${join(dataDir, 'audit.db')}`,
    API_TOKEN_STORE: 'memory',
    APPROVALS: 'client.delete,client.secret.refresh,client.update',
    RATE_LIMIT_READ: '100000/1m',
    RATE_LIMIT_WRITE: '100000/1m',
    RATE_LIMIT_SECRET: '100000/1m'
  })
  const appUrl = server.url
  const api = await apiAs(appUrl, 'alice')
  const { body: created } = await api('POST', '/api/clients', { clientName: 'Approval demo', redirectUris: ['https://app.example/callback'] })
  const clientId = String(created.clientId)
  const secretNow = async () => (await api('GET', `/api/clients/${clientId}`)).body.clientSecret as string
  const secretBefore = await secretNow()

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  t.teardown(() => browser.close())
  await mkdir(ARTIFACTS, { recursive: true })
  const axeSource = await readFile(AXE, 'utf8')
  const pageErrors: string[] = []
  const pageAs = async (username: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    page.on('pageerror', error => { pageErrors.push(String(error)) })
    await page.goto(`${appUrl}/`)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(USERS.find(user => user.username === username)!.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#username').filter({ hasText: username }).waitFor()
    return page
  }
  const checkAccessibility = async (t: Test, page: Page, what: string): Promise<void> => {
    await page.evaluate(axeSource)
    const serious = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] })
      return result.violations.filter((violation: any) => violation.impact === 'serious' || violation.impact === 'critical').map((violation: any) => `${violation.id}: ${violation.help}`)
    })
    t.same(serious, [], `${what}: no serious or critical accessibility violation`)
  }
  const shoot = async (page: Page, name: string) => { await page.screenshot({ path: join(ARTIFACTS, `approvals-${name}.png`), fullPage: true }) }
  const fitsWidth = async (page: Page) => await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  const alice = await pageAs('alice')
  const bob = await pageAs('bob')
  let requestUrl = ''

  await t.test('POST /api/clients/:clientIdentifier/secret/refresh ...should, when gated, say so on the client page, ask for a reason and show "pending approval" with a link, the secret unchanged', async t => {
    await alice.goto(`${appUrl}/clients/${clientId}`)
    const note = alice.locator('#approval-note')
    await note.waitFor()
    t.match(await note.textContent(), /Asks for approval first: Refresh the secret, Delete the client/)
    await alice.getByRole('button', { name: 'Refresh secret…' }).click()
    await alice.getByLabel('Reason for the approvers (optional)').fill('CHG-42 leaked in a log')
    await checkAccessibility(t, alice, 'client page, asking for approval')
    await shoot(alice, 'ask')
    await alice.getByRole('button', { name: 'Ask to refresh the secret' }).click()
    const pending = alice.locator('.pending-approval')
    await pending.waitFor()
    t.match(await pending.textContent(), /Pending approval: Refresh the secret was not made yet/)
    t.equal(await alice.locator('[data-testid="secret-value"]').count(), 0, 'no new secret shown: nothing was done')
    t.equal(await secretNow(), secretBefore, 'the secret is unchanged upstream')
    await shoot(alice, 'pending')
    await pending.getByRole('link', { name: 'See the change request' }).click()
    await alice.getByRole('heading', { name: /Refresh the secret: client/ }).waitFor()
    requestUrl = alice.url()
    const approve = alice.getByRole('button', { name: 'Approve…' })
    t.ok(await approve.isDisabled(), 'self-approval is not offered')
    t.match(await alice.locator('.disabled-action .reason').first().textContent(), /You asked for this change/)
    t.equal(await alice.getByRole('button', { name: 'Withdraw…' }).count(), 1, 'the requester may withdraw')
    await shoot(alice, 'own-request')
  })

  await t.test('POST /api/change-requests/:id/approve ...should show another admin the badge, the request with its reason and diff, and apply the change on approval', async t => {
    await bob.goto(`${appUrl}/clients`)
    const badge = bob.locator('#approvals-badge')
    await badge.waitFor()
    t.match(await badge.textContent(), /^1 waiting for your decision$/)
    await shoot(bob, 'badge')
    t.equal(await alice.locator('#approvals-badge').count(), 0, 'the requester has nothing to decide')
    await bob.getByRole('link', { name: /Approvals/ }).click()
    const row = bob.locator('table.requests').first().locator('tbody tr')
    await row.first().waitFor()
    t.match(await row.first().textContent(), /Refresh the secret.*alice \(local\).*CHG-42 leaked in a log/)
    await checkAccessibility(t, bob, 'approvals page')
    await shoot(bob, 'list')
    await row.first().getByRole('link', { name: 'Refresh the secret' }).click()
    await bob.locator('table.changes tr.changed[data-property="clientSecret"]').waitFor()
    t.notMatch(await bob.textContent('main'), new RegExp(secretBefore), 'the diff shows no secret value')
    await bob.getByRole('button', { name: 'Approve…' }).click()
    await bob.getByText('Yours is the last approval needed').waitFor()
    await checkAccessibility(t, bob, 'request page, approving')
    await shoot(bob, 'approve')
    await bob.screenshot({ path: join(SCREENSHOTS, 'console-approval.png') })
    await bob.getByRole('button', { name: 'Approve', exact: true }).click()
    await bob.locator('.title-row [data-status="approved-applied"]').waitFor()
    t.not(await secretNow(), secretBefore, 'the secret was refreshed upstream')
    await bob.locator('#approvals-badge').waitFor({ state: 'detached' })
    t.pass('the badge is gone once nothing waits for a decision')
    t.equal(await bob.getByRole('button', { name: 'Show the new secret' }).count(), 0, 'the approver never gets the secret')
    await shoot(bob, 'approved')
  })

  await t.test('GET /api/change-requests/:id/secret ...should show the requester "approved and applied" and the new secret once, kept out of web storage', async t => {
    await alice.goto(requestUrl)
    await alice.locator('.title-row [data-status="approved-applied"]').waitFor()
    await alice.getByRole('button', { name: 'Show the new secret' }).click()
    await alice.getByRole('button', { name: 'Reveal' }).click()
    const shown = await alice.locator('[data-testid="secret-value"]').textContent()
    t.equal(shown, await secretNow(), 'the secret the refresh made')
    t.same(await alice.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0], 'nothing in web storage')
    await checkAccessibility(t, alice, 'request page, the one-time secret')
    await shoot(alice, 'secret')
    await alice.reload()
    await alice.locator('.title-row [data-status="approved-applied"]').waitFor()
    t.equal(await alice.getByRole('button', { name: 'Show the new secret' }).count(), 0, 'shown once: gone after a reload')
    await alice.goto(`${appUrl}/approvals`)
    const mine = alice.locator('section[aria-labelledby="mine"] tbody tr')
    await mine.first().waitFor()
    t.match(await mine.first().textContent(), /Approved and applied/)
  })

  await t.test('DELETE /api/clients/:clientId ...should, when gated, wait; a rejection with a reason leaves the client, and the requester sees why', async t => {
    await alice.goto(`${appUrl}/clients/${clientId}`)
    await alice.getByRole('button', { name: 'Delete…' }).click()
    await alice.getByLabel(/Type the client's name/).fill('Approval demo')
    await alice.getByLabel('Reason for the approvers (optional)').fill('CHG-43 retire')
    await alice.getByRole('button', { name: 'Ask to delete this client' }).click()
    await alice.locator('.pending-approval').waitFor()
    t.equal((await api('GET', `/api/clients/${clientId}`)).status, 200, 'the client is still there')
    await alice.locator('.pending-approval').getByRole('link').click()
    await alice.getByRole('heading', { name: /Delete the client/ }).waitFor()
    const deleteUrl = alice.url()
    await bob.goto(deleteUrl)
    await bob.getByText(`Approving deletes the client Approval demo (${clientId})`).waitFor()
    await bob.getByRole('button', { name: 'Reject…' }).click()
    await bob.getByLabel('Why you reject it').fill('Still used by the mobile app')
    await checkAccessibility(t, bob, 'request page, rejecting')
    await shoot(bob, 'reject')
    await bob.getByRole('button', { name: 'Reject', exact: true }).click()
    await bob.locator('.title-row [data-status="rejected"]').waitFor()
    await alice.reload()
    await alice.locator('.title-row [data-status="rejected"]').waitFor()
    t.match(await alice.textContent('main'), /bob \(local\): Still used by the mobile app/)
    t.equal((await api('GET', `/api/clients/${clientId}`)).status, 200, 'nothing deleted')
    await shoot(alice, 'rejected')
  })

  await t.test('PATCH /api/clients/:clientId ...should, when gated, say so in the editor and land on the pending request, nothing saved; the requester withdraws it', async t => {
    await alice.goto(`${appUrl}/clients/${clientId}/edit`)
    const note = alice.locator('form .approval-note')
    await note.waitFor()
    t.match(await note.textContent(), /Changing this client asks for approval: 1 approval by an admin other than you/)
    await alice.getByLabel('Description', { exact: true }).fill('Asked through the editor')
    await alice.getByLabel('Reason for the approvers (optional)').fill('CHG-44')
    await alice.getByRole('button', { name: 'Save changes' }).click()
    await alice.getByRole('heading', { name: /Edit the client: client/ }).waitFor()
    t.match(await alice.locator('main .message.notice').textContent(), /Pending approval: nothing was saved yet/)
    t.equal(await alice.locator('table.changes tr.changed[data-property="description"] td').last().textContent(), 'Asked through the editor')
    t.not((await api('GET', `/api/clients/${clientId}`)).body.description, 'Asked through the editor', 'nothing saved upstream')
    await shoot(alice, 'edit-pending')
    await alice.getByRole('button', { name: 'Withdraw…' }).click()
    await alice.getByRole('button', { name: 'Withdraw', exact: true }).click()
    await alice.locator('.title-row [data-status="withdrawn"]').waitFor()
    t.equal(await alice.getByRole('button', { name: 'Approve…' }).count(), 0, 'a withdrawn request takes no decision')
  })

  await t.test('GET /approvals ...should fit 390 px without sideways scrolling, the list and a request', async t => {
    for (const [page, path] of [[alice, '/approvals'], [alice, new URL(requestUrl).pathname]] as const) {
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${appUrl}${path}`)
      await page.locator('main h1').waitFor()
      await page.locator('main .loading').waitFor({ state: 'detached' })
      t.ok(await fitsWidth(page), `${path}: no horizontal scrolling at 390 px`)
      await checkAccessibility(t, page, `${path} at 390 px`)
    }
    await shoot(alice, 'request-390')
    await alice.goto(`${appUrl}/clients/${clientId}`)
    await alice.getByRole('button', { name: 'Refresh secret…' }).click()
    await alice.getByLabel('Reason for the approvers (optional)').waitFor()
    t.ok(await fitsWidth(alice), 'the client page asking for approval: no horizontal scrolling at 390 px')
    await shoot(alice, 'ask-390')
    await alice.goto(`${appUrl}/approvals`)
    await alice.locator('section[aria-labelledby="mine"] tbody tr').first().waitFor()
    await shoot(alice, 'list-390')
    t.same(pageErrors, [], 'no error in any page')
  })
}

async function apiAs (appUrl: string, username: string): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number, body: any }>> {
  const password = USERS.find(user => user.username === username)!.password
  const login = await fetch(`${appUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  const { csrfToken } = await login.json() as { csrfToken: string }
  return async (method, path, body) => {
    const response = await fetch(`${appUrl}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
  }
}
