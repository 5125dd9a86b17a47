import { execFile } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { policyFile } from './http-support.ts'

const repo = join(import.meta.dirname, '..', '..')

// Two start-ups of the server, on a shared machine.
t.setTimeout(240_000)

/** node src/server.ts with `env`, until it exits (a refused start-up exits at once). */
function start (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, ['src/server.ts'], { cwd: repo, timeout: 60_000, env: { PATH: process.env.PATH!, PORT: '0', LOG_LEVEL: 'warn', AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error as { code?: number }).code ?? null, output: stdout + stderr })
    })
  })
}

t.test('node src/server.ts ...should refuse to start with a bad POLICY_FILE, naming the file and the path of the first error, exit 2', async t => {
  const file = await policyFile({ profile: 'baseline', teams: { acme: { rules: { maxAccessTokenSeconds: 'an hour' } } } })
  const { code, output } = await start({ POLICY_FILE: file })
  t.equal(code, 2)
  t.match(output, `authlete-bff cannot start: POLICY_FILE: ${file}: /teams/acme/rules/maxAccessTokenSeconds`)
  t.notMatch(output, /\n\s+at /, 'no stack trace')
  const missing = await start({ POLICY_FILE: join(repo, 'no-such-policy.yaml') })
  t.equal(missing.code, 2)
  t.match(missing.output, /no-such-policy\.yaml: does not exist/)
})

t.test('node src/server.ts ...should refuse an unknown POLICY_PROFILE, listing the profiles', async t => {
  const { code, output } = await start({ POLICY_PROFILE: 'strict' })
  t.equal(code, 2)
  t.match(output, 'POLICY_PROFILE: must be one of baseline, oauth2.1, fapi2, off')
})
