import { test } from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { liveApp } from './support.ts'

const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
const directives = (header: string | null) => (header ?? '').split(';').map(part => part.trim()).filter(part => part !== '').sort()

test('GET /docs ...should send a CSP that refuses framing, X-Frame-Options and Referrer-Policy on every Swagger UI page', async t => {
  const live = await liveApp(t)
  for (const path of ['/docs/', '/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']) {
    const response = await fetch(`${live.url}${path}`, { redirect: 'manual' })
    t.equal(response.status, 200, path)
    const csp = response.headers.get('content-security-policy') ?? ''
    t.match(csp, /frame-ancestors 'none'/, `${path}: never framed`)
    t.match(csp, /object-src 'none'/)
    t.notMatch(csp, /validator\.swagger\.io|https:|upgrade-insecure-requests/, 'nothing from elsewhere')
    t.equal(response.headers.get('x-frame-options'), 'DENY')
    t.equal(response.headers.get('referrer-policy'), 'same-origin')
    t.equal(response.headers.get('x-content-type-options'), 'nosniff')
  }
})

test('GET /docs ...should answer 404 with DOCS_ENABLED=false, /openapi.json too', async t => {
  const live = await liveApp(t, { DOCS_ENABLED: 'false' })
  for (const path of ['/docs', '/docs/', '/docs/static/index.html', '/openapi.json']) {
    const response = await fetch(`${live.url}${path}`)
    t.equal(response.status, 404, path)
    t.match(response.headers.get('content-type'), /^application\/problem\+json/)
  }
})

test('GET / ...should send the page CSP, X-Frame-Options and Referrer-Policy on the frontend\'s pages', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-pages-'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>')
  await writeFile(join(dir, 'app.js'), 'console.log(1)')
  const live = await liveApp(t, { FRONTEND_DIR: dir })
  for (const path of ['/', '/clients/42', '/app.js']) {
    const response = await fetch(`${live.url}${path}`, { headers: { accept: 'text/html' } })
    t.equal(response.status, 200, path)
    t.same(directives(response.headers.get('content-security-policy')), directives(PAGE_CSP), `${path}: the page CSP`)
    t.equal(response.headers.get('x-frame-options'), 'DENY')
    t.equal(response.headers.get('referrer-policy'), 'same-origin')
  }
})
