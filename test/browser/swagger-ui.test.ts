import { existsSync } from 'node:fs'
import t from 'tap'
import { chromium } from 'playwright-core'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'

// /docs as a person uses it: sign in with Try it out, Authorize with the csrfToken, change a client.

const CHROMIUM = '/usr/bin/chromium'
const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)

t.setTimeout(180_000)

if (!existsSync(CHROMIUM)) {
  if (IN_CI) t.fail(`${CHROMIUM} is missing: the real-browser tests cannot run (apt-get install chromium)`)
  else t.test('Swagger UI in a real browser', { skip: `${CHROMIUM} is missing` }, async () => {})
} else {
  t.test('GET /docs ...should let a signed-in user call a mutation with the csrfToken in x-csrf-token, and offer no cookie field', async t => {
    const server = await startServerProcess(t, { BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' })
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    await page.goto(`${server.url}/docs/`)

    // Sign in: POST /auth/login, Try it out, as Swagger UI sends it (the browser keeps the cookie).
    const login = page.locator('#operations-auth-post_auth_login')
    await login.locator('.opblock-summary').click()
    await login.locator('button.try-out__btn').click()
    await login.locator('textarea.body-param__text').fill(JSON.stringify({ username: 'editor', password: PASSWORDS.editor }))
    const [loginAnswer] = await Promise.all([page.waitForResponse(response => response.url().endsWith('/auth/login')), login.locator('button.execute').click()])
    t.equal(loginAnswer.status(), 200)
    const { csrfToken } = await loginAnswer.json() as { csrfToken: string }

    // Authorize: the dialog has the CSRF header and the bearer token, and no cookie field.
    await page.locator('.auth-wrapper .btn.authorize').click()
    const dialog = page.locator('.dialog-ux')
    const text = await dialog.innerText()
    t.match(text, /x-csrf-token/)
    t.match(text, /bearer/i)
    t.notMatch(text, /bff_session|cookie \(apiKey\)|in: cookie/i, `no cookie scheme: ${text}`)
    await dialog.locator('input[type=text]').first().fill(csrfToken)
    await dialog.locator('button.authorize').first().click()
    await dialog.locator('button.close-modal').click()

    // A mutation from /docs: PUT /api/clients/{clientIdentifier}/lock.
    const clientId = String(SEEDED_CLIENT_IDS.portal)
    const lock = page.locator('[id^="operations-clients-put_api_clients_"][id$="_lock"]')
    await lock.locator('.opblock-summary').click()
    await lock.locator('button.try-out__btn').click()
    await lock.locator('input[placeholder="clientIdentifier"]').fill(clientId)
    await lock.locator('textarea.body-param__text').fill('{"locked":true}')
    const [lockAnswer] = await Promise.all([page.waitForResponse(response => response.url().endsWith('/lock')), lock.locator('button.execute').click()])
    t.equal(lockAnswer.status(), 200, await lockAnswer.text())
    t.equal(lockAnswer.request().headers()['x-csrf-token'], csrfToken, 'Swagger UI sent the token')
  })
}
