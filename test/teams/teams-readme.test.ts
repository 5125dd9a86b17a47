import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

t.test('docs/teams.md ...should show two team users each seeing only their own clients and refused the other\'s, as written', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-readme-teams-'))
  const server = await startServerProcess(t, { ACCESS_MODEL: 'teams', API_TOKEN_STORE: 'memory', AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}` })
  const password = (user: string) => {
    const found = server.output().match(new RegExp(`"${user}" \\([^)]*\\) with the password (\\S+)`))?.[1]
    if (found === undefined) throw new Error(`no password for ${user} in ${server.output()}`)
    return found
  }
  t.match(server.output(), /"admin" \(admin of every team\)/)
  t.match(server.output(), /"alice" \(editor of acme\)/)
  t.match(server.output(), /"bob" \(viewer of globex, initech\)/)
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('teams')], {
    cwd: dir, env: { PATH: process.env.PATH, BFF: server.url, ALICE_PASSWORD: password('alice'), BOB_PASSWORD: password('bob') }, timeout: 30_000
  })
  const lines = stdout.trim().split('\n')
  t.same(lines.slice(0, 5), [
    '"clientName":"Acme Customer Portal"',
    '"clientName":"Acme Mobile"',
    '"clientName":"Globex Reporting Service"',
    '"clientName":"Initech Billing"',
    '"clientName":"Initech Intranet"'
  ], 'alice sees acme, bob globex and initech')
  t.same(lines.slice(5, 9), ['404', '404', '404', '404'], 'refused as if missing, reading and writing')
  t.match(lines[9], /"resultCode":"A\d+"/, 'her own client, by alias')
  t.equal(lines[10], '"developer":"acme"')
})
