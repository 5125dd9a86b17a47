import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, login } from '../helpers/app.ts'

const CONSOLE_DIR = 'examples/console'
const INDEX = await readFile(join(CONSOLE_DIR, 'index.html'), 'utf8')
const SECRET = 'secret-outside-the-frontend-7d41'

/** A frontend directory with a dotfile, a directory without index.html, and a secret file next to it. */
async function siteWithNeighbours (): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'bff-frontend-'))
  const site = join(parent, 'site')
  await mkdir(join(site, 'assets'), { recursive: true })
  await mkdir(join(site, '.git'))
  await writeFile(join(site, 'index.html'), '<!doctype html><title>site</title>')
  await writeFile(join(site, 'assets', 'app.js'), 'export {}\n')
  await writeFile(join(site, '.env'), `TOKEN=${SECRET}`)
  await writeFile(join(site, '.git', 'config'), SECRET)
  await writeFile(join(parent, 'secret.txt'), SECRET)
  return site
}

t.test('GET / ...should serve index.html with strict page headers', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  const response = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.equal(response.statusCode, 200)
  t.equal(response.body, INDEX)
  t.match(response.headers['content-type'], /^text\/html/)
  t.equal(response.headers['cache-control'], 'no-cache')
  t.match(response.headers['content-security-policy'], /(^|; )default-src 'self'(;|$)/)
  t.match(response.headers['content-security-policy'], /frame-ancestors 'none'/)
  t.equal(response.headers['x-content-type-options'], 'nosniff')
  t.equal(response.headers['x-frame-options'], 'DENY')
  t.ok(response.headers.etag, 'revalidation is cheap')
})

t.test('GET /app.js ...should serve the script as JavaScript with the page headers', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  const response = await app.inject({ url: '/app.js' })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^(text|application)\/javascript/)
  t.equal(response.body, await readFile(join(CONSOLE_DIR, 'app.js'), 'utf8'))
  t.equal(response.headers['x-content-type-options'], 'nosniff')
  t.equal(response.headers['cache-control'], 'no-cache')
})

t.test('GET /clients/42 ...should answer index.html to a page navigation (history fallback), GET and HEAD', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  const page = await app.inject({ url: '/clients/42?tab=secrets', headers: { accept } })
  t.equal(page.statusCode, 200)
  t.equal(page.body, INDEX)
  t.match(page.headers['content-security-policy'], /default-src 'self'/)
  const head = await app.inject({ method: 'HEAD', url: '/clients/42', headers: { accept } })
  t.equal(head.statusCode, 200)
  t.match(head.headers['content-type'], /^text\/html/)
  t.equal(head.body, '')
})

t.test('GET /clients/42 ...should stay a problem+json 404 for callers that do not ask for HTML', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  for (const accept of [undefined, '*/*', 'application/json', 'text/html;q=0']) {
    const response = await app.inject({ url: '/clients/42', headers: accept === undefined ? {} : { accept } })
    t.equal(response.statusCode, 404, `accept: ${accept}`)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    t.equal(response.headers['cache-control'], 'no-store', 'errors are not cached')
  }
  const script = await app.inject({ url: '/missing.js' })
  t.equal(script.statusCode, 404)
})

t.test('GET /api/nope ...should keep the API answers (401/404 problem+json), never the page', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  const accept = 'text/html'
  const anonymous = await app.inject({ url: '/api/nope', headers: { accept } })
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.headers['content-type'], /^application\/problem\+json/)
  const admin = await login(app, 'admin')
  const signedIn = await app.inject({ url: '/api/nope', headers: { accept, cookie: admin.cookie } })
  t.equal(signedIn.statusCode, 404)
  t.match(signedIn.json(), { code: 'BFF_NOT_FOUND' })
  for (const url of ['/auth/nope', '/docs/nope/page', '/metrics/x', '/healthz/x', '/readyz/x', '/openapi.json/x']) {
    const response = await app.inject({ url, headers: { accept } })
    t.equal(response.statusCode, 404, url)
    t.match(response.headers['content-type'], /^application\/problem\+json/, url)
  }
  const clients = await app.inject({ url: '/api/clients', headers: { cookie: admin.cookie } })
  t.equal(clients.statusCode, 200, 'API routes still answer')
  t.notOk(clients.headers['content-security-policy'], 'page headers are for pages only')
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200)
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
  t.match((await app.inject({ url: '/docs/', headers: { accept } })).body, /swagger/i)
})

