import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import t from 'tap'
import { RULES } from '../../src/policy/evaluate.ts'
import { repo } from '../helpers/cli.ts'
import { readmeBlock } from '../helpers/readme.ts'

const run = promisify(execFile)

t.setTimeout(120_000)

t.test('docs/policy.md rules table ...should list every rule with its profiles, check, properties and source, as the code has them', async t => {
  const text = await readFile(new URL('../../docs/policy.md', import.meta.url), 'utf8')
  const table = text.split('<!-- policy-rules:start -->')[1]!.split('<!-- policy-rules:end -->')[0]!
  const rows = table.trim().split('\n').slice(2).map(row => row.slice(2, -2).split(' | '))
  const expected = RULES.map(rule => [
    `\`${rule.id}\``,
    rule.profiles === 'team' ? 'limit' : rule.profiles.join(', '),
    rule.summary,
    rule.reads.map(property => `\`${property}\``).join(', '),
    rule.source
  ])
  t.same(rows, expected)
})

t.test('docs/policy.md example ...should run as written: policy check accepts the example file', async t => {
  const { stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('policy-check')], {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: process.env.HOME }
  })
  t.match(stdout, /^\/.+\/policy\.yaml: ok: profile baseline; teams: payments \(fapi2\), mobile \(oauth2\.1\)\n$/)
  t.notMatch(stderr, /authlete-bff/, 'no error from the command (npx may warn of its own)')
})
