import { execFile } from 'node:child_process'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

t.test('docs/history.md curl block ...should show the versions, their diff, restore version 1 and verify, as written', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-readme-history-'))
  const server = await startServerProcess(t, { AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`, API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}` })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in ${server.output()}`)
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('history')], {
    cwd: dir, env: { PATH: process.env.PATH, BFF: server.url, BFF_PASSWORD: password }, timeout: 30_000
  })
  const [history, diff, restored, verified] = stdout.trim().split('\n')
  t.match(JSON.parse(history!), { versions: [{ version: 2, action: 'client.patch', actor: 'admin', changed: ['redirectUris'] }, { version: 1, action: 'client.create' }], next: null })
  t.same(JSON.parse(diff!), { changes: [{ property: 'redirectUris', before: ['https://shop.example/cb'], after: ['https://shop.example/callback'], added: ['https://shop.example/callback'], removed: ['https://shop.example/cb'] }] })
  t.equal(restored, '200')
  t.match(JSON.parse(verified!), { ok: true, versions: 7 }, 'the sandbox\'s four seeded versions and this client\'s three')
  t.same((await readdir(dir)).filter(name => !/^(tokens|audit)\.db/.test(name)), [], 'no cookie jar left in the working directory')
})
