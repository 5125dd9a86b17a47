import { execFile } from 'node:child_process'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { approvalUsersFile, passwordOf } from './support.ts'

const run = promisify(execFile)

t.test('README four-eyes curl block ...should request a delete (202), refuse the requester\'s approval, apply on another admin\'s, as written', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-readme-approvals-'))
  const server = await startServerProcess(t, { APPROVALS: 'client.delete', BFF_USERS_FILE: await approvalUsersFile(), AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`, API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}` })
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('approvals')], {
    cwd: dir, env: { PATH: process.env.PATH, BFF: server.url, ALICE_PASSWORD: passwordOf('alice'), BOB_PASSWORD: passwordOf('bob') }, timeout: 30_000
  })
  const [pending, self, approved, gone] = stdout.trim().split('\n')
  t.match(JSON.parse(pending!), { status: 'pending', action: 'client.delete', requestedBy: { username: 'alice' }, reason: 'CHG-1234 app retired', diff: [{ property: 'client', after: null }] })
  t.equal(self, '403')
  t.match(JSON.parse(approved!), { status: 'approved-applied', approvals: [{ username: 'bob' }], result: { status: 204 } })
  t.equal(gone, '404', 'the client is deleted')
  t.same((await readdir(dir)).filter(name => !/^(tokens|audit)\.db/.test(name)), [], 'no cookie jar left in the working directory')
})
