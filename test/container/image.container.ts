import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { Pool } from 'undici'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { freePort, NO_OVERLOAD_GUARD } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { BASE_IMAGE, buildah, buildahUnavailable, buildImage, ensureBaseImage, imageConfig, imageSize, REPO, type ImageConfig } from './buildah.ts'
import { buildahRun, readOnlyRun, workingContainer, type RunningContainer } from './run-container.ts'

// `npm run test:container` (not part of `npm test`: it builds the image, about a minute). The real
// Dockerfile is built with buildah (chroot isolation) on the local stand-in for node:24-slim, then run
// twice: with `buildah run` in sandbox mode, and with a read-only root filesystem in production mode.

const TAG = 'localhost/authlete-bff:container-test'
const ADDED_SIZE_BUDGET = 80e6
const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string, license: string }

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor (what: string, condition: () => Promise<boolean> | boolean, container: RunningContainer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await condition()) {
    if (container.child.exitCode !== null) throw new Error(`the container exited (${container.child.exitCode}) before ${what}:\n${container.output()}`)
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${container.output()}`)
    await sleep(100)
  }
}

const healthy = (url: string) => async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true

async function signIn (url: string, username: string, password: string): Promise<{ cookie: string, csrf: string }> {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (response.status !== 200) throw new Error(`login as ${username}: ${response.status} ${await response.text()}`)
  const { csrfToken } = await response.json() as { csrfToken: string }
  return { cookie: response.headers.getSetCookie()[0]!.split(';')[0]!, csrf: csrfToken }
}

/** The image's HEALTHCHECK command, run in the container as Docker would (exit code 0: healthy). */
async function runHealthcheck (t: Test, container: string, config: ImageConfig, port: number): Promise<number | null> {
  const [kind, ...command] = config.Healthcheck!.Test
  if (kind !== 'CMD') throw new Error(`HEALTHCHECK is ${kind}, not the exec form`)
  return (await buildahRun(t, container, { PORT: String(port) }, command).exited).code
}

const unavailable = await buildahUnavailable()
if (unavailable !== undefined) {
  const banner = '!'.repeat(100)
  process.stderr.write(`\n${banner}\nCONTAINER TEST SKIPPED: ${unavailable}.\nThe image was NOT built, inspected or run.\n${banner}\n\n`)
  t.plan(0, `CONTAINER TEST SKIPPED, NOT PASSED: ${unavailable}`)
} else {
  const base = await ensureBaseImage()
  t.comment(`base image ${BASE_IMAGE}: ${base}`)
  await buildah(['rmi', TAG]).catch(() => {}) // the previous run's image, not left dangling
  const build = await buildImage(TAG, { VERSION: pkg.version })
  t.comment(`buildah bud: ${build.seconds.toFixed(1)} s`)
  const config = await imageConfig(TAG)

  t.test('buildah inspect ...should show the node user, port, node HEALTHCHECK, exec-form CMD, OCI labels, a data volume and under 80 MB over the base', async t => {
    t.equal(config.User, 'node', 'runs as the non-root node user')
    t.ok(config.ExposedPorts?.['3000/tcp'], 'EXPOSE 3000')
    for (const variable of ['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=3000']) t.ok(config.Env.includes(variable), variable)
    t.equal(config.Healthcheck?.Test[0], 'CMD', 'HEALTHCHECK in exec form')
    t.equal(config.Healthcheck?.Test[1], 'node', 'HEALTHCHECK uses node (no curl in the image)')
    t.same(config.Entrypoint ?? [], [], 'no ENTRYPOINT wrapper')
    t.equal(config.Cmd?.[0], 'node', 'exec-form CMD: node itself is PID 1 and gets SIGTERM')
    t.ok(config.Volumes?.['/app/data'], 'VOLUME /app/data')
    t.equal(config.Labels?.['org.opencontainers.image.version'], pkg.version)
    t.equal(config.Labels?.['org.opencontainers.image.licenses'], pkg.license)
    t.match(config.Labels?.['org.opencontainers.image.source'], /^https:\/\//)

    const [size, baseSize] = [await imageSize(TAG), await imageSize(BASE_IMAGE)]
    t.comment(`image ${(size / 1e6).toFixed(0)} MB, base ${(baseSize / 1e6).toFixed(0)} MB: ${((size - baseSize) / 1e6).toFixed(0)} MB added`)
    t.ok(size - baseSize < ADDED_SIZE_BUDGET, `added ${((size - baseSize) / 1e6).toFixed(0)} MB < 80 MB`)

    const root = await buildah(['mount', await workingContainer(t, TAG)])
    for (const absent of ['app/node_modules/tap', 'app/node_modules/typescript', 'app/node_modules/oidc-provider', 'app/test', 'app/.git', 'app/package-lock.json', 'app/src', 'app/scripts']) {
      t.notOk(existsSync(join(root, absent)), `no ${absent} in the image (production dependencies and compiled JavaScript only, .dockerignore)`)
    }
    t.same(config.Cmd?.slice(-1), ['dist/src/server.js'], 'CMD runs the compiled server')
    for (const present of ['app/dist/src/server.js', 'app/node_modules/fastify', 'app/node_modules/argon2', 'app/dist/src/cli.js', 'app/examples/console/index.html', 'app/dist/console/index.html', 'app/dist/console/app.js']) {
      t.ok(existsSync(join(root, present)), `${present} is in the image`)
    }
  })

  t.test('buildah run (sandbox mode) ...should pass its HEALTHCHECK, log in, list clients, exit 0 on SIGTERM, and then fail the HEALTHCHECK', async t => {
    const container = await workingContainer(t, TAG)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = buildahRun(t, container, { PORT: String(port), NODE_ENV: 'development', LOG_LEVEL: 'info', ...NO_OVERLOAD_GUARD }, config.Cmd!)
    await waitFor('the server to be healthy', healthy(url), server)
    await waitFor('the sandbox password in the output', () => /with the password \S+/.test(server.output()), server, 5000)
    const password = server.output().match(/with the password (\S+)/)?.[1]

    t.equal(await runHealthcheck(t, container, config, port), 0, 'HEALTHCHECK passes while it runs')
    const { cookie } = await signIn(url, 'admin', password!)
    const list = await fetch(`${url}/api/clients?limit=5`, { headers: { cookie } })
    t.equal(list.status, 200, 'GET /api/clients through the container')
    const page = await list.json() as { clients: unknown[], total: number }
    t.ok(page.clients.length > 0 && page.total > 0, `lists the sandbox's clients (${page.total})`)

    process.kill(await server.nodePid(), 'SIGTERM')
    const { code } = await server.exited
    t.equal(code, 0, 'node exits 0 after SIGTERM (buildah run passes its exit code on)')
    t.match(server.output(), '"msg":"draining"', 'the server drained')
    t.not(await runHealthcheck(t, container, config, port), 0, 'HEALTHCHECK fails once the server is gone')
  })

  t.test('read-only root, production, secrets via _FILE ...should serve, write only to /app/data, and finish in-flight requests on SIGTERM as PID 1', async t => {
    const upstream = await startFaultUpstream(t)
    const CLIENT = { clientId: 1234, clientName: 'In a container' }
    upstream.answer((request, response) => setTimeout(() => {
      if (request.method === 'POST') json(response, 200, { resultCode: 'A215001', resultMessage: 'ok' })
      else json(response, 200, CLIENT)
    }, 400))
    const secrets = {
      authlete_token: 'container-test-authlete-token-3f9a',
      session_secret: 'container-test-session-secret-0123456789abcdef',
      'users.json': await readFile(await testUsersFile(), 'utf8')
    }
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const server = await readOnlyRun(t, await workingContainer(t, TAG), config, {
      PORT: String(port),
      LOG_LEVEL: 'debug', // the arrival of each request is a debug line
      AUTHLETE_BASE_URL: upstream.url,
      AUTHLETE_SERVICE_ID: '5',
      AUTHLETE_SERVICE_ACCESS_TOKEN_FILE: '/run/secrets/authlete_token',
      SESSION_SECRET_FILE: '/run/secrets/session_secret',
      BFF_USERS_FILE: '/run/secrets/users.json',
      RATE_LIMIT_READ: '100000/1m',
      RATE_LIMIT_WRITE: '100000/1m',
      SHUTDOWN_TIMEOUT: '10',
      // Production needs METRICS_TOKEN or a listener of its own for /metrics.
      METRICS_PORT: String(await freePort()),
      ...NO_OVERLOAD_GUARD
    }, secrets)
    await waitFor('the server to be healthy', healthy(url), server)
    await waitFor('the start-up lines in the output', () => /rootfs: /.test(server.output()) && server.output().includes('Server listening'), server, 5000)
    t.match(server.output(), 'rootfs: read-only', 'the root filesystem refuses writes (checked as root before the CMD starts)')
    t.match(server.output(), '"pid":1,', 'node is PID 1 in its PID namespace')

    const { cookie, csrf } = await signIn(url, 'editor', PASSWORDS.editor)
    const pool = new Pool(url, { connections: 64 })
    t.teardown(() => pool.destroy())
    const calls = Array.from({ length: 40 }, async (_, index) => {
      try {
        const response = await pool.request(index % 2 === 0
          ? { method: 'GET', path: '/api/clients/1234', headers: { cookie } }
          : { method: 'PUT', path: '/api/clients/1234/lock', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{"locked":true}' })
        return { status: response.statusCode, body: await response.body.text() }
      } catch (error) {
        return { error: (error as Error).message }
      }
    })
    const incoming = () => server.output().split('\n').filter(line => line.includes('"msg":"incoming request"') && line.includes('/api/clients/1234')).length
    await waitFor('40 calls at the proxy and 10 at the upstream', () => incoming() >= 40 && upstream.requests.length >= 10, server)
    const signalled = Date.now()
    process.kill(await server.nodePid(), 'SIGTERM')
    const settled = await Promise.all(calls)
    const { code } = await server.exited
    const statuses = settled.map(result => result.status ?? result.error).join(',')
    t.comment(`SIGTERM with 40 calls in flight (upstream answering 400 ms late): exit ${code} after ${Date.now() - signalled} ms; answers: ${summarize(settled)}`)
    t.equal(code, 0, 'node (PID 1) handled SIGTERM and exited 0')
    t.match(server.output(), '"msg":"draining"')
    t.same(settled.filter(result => result.error !== undefined), [], 'no call was cut off')
    for (const result of settled) {
      if (result.status === 200) continue
      t.equal(result.status, 503, `200 or a clean 503 (${statuses})`)
      t.match(JSON.parse(result.body ?? '{}'), { code: /^BFF_/ }, 'the 503 is a problem document')
    }
    t.ok(settled.some(result => result.status === 200), 'calls in flight at SIGTERM were answered')

    const written = await readdir(server.volumes['/app/data']!)
    t.ok(written.includes('audit.db'), `the audit trail is on the /app/data volume (${written.join(', ')})`)
    for (const secret of [secrets.authlete_token, secrets.session_secret]) t.notMatch(server.output(), secret, 'no secret in the logs')
  })
}

function summarize (settled: Array<{ status?: number, error?: string }>): string {
  const counts = new Map<string, number>()
  for (const result of settled) {
    const key = result.status !== undefined ? String(result.status) : `error ${result.error}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([key, count]) => `${count} x ${key}`).join(', ')
}
