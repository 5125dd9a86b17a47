import type { Test } from 'tap'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { PASSWORDS } from '../helpers/users.ts'

// What the real-browser tests share: Debian's Chromium, the API as a script sees it, axe-core, the
// 390 px check. (test/browser/admin-console.test.ts predates it and keeps its own copies.)

declare const window: any, document: any

export const CHROMIUM = '/usr/bin/chromium'
export const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI)
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
/** The docs' screenshots: written to docs/ only when asked, so a test run leaves the tree clean. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : ARTIFACTS
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url))

export type Role = keyof typeof PASSWORDS

export async function launchChromium (t: Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close())
  return browser
}

export interface ApiAnswer { status: number, body: any, headers: Headers }
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>

/** The API as a script sees it, signed in as one user: to set things up and check what the console did. */
export async function apiAs (appUrl: string, username: Role): Promise<ApiCall> {
  const login = await fetch(`${appUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORDS[username] }) })
  if (login.status !== 200) throw new Error(`API login as ${username}: ${login.status}`)
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  const { csrfToken } = await login.json() as { csrfToken: string }
  return async (method, path, body) => {
    const response = await fetch(`${appUrl}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
  }
}

export async function signIn (page: Page, username: Role): Promise<void> {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORDS[username])
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('#username').filter({ hasText: username }).waitFor()
}

/** axe-core in the page: no serious or critical violation; all of them (any impact) answered, to report. */
export async function checkAccessibility (t: Test, page: Page, what: string): Promise<string[]> {
  await page.evaluate(await readFile(AXE, 'utf8'))
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] }) as { violations: Array<{ id: string, impact: string, help: string, nodes: Array<{ target: unknown }> }> }
    return result.violations.map(violation => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 3).map(node => JSON.stringify(node.target)) }))
  })
  t.same(violations.filter(violation => violation.impact === 'serious' || violation.impact === 'critical'), [], `${what}: no serious or critical accessibility violation`)
  return violations.map(violation => `${violation.id} (${violation.impact}) ${violation.targets.join(' ')}`)
}

/** No horizontal scrolling at the page's current width. */
export async function fitsWidth (page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

/** Polls a condition the page reaches on its own time (a scroll, an animation frame). */
export async function waitUntil (condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
