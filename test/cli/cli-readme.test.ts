import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'

const run = promisify(execFile)

t.setTimeout(180_000)

t.test('docs/cli.md example ...should run as written: users add, roles, list, and audit verify refusing a missing store', async t => {
  const { stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('cli')], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME }
  })
  const lines = stdout.trimEnd().split('\n')
  t.match(lines[0], /^added alice \(editor\) to \/.+\/users\.json$/)
  t.same(lines.slice(1), ['alice: admin', 'alice\tadmin\t', 'exit code 2'])
  t.match(stderr, /authlete-bff audit verify: no audit trail at \/.+\/audit\.db \(check AUDIT_STORE or --store\)\nRun 'authlete-bff audit verify --help' for usage\./)
})
