import { spawn, execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { readmeBlock } from '../helpers/readme.ts'

const run = promisify(execFile)

// The README's curl block, run as written against `npm start`'s server (sandbox mode, port 3000).
async function readmeCurlBlock (): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('<!-- readme-test:start -->')[1]?.split('<!-- readme-test:end -->')[0]
  const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
  if (script === undefined) throw new Error('README has no readme-test block')
  return script
}

async function startServer (t: Test): Promise<string> {
  const server = spawn(process.execPath, ['src/server.ts'], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH, PORT: '3000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  t.teardown(() => { server.kill('SIGTERM') })
  let stderr = ''
  return await new Promise((resolve, reject) => {
    server.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const password = stderr.match(/with the password (\S+)/)?.[1]
      // The banner comes before listening; wait for the port by polling /healthz.
      if (password !== undefined) waitForHealth().then(() => resolve(password), reject)
    })
    server.on('exit', code => reject(new Error(`server exited with ${code}: ${stderr}`)))
  })
}

async function waitForHealth (): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch('http://localhost:3000/healthz')).ok) return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error('server did not become healthy')
}

t.test('README curl examples ...should log in, list, create, read, lock, refresh a secret and log out as written', async t => {
  const password = await startServer(t)
  const cwd = await mkdtemp(join(tmpdir(), 'bff-readme-'))
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeCurlBlock()], {
    cwd, env: { PATH: process.env.PATH, BFF_PASSWORD: password }
  })
  const lines = stdout.trim().split('\n')
  t.match(lines[0], /^\{"clients":\[.*\],"total":\d+,"offset":0,"limit":5\}$/, 'the list')
  t.match(lines[1], /"clientName":"My app"/, 'the created client read back')
  t.match(lines[2], /^\{"resultCode":"[A-Z0-9]+","resultMessage":".*lock/, 'the lock result')
  t.match(lines[3], /"newClientSecret":"[A-Za-z0-9_-]+","oldClientSecret":"[A-Za-z0-9_-]+"/, 'the refreshed secret')
  const audit = JSON.parse(lines[4]!) as { records: Array<{ action: string, actor: string, outcome: string, changedProperties: string[] | null }> }
  t.match(audit.records, [
    { action: 'client.secret.refresh', actor: 'admin', outcome: 'success' },
    { action: 'client.lock', actor: 'admin', outcome: 'success', changedProperties: ['locked'] }
  ], 'the audit trail of the client')
  t.ok(Number(lines[5]) >= 3, 'the NDJSON export has a line per record (create, lock, refresh at least)')
  t.same(lines.slice(6), ['204', '401'], 'logout, then the old cookie is refused')
  t.same(await readdir(cwd), [], 'no cookie jar (a live session) left in the working directory')

  // docs/audit.md: the NDJSON stream, with a session of its own in $JAR.
  const jar = join(cwd, 'audit-jar')
  const login = await run('curl', ['-s', '-c', jar, '-H', 'content-type: application/json', '-d', JSON.stringify({ username: 'admin', password }), 'http://localhost:3000/auth/login'])
  t.match(login.stdout, /"csrfToken"/)
  const ndjson = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('audit-ndjson')], { cwd, env: { PATH: process.env.PATH, BFF: 'http://localhost:3000', JAR: jar } })
  const records = ndjson.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
  t.ok(records.length >= 1, 'one JSON document per line')
  t.match(records, records.map(() => ({ action: 'client.lock', actor: 'admin', outcome: 'success', changedProperties: ['locked'] })), 'the lock records')
})
