import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { runCli as cli, type CliRun } from '../helpers/cli.ts'

// Each command is a Node process of its own, a second or more on a loaded machine.
t.setTimeout(180_000)

t.test('authlete-bff policy check FILE ...should exit 0 with a one-line summary, or 2 with the first error\'s path and what is accepted', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-policy-cli-'))
  const good = join(dir, 'policy.json')
  await writeFile(good, JSON.stringify({ profile: 'oauth2.1', teams: { acme: { profile: 'fapi2' }, hooli: { rules: { maxAccessTokenSeconds: 600 } } } }))
  const weaker = join(dir, 'weaker.yml')
  await writeFile(weaker, 'profile: oauth2.1\nteams:\n  acme:\n    profile: baseline\n')
  const unknown = join(dir, 'unknown.yaml')
  await writeFile(unknown, 'profile: baseline\nrules:\n  maxAccessTokenSecs: 60\n')

  const [ok, refused, typo, missing] = await Promise.all([good, weaker, unknown, join(dir, 'missing.yaml')].map(file => cli(['policy', 'check', file]))) as [CliRun, CliRun, CliRun, CliRun]
  t.same(ok, { code: 0, stdout: `${good}: ok: profile oauth2.1; teams: acme (fapi2), hooli (oauth2.1)\n`, stderr: '' })
  t.same(refused, { code: 2, stdout: '', stderr: `authlete-bff policy check: ${weaker}: /teams/acme/profile: 'baseline' is weaker than the global profile 'oauth2.1': a team's profile may only be the same or stricter (off < baseline < oauth2.1 < fapi2)\n` })
  t.equal(typo.code, 2)
  t.match(typo.stderr, `${unknown}: /rules/maxAccessTokenSecs: unknown key 'maxAccessTokenSecs': accepted here: redirectUriHosts, grantTypes, tokenAuthMethods, maxAccessTokenSeconds, maxRefreshTokenSeconds\n`)
  t.same(missing, { code: 2, stdout: '', stderr: `authlete-bff policy check: ${join(dir, 'missing.yaml')}: does not exist\n` })
})

t.test('authlete-bff policy ...should print its help and answer usage mistakes with exit 2 and a pointer to --help', async t => {
  const [group, check, bare, none, extra] = await Promise.all([['policy', '--help'], ['policy', 'check', '--help'], ['policy'], ['policy', 'check'], ['policy', 'check', 'a.yaml', 'b.yaml']].map(args => cli(args))) as [CliRun, CliRun, CliRun, CliRun, CliRun]
  t.equal(group.code, 0)
  t.match(group.stdout, /^Usage: authlete-bff policy <command>[\s\S]*check +validate a policy file offline/)
  t.equal(check.code, 0)
  t.match(check.stdout, /^Usage: authlete-bff policy check FILE\n[\s\S]*exit 0[\s\S]*exit 2/)
  t.equal(bare.code, 2, 'bare group: its help on stderr')
  t.same([none.code, none.stderr], [2, 'authlete-bff policy check: give the policy file: policy check FILE\nRun \'authlete-bff policy check --help\' for usage.\n'])
  t.same([extra.code, extra.stderr], [2, 'authlete-bff policy check: unexpected argument \'b.yaml\'\nRun \'authlete-bff policy check --help\' for usage.\n'])
})
