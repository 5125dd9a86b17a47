// The security policy's cost (issue 23): PATCH of the fixture client and a create, each with
// POLICY_PROFILE=off (a) against fapi2 (b), the strictest profile, through ab.ts's alternating runs.
//   node bench/policy.ts [--rounds 10] [--seconds 4]
// The fixture client breaks fapi2, so its PATCH is judged with its violations as warnings (the ratchet).
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' }, seconds: { type: 'string', default: '4' } } })
const repo = new URL('..', import.meta.url).pathname
const app = process.env.BENCH_APP ?? repo

for (const method of ['PATCH', 'POST']) {
  process.stdout.write(`\n${method}: a = POLICY_PROFILE=off, b = POLICY_PROFILE=fapi2\n`)
  execFileSync(process.execPath, ['bench/ab.ts', '--a-app', app, '--b-app', app, '--a-env', 'POLICY_PROFILE=off', '--b-env', 'POLICY_PROFILE=fapi2', '--method', method, '--rounds', values.rounds!, '--seconds', values.seconds!], { cwd: repo, stdio: 'inherit' })
}
