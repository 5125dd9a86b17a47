import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startServerProcess } from '../helpers/server-process.ts'

const run = promisify(execFile)

t.test('README Guardrails ...should show a refused create, a check and a compliance as written', async t => {
  const server = await startServerProcess(t, {})
  const password = server.output().match(/with the password (\S+)/)?.[1]
  if (password === undefined) throw new Error(`no sandbox password in the output: ${server.output()}`)
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('guardrails')], { env: { PATH: process.env.PATH, BFF: server.url, BFF_PASSWORD: password } })
  const lines = stdout.trim().split('\n')
  const refusal = JSON.parse(lines[0]!)
  t.match(refusal, { status: 422, code: 'BFF_POLICY_VIOLATION', violations: [{ rule: 'no-implicit-grant', fix: String }, { rule: 'no-token-response-types' }] })
  t.equal(lines[1], '422')
  t.match(JSON.parse(lines[2]!), { violations: [], filled: ['pkceRequired', 'pkceS256Required', 'tokenAuthMethod'] })
  t.match(JSON.parse(lines[3]!), { clientId: '26478243745571', profile: 'baseline', violations: [{ rule: 'pkce-required' }, { rule: 'pkce-s256' }], exceptions: [] })
})