t.test('POST /clients ...should be a problem+json 404: only GET and HEAD reach the frontend', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: CONSOLE_DIR })
  const response = await app.inject({ method: 'POST', url: '/clients', headers: { accept: 'text/html', 'content-type': 'application/json' }, payload: '{}' })
  t.equal(response.statusCode, 404)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
})

t.test('GET /.env ...should serve no dotfiles and list no directory', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: await siteWithNeighbours() })
  for (const url of ['/.env', '/.git/config', '/.git/', '/assets/', '/assets', '/%2eenv', '/assets/../.env']) {
    for (const accept of ['*/*', 'text/html']) {
      const response = await app.inject({ url, headers: { accept } })
      t.notMatch(response.body, SECRET, `${url} (${accept})`)
      t.notMatch(response.body, /app\.js/, `${url} (${accept}): no listing`)
      if (accept === '*/*') t.ok(response.statusCode === 403 || response.statusCode === 404, `${url}: ${response.statusCode}`)
    }
  }
  t.equal((await app.inject({ url: '/assets/app.js' })).statusCode, 200, 'plain files still served')
})

t.test('GET /..%2fsecret.txt ...should never serve a file outside FRONTEND_DIR', async t => {
  const { app } = await buildTestApp(t, { FRONTEND_DIR: await siteWithNeighbours() })
  const attempts = [
    '/../secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt',
    '/.%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt',
    '/assets/..%5c..%5csecret.txt', '/%252e%252e%252fsecret.txt', '/..%252fsecret.txt', '/%c0%ae%c0%ae/secret.txt',
    '/..;/secret.txt', '/assets/..//..//secret.txt', '//../secret.txt', '/%00/../secret.txt', '/..%00/secret.txt'
  ]
  for (const url of attempts) {
    for (const accept of ['*/*', 'text/html']) {
      const response = await app.inject({ url, headers: { accept } })
      t.notMatch(response.body, SECRET, `${url} (${accept}): ${response.statusCode}`)
      t.ok(response.statusCode >= 400 || response.body === '<!doctype html><title>site</title>', `${url} (${accept}): a refusal or the page, got ${response.statusCode}`)
    }
  }
})

t.test('GET / ...should stay a problem+json 404 without FRONTEND_DIR and with CONSOLE_ENABLED=false', async t => {
  const { app } = await buildTestApp(t, { CONSOLE_ENABLED: 'false' })
  const response = await app.inject({ url: '/', headers: { accept: 'text/html' } })
  t.equal(response.statusCode, 404)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
})

t.test('FRONTEND_DIR without index.html ...should make the server refuse to start, naming the variable', async t => {
  const empty = await mkdtemp(join(tmpdir(), 'bff-frontend-empty-'))
  for (const dir of [empty, join(empty, 'missing')]) {
    const { code, output } = await runServer({ FRONTEND_DIR: dir, AUDIT_STORE: `sqlite:${join(empty, 'audit.db')}` })
    t.equal(code, 1, dir)
    t.match(output, `FRONTEND_DIR: ${dir} has no index.html`)
  }
})

/** `node src/server.ts` until it exits (a server that does start is killed after 20 s). */
async function runServer (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, ['src/server.ts'], { env: { PATH: process.env.PATH, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const [code] = await once(child, 'exit') as [number | null]
  clearTimeout(timer)
  return { code, output }
}
