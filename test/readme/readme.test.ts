import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

// The README's curl block, run as written against `npm start`'s server (sandbox mode), on a free port
// given as BFF: a fixed port would meet another test's server; the overload guard is off (a busy test
// machine stalls the event loop: 503 BFF_OVERLOADED is no answer the README shows).
async function readmeCurlBlock (): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('<!-- readme-test:start -->')[1]?.split('<!-- readme-test:end -->')[0]
  const script = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
  if (script === undefined) throw new Error('README has no readme-test block')
  return script
}

/**
 * `node src/server.ts` in sandbox mode, as `npm start` runs it, on a free port (the README's
 * `BFF=${BFF:-http://localhost:3000}` takes it); answers its URL and the admin password it printed.
 */
async function startServer (t: Test): Promise<{ bff: string, password: string }> {
  const server = await startServerProcess(t, {})
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in the output: ${server.output()}`)
  return { bff: server.url, password }
}

t.test('README curl examples ...should log in, list, create, read, lock, refresh a secret and log out as written', async t => {
  const { bff, password } = await startServer(t)
  const cwd = await mkdtemp(join(tmpdir(), 'bff-readme-'))
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeCurlBlock()], {
    cwd, env: { PATH: process.env.PATH, BFF: bff, BFF_PASSWORD: password }
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

  // docs/audit.md: the NDJSON stream, after README's block (which logged out and removed its jar),
  // with a session of its own, in a jar it removes too.
  const ndjson = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('audit-ndjson')], { cwd, env: { PATH: process.env.PATH, BFF: bff, BFF_PASSWORD: password } })
  const records = ndjson.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
  t.ok(records.length >= 1, 'one JSON document per line')
  t.same(await readdir(cwd), [], 'no cookie jar left in the working directory')
  t.match(records, records.map(() => ({ action: 'client.lock', actor: 'admin', outcome: 'success', changedProperties: ['locked'] })), 'the lock records')
})
