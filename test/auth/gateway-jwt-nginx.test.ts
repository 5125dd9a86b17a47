import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { freePort } from '../helpers/server-process.ts'
import { allRecords } from '../audit/trail.ts'
import { startGateway, type Gateway } from './gateway-jwt-support.ts'

// docs/gateway/nginx-oauth2-proxy.conf, run as written in a real nginx (only ports changed, TLS
// left out), in front of the app, with a stand-in for oauth2-proxy's auth endpoint.

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(path => existsSync(path))

interface Stage { origin: string, gateway: Gateway, app: Awaited<ReturnType<typeof buildTestApp>>['app'] }

// The auth endpoint: signed in (a `sso=<user>` cookie) gives 202 with `Authorization: Bearer <ID token>`,
// as oauth2-proxy --set-authorization-header does; otherwise 401. `sso=broken` is a misconfigured
// proxy: 202 without the token.
async function startAuthStub (t: Test, gateway: Gateway): Promise<number> {
  const server = createServer((request, response) => {
    const user = /(?:^|; )sso=([a-z]+)/.exec(request.headers.cookie ?? '')?.[1]
    if (request.url === '/oauth2/auth' && user === 'broken') return response.writeHead(202).end()
    if (request.url === '/oauth2/auth' && user !== undefined) {
      gateway.sign({ sub: user, roles: ['bff-editors'] }).then(token => response.writeHead(202, { authorization: `Bearer ${token}` }).end(), () => response.writeHead(500).end())
      return
    }
    if (request.url === '/oauth2/auth') return response.writeHead(401).end()
    response.writeHead(200, { 'content-type': 'text/html' }).end('<p>sign in</p>')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => {
    server.close(resolve)
    server.closeAllConnections()
  }))
  return (server.address() as { port: number }).port
}

async function stage (t: Test): Promise<Stage> {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, gateway.env)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const bffPort = (app.server.address() as { port: number }).port
  const authPort = await startAuthStub(t, gateway)
  const port = await freePort()
  const prefix = await mkdtemp(join(tmpdir(), 'bff-nginx-'))
  await mkdir(join(prefix, 'logs'))
  const site = (await readFile(new URL('../../docs/gateway/nginx-oauth2-proxy.conf', import.meta.url), 'utf8'))
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port};`)
    .replace(/^ *ssl_certificate.*\n/gm, '')
    .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${bffPort};`)
    .replaceAll('http://127.0.0.1:4180', `http://127.0.0.1:${authPort}`)
  await writeFile(join(prefix, 'site.conf'), site)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(kind => `${kind}_temp_path ${prefix};`).join(' ')
  await writeFile(join(prefix, 'nginx.conf'), `pid ${prefix}/nginx.pid;\nevents {}\nhttp { access_log off; ${temp} include ${prefix}/site.conf; }\n`)
  const nginx = spawn(NGINX!, ['-p', prefix, '-e', join(prefix, 'logs', 'error.log'), '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off; master_process off;'], { stdio: 'ignore' })
  t.teardown(() => { nginx.kill('SIGTERM') })
  const origin = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${origin}/oauth2/sign_in`)
      break
    } catch (error) {
      if (attempt > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${await readFile(join(prefix, 'logs', 'error.log'), 'utf8').catch(() => '')}`, { cause: error })
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  return { origin, gateway, app }
}

t.test('POST /api/clients ...should accept the user nginx vouches for with the example config, and never a token or identity the client sends itself', { skip: NGINX === undefined ? 'nginx is not installed' : false }, async t => {
  const { origin, gateway, app } = await stage(t)
  const json = { 'content-type': 'application/json', 'x-csrf': '1' }
  const create = async (headers: Record<string, string>) => await fetch(`${origin}/api/clients`, { method: 'POST', headers: { ...json, ...headers }, body: '{"clientName":"Via nginx"}' })

  const signedIn = await create({ cookie: 'sso=alice' })
  t.equal(signedIn.status, 201, 'the ID token nginx passes on is accepted, with X-CSRF: 1 and no CSRF token')
  t.match((await allRecords(app))[0], { actor: 'alice', via: 'gateway' })

  // A client's own token (here a valid one for someone else) is replaced by the one nginx got.
  const forged = await gateway.sign({ sub: 'mallory', roles: ['bff-admins'] })
  const overridden = await create({ cookie: 'sso=alice', 'x-forwarded-jwt': forged, 'x-forwarded-user': 'mallory' })
  t.equal(overridden.status, 201)
  t.match((await allRecords(app))[0], { actor: 'alice' })

  // Not signed in: nginx sends the sign-in page; the proxy is never asked.
  const anonymous = await fetch(`${origin}/api/clients`, { headers: { 'x-forwarded-jwt': forged } })
  t.match(await anonymous.text(), /sign in/)

  // An auth endpoint that forgets the token: nginx sends no x-forwarded-jwt at all, not the client's.
  const misconfigured = await create({ cookie: 'sso=broken', 'x-forwarded-jwt': forged, 'x-forwarded-user': 'mallory' })
  t.equal(misconfigured.status, 401)
  t.equal((await allRecords(app)).length, 2, 'only the two of alice')
})
