import type { Test } from 'tap'
import { join } from 'node:path'
import type { Page } from 'playwright-core'

// The History tab, deleted clients and an audit record's change (issue 24), in the admin console's
// browser and server (test/browser/admin-console.test.ts runs these with its own helpers).

// What the functions run inside the page use: the Node type check has no DOM library.
declare const window: any, document: any
declare function getComputedStyle (element: unknown): { backgroundColor: string }

interface ApiAnswer { status: number, body: any, headers: Headers }
export interface ConsoleKit {
  admin: { call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer> }
  pageAs: (username: string) => Promise<Page>
  goto: (page: Page, path: string) => Promise<void>
  checkAccessibility: (t: Test, page: Page, what: string) => Promise<void>
  artifacts: string
}

const FIRST = 'https://app.example/callback'
const SECOND = 'https://app.example/second'
// styles.css: a changed row's background.
const HIGHLIGHT = 'rgb(255, 248, 197)'

export async function historyTabTests (t: Test, { admin, pageAs, goto, checkAccessibility, artifacts }: ConsoleKit): Promise<void> {
  // Made in the first test (the root test ends when it has no subtest left to wait for).
  let clientId = ''
  const changedRows = async (page: Page, within = page.locator('section.comparison')) =>
    await within.locator('table.changes tr.changed').evaluateAll(rows => rows.map(row => row.getAttribute('data-property')))

  await t.test('GET /api/clients/:clientId/history ...should list the versions newest first in the History tab, and show any two side by side with the changed properties highlighted', async t => {
    // Version 1 (create), 2 (a redirect URI added, the description changed), 3 (renamed, the URIs reordered).
    const { body: created } = await admin.call('POST', '/api/clients', { clientName: 'History demo', description: 'first', redirectUris: [FIRST] })
    clientId = String(created.clientId)
    await admin.call('PATCH', `/api/clients/${clientId}`, { description: 'second', redirectUris: [FIRST, SECOND] })
    await admin.call('PATCH', `/api/clients/${clientId}`, { clientName: 'History demo renamed', redirectUris: [SECOND, FIRST] })
    const page = await pageAs('editor')
    await goto(page, `/clients/${clientId}`)
    await page.getByRole('tab', { name: 'History' }).click()
    await page.waitForURL(/\?tab=history$/)
    t.equal(await page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected'), 'true', 'the tab is selected')
    const rows = page.locator('table.history tbody tr')
    await rows.nth(2).waitFor()
    t.same(await rows.evaluateAll(nodes => nodes.map(node => node.getAttribute('data-version'))), ['3', '2', '1'], 'newest first')
    t.match(await rows.nth(2).textContent(), /client\.create/, 'the action')
    t.match(await rows.nth(0).locator('td[data-label="By"]').textContent(), /^admin \(local, session\)$/, 'who made it')
    await page.locator('section.comparison table.changes').waitFor()
    t.same(await changedRows(page), ['clientName'], 'versions 2 and 3 by default: the redirect URIs only reordered, which is no change')
    await page.getByRole('radio', { name: 'from version 1' }).check()
    await page.getByRole('heading', { name: 'Version 1 and version 3' }).waitFor()
    await page.locator('section.comparison tr[data-property="description"]').waitFor()
    t.same(await changedRows(page), ['clientName', 'description', 'redirectUris'])
    const uris = page.locator('section.comparison tr[data-property="redirectUris"]')
    t.equal(await uris.locator('td').nth(1).locator('ins').textContent(), `${SECOND} (added)`, 'the added URI marked, in words too')
    t.equal(await uris.locator('td').nth(0).locator('ins, del').count(), 0, 'nothing was removed')
    t.equal(await uris.evaluate(row => getComputedStyle(row.querySelector('th')).backgroundColor), HIGHLIGHT, 'a changed row is highlighted')
    await page.getByLabel('Show the unchanged properties too').check()
    const unchanged = page.locator('section.comparison tr[data-property="clientId"]')
    await unchanged.waitFor()
    t.equal(await unchanged.getAttribute('class'), null, 'an unchanged row is not highlighted')
    t.equal(await page.locator('section.comparison tr.changed .badge.changed').count(), 3, 'and among all the rows, the changed ones say so')
    await checkAccessibility(t, page, 'History tab with a comparison')
    await page.screenshot({ path: join(artifacts, 'console-history.png'), fullPage: true })
    await page.getByLabel('Show the unchanged properties too').uncheck()
    await page.setViewportSize({ width: 390, height: 844 })
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling at 390 px')
    await page.screenshot({ path: join(artifacts, 'console-history-390.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  await t.test('POST /api/clients/:clientId/history/:version/restore ...should restore a version after a preview and a confirmation naming the client and the version, and on a 412 offer to reload', async t => {
    const page = await pageAs('editor')
    const restores: Array<string | undefined> = []
    const onRequest = (request: { method: () => string, url: () => string, headers: () => Record<string, string> }) => {
      if (request.method() === 'POST' && request.url().endsWith('/history/1/restore')) restores.push(request.headers()['if-match'])
    }
    page.on('request', onRequest)
    t.teardown(() => { page.off('request', onRequest) })
    await page.getByRole('button', { name: 'Restore… version 1' }).click()
    const panel = page.getByRole('region', { name: 'Restore version 1 of History demo renamed?' })
    const preview = panel.locator('table.changes')
    await preview.waitFor()
    t.same(await preview.locator('thead th').allTextContents(), ['Property', 'Now', 'After restoring version 1'])
    t.same(await changedRows(page, panel), ['clientName', 'description', 'redirectUris'], 'what restoring changes')
    t.equal(await preview.locator('tr[data-property="redirectUris"] td').nth(0).locator('del').textContent(), `${SECOND} (removed)`)
    const confirm = panel.getByRole('button', { name: 'Restore History demo renamed to version 1' })
    await checkAccessibility(t, page, 'restore preview')
    await page.screenshot({ path: join(artifacts, 'console-history-restore.png'), fullPage: true })
    // Meanwhile, another session changes the client: the preview is stale.
    t.equal((await admin.call('PATCH', `/api/clients/${clientId}`, { description: 'changed meanwhile' })).status, 200)
    await confirm.click()
    const stale = panel.getByRole('alert')
    await stale.waitFor()
    t.match(await stale.textContent(), /History demo renamed changed after this preview was made .*nothing was restored/)
    t.equal((await admin.call('GET', `/api/clients/${clientId}`)).body.description, 'changed meanwhile', 'nothing restored')
    await panel.getByRole('button', { name: 'Reload the preview' }).click()
    await preview.locator('tr[data-property="description"] td', { hasText: 'changed meanwhile' }).waitFor()
    t.pass('the preview shows the client as it is now')
    await confirm.click()
    await page.getByRole('status').filter({ hasText: /^Restored History demo renamed to version 1\./ }).waitFor()
    t.equal(restores.length, 2, 'two tries')
    t.ok(restores.every(etag => typeof etag === 'string' && etag !== '' && etag !== '*'), `each with the ETag its preview was made from: ${restores.join(', ')}`)
    t.not(restores[0], restores[1], 'the second from the reloaded preview')
    const client = (await admin.call('GET', `/api/clients/${clientId}`)).body
    t.same([client.clientName, client.description, client.redirectUris], ['History demo', 'first', [FIRST]], 'version 1 is back')
    await page.getByRole('heading', { name: 'History demo', exact: true }).waitFor()
    const newest = page.locator('table.history tbody tr').first()
    await newest.filter({ hasText: 'restored from version 1' }).waitFor()
    t.equal(await newest.getAttribute('data-version'), '5', 'a new version (4 was the change meanwhile)')
  })

  await t.test('GET /api/clients/:clientId/history ...should not offer a viewer to restore, with the reason', async t => {
    const page = await pageAs('viewer')
    await goto(page, `/clients/${clientId}?tab=history`)
    const restore = page.getByRole('button', { name: 'Restore… version 1' })
    await restore.waitFor()
    t.ok(await restore.isDisabled(), 'disabled')
    t.match(await restore.evaluate(element => document.getElementById(element.getAttribute('aria-describedby') ?? '')?.textContent), /Needs the editor role/)
  })

  await t.test('GET /api/audit ...should show the change an audit record made, from the version it links to', async t => {
    const page = await pageAs('admin')
    await goto(page, `/audit?clientId=${clientId}&action=client.patch`)
    const first = page.locator('tr[data-audit-id]').first()
    await first.waitFor()
    await first.getByRole('button', { name: /^Show record/ }).click()
    const change = page.locator('section.record-change')
    await change.locator('table.changes').waitFor()
    t.match(await change.getByRole('heading').textContent(), `Version 4 of client ${clientId}`, 'the version the newest patch made')
    t.same(await change.locator('tr.changed').evaluateAll(rows => rows.map(row => row.getAttribute('data-property'))), ['description'])
    t.same(await change.locator('tr[data-property="description"] td').allTextContents(), ['second', 'changed meanwhile'])
    await checkAccessibility(t, page, 'audit record with its change')
  })

  await t.test('POST /api/history/deleted/:clientId/restore ...should let an admin recreate a deleted client after a warning that its ID and secret will be new', async t => {
    const { body: doomed } = await admin.call('POST', '/api/clients', { clientName: 'Deleted by mistake', redirectUris: [FIRST] })
    const oldId = String(doomed.clientId)
    t.equal((await admin.call('DELETE', `/api/clients/${oldId}`)).status, 204)
    const page = await pageAs('admin')
    await goto(page, '/clients')
    await page.getByRole('link', { name: 'Deleted clients' }).click()
    const row = page.locator(`tr[data-deleted-client-id="${oldId}"]`)
    await row.waitFor()
    await row.getByRole('button', { name: 'Restore… Deleted by mistake' }).click()
    const panel = page.getByRole('region', { name: 'Restore Deleted by mistake?' })
    t.match(await panel.textContent(), new RegExp(`Its client ID and its client secret will be new: the old ID ${oldId} stays gone`))
    await checkAccessibility(t, page, 'deleted clients, restore warning')
    await page.screenshot({ path: join(artifacts, 'console-deleted-restore.png'), fullPage: true })
    await panel.getByRole('button', { name: 'Recreate Deleted by mistake as a new client' }).click()
    await page.locator('.recreated, section.panel [role="alert"]').first().waitFor()
    t.same(await panel.getByRole('alert').allTextContents(), [], 'no error')
    await page.getByRole('status').filter({ hasText: new RegExp(`Client ${oldId} was restored as a NEW client \\d+`) }).waitFor()
    const link = page.locator('.recreated a')
    const newId = (await link.getAttribute('href'))!.split('/').pop()!
    t.not(newId, oldId, 'a new client ID')
    t.ok(await page.getByRole('group', { name: 'New client secret' }).isVisible(), 'the new secret, shown once')
    t.equal((await admin.call('GET', `/api/clients/${newId}`)).body.clientName, 'Deleted by mistake', 'recreated from its last version')
    await row.getByRole('link', { name: newId }).waitFor()
    t.pass('the list names the client it was restored as')
    await page.screenshot({ path: join(artifacts, 'console-deleted-restored.png'), fullPage: true })
  })
}
