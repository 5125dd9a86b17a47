import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

t.test('docs/security.md login failures ...should count three failures and let the admin clear them, as written', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-readme-login-failures-'))
  const server = await startServerProcess(t, { LOG_LEVEL: 'info', API_TOKEN_STORE: 'memory', AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}` })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in ${server.output()}`)
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('login-failures')], {
    cwd: dir, env: { PATH: process.env.PATH, BFF: server.url, BFF_PASSWORD: password }, timeout: 30_000
  })
  t.same(stdout.trim().split('\n'), ['401', '401', '401', '{"failuresCleared":3}'])
})
