import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

t.test('README API tokens ...should create a token, use it without cookie or CSRF, see the owner in the audit trail and revoke it, as written', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-readme-tokens-'))
  const server = await startServerProcess(t, { LOG_LEVEL: 'info', API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}`, AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}` })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in ${server.output()}`)
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('tokens')], {
    cwd: dir, env: { PATH: process.env.PATH, BFF: server.url, BFF_PASSWORD: password }, timeout: 30_000
  })
  const lines = stdout.trim().split('\n')
  t.same(lines.slice(0, 2), ['200', '201'], 'read and create with the bearer token alone')
  const { tokens } = JSON.parse(lines[2]!) as { tokens: Array<Record<string, unknown>> }
  t.match(tokens, [{ name: 'nightly sync', username: 'admin', roles: ['editor'], lastUsedAt: String }])
  t.notOk('token' in tokens[0]!, 'no value in the list')
  const { records } = JSON.parse(lines[3]!) as { records: Array<Record<string, unknown>> }
  t.match(records, [{ action: 'client.create', actor: 'admin', roles: ['editor'], via: 'api-token', credential: tokens[0]!.id, outcome: 'success' }])
  t.same(lines.slice(4), ['204', '401'], 'revoked, then refused')
  t.same((await readdir(dir)).filter(name => !/^(tokens|audit)\.db/.test(name)), [], 'no cookie jar left in the working directory')
  const token = (await readFile(join(dir, 'tokens.db'))).toString('latin1')
  t.notMatch(token, /bfft_[0-9a-f]{24}_/, 'no token value in the store')
  t.notMatch(server.output(), /bfft_[0-9a-f]{24}_/, 'nor in the server\'s log')
})
