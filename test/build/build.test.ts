// `npm run build` (tsconfig.build.json) compiles what the image runs: the server and the two scripts
// shipped in it, as plain JavaScript whose relative imports name .js files.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, symlink, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startServerProcess } from '../helpers/server-process.ts'

const repo = new URL('../..', import.meta.url).pathname
const run = promisify(execFile)

// A full tsc run, the console bundle and three server starts: about 60 s alone on 2 cores.
t.setTimeout(300_000)

/** Every file under a folder, as paths relative to it. */
async function filesUnder (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter(entry => entry.isFile()).map(entry => join(entry.parentPath, entry.name).slice(dir.length + 1))
}

t.test('npm run build ...should compile the server and the command line to JavaScript that runs with type stripping off', async t => {
  // The build goes to a folder of its own (beside a copy of package.json, for "type": "module", and
  // the repository's node_modules), so a dist/ in the checkout is neither needed nor touched.
  const out = await mkdtemp(join(tmpdir(), 'bff-build-'))
  t.teardown(() => rm(out, { recursive: true, force: true }))
  await copyFile(join(repo, 'package.json'), join(out, 'package.json'))
  await symlink(join(repo, 'node_modules'), join(out, 'node_modules'))
  await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(out, 'dist')], { cwd: repo })
  await run(process.execPath, [join(repo, 'scripts', 'build-console.ts'), join(out, 'dist', 'console')], { cwd: repo })

  const files = await filesUnder(join(out, 'dist'))
  t.ok(files.includes('src/server.js'), 'dist/src/server.js')
  t.ok(files.includes('src/cli.js'), 'dist/src/cli.js')
  t.same(files.filter(file => !file.endsWith('.js') && !file.startsWith('console/')), [], 'only .js files (and the console bundle)')
  const tsImports: string[] = []
  for (const file of files) {
    const text = await readFile(join(out, 'dist', file), 'utf8')
    for (const match of text.matchAll(/(?:from\s*|import\s*\(\s*)['"](\.{1,2}\/[^'"]+\.ts)['"]/g)) tsImports.push(`${file}: ${match[1]!}`)
  }
  t.same(tsImports, [], 'no relative import still names a .ts file')

  // --no-experimental-strip-types: a .ts module anywhere in the server would fail to load.
  const server = await startServerProcess(t, { LOG_LEVEL: 'info' }, { script: 'dist/src/cli.js', args: ['serve'], cwd: out, nodeArgs: ['--no-experimental-strip-types'] })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  t.ok(password, 'the sandbox admin\'s password is announced')
  const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
  t.equal(login.status, 200, 'POST /auth/login')
  t.match(await (await fetch(`${server.url}/`)).text(), '<title>authlete-bff admin console</title>', 'the console at /')
  const cookie = login.headers.getSetCookie().map(value => value.split(';')[0]).join('; ')
  const page = await fetch(`${server.url}/api/clients?limit=1`, { headers: { cookie } })
  t.equal(page.status, 200, 'GET /api/clients through the compiled server')
  const { clients } = await page.json() as { clients: Array<{ clientId: number }> }
  const client = await fetch(`${server.url}/api/clients/${clients[0]!.clientId}`, { headers: { cookie } })
  t.equal(client.status, 200, 'GET /api/clients/:id')
  t.match(client.headers.get('etag'), /^"[\w-]{27}"$/, 'with its ETag')

  // The server's own trail (the default ./data/audit.db of its working directory).
  const verify = await run(process.execPath, ['--no-experimental-strip-types', 'dist/src/cli.js', 'audit', 'verify'], { cwd: out, env: { PATH: process.env.PATH } })
    .then(() => 0, (error: { code: number }) => error.code)
  t.equal(verify, 0, 'node dist/src/cli.js audit verify runs (an empty audit trail is intact)')
  server.child.kill('SIGTERM')

  // `npm run start:dist`, as the image's users and process managers run it, stopped by signalling npm.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const npm = await startServerProcess(t, { LOG_LEVEL: 'info' }, { cwd: out, command: ['npm', 'run', 'start:dist'] })
    const pid = Number(npm.output().match(/"pid":(\d+)/)?.[1])
    t.teardown(() => { try { process.kill(pid, 'SIGKILL') } catch {} })
    npm.child.kill(signal)
    t.notOk(await stillAnswering(npm.url, 30_000), `npm run start:dist, signalled ${signal}: the server stopped`)
  }
})

/** Whether the server at `url` still answers once `withinMs` have passed (false as soon as it refuses). */
async function stillAnswering (url: string, withinMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < withinMs;) {
    if (!await fetch(`${url}/healthz`).then(() => true, () => false)) return false
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return true
}
