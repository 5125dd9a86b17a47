import { test } from 'tap'
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { liveApp } from './support.ts'

const CHROMIUM = '/usr/bin/chromium'

test('GET /docs ...should render Swagger UI in a real browser under its CSP, with nothing it needs refused', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing` }, async t => {
  const live = await liveApp(t)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  const violations: string[] = []
  // Swagger UI's React sets a few style attributes, which style-src refuses (cosmetic); any refused
  // script, stylesheet, font, image or connection would be a broken page.
  page.on('console', message => { if (/Content.Security.Policy|Refused to/i.test(message.text()) && !/inline style/i.test(message.text())) violations.push(message.text()) })
  await page.goto(`${live.url}/docs/`)
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 })
  t.match(await page.textContent('.swagger-ui .info .title'), /authlete-bff/)
  t.same(violations, [], 'nothing refused but inline style attributes')
})
