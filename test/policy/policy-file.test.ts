import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Value } from 'typebox/value'
import { loadPolicy, parsePolicy, PolicyFileError, RuleIdSchema } from '../../src/policy/policy-file.ts'

const YAML = `profile: baseline
rules:
  redirectUriHosts: ['*.example.com']
  maxAccessTokenSeconds: 3600
teams:
  acme:
    profile: fapi2
    rules:
      redirectUriHosts: ['*.acme.example.com']
      tokenAuthMethods: [PRIVATE_KEY_JWT]
`

function refusal (text: string, fileName = 'policy.yaml'): { path: string, message: string } {
  try {
    parsePolicy(text, fileName)
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error
    return { path: error.path, message: error.message }
  }
  throw new Error(`accepted: ${text}`)
}

t.test('parsePolicy ...should read YAML (.yaml, .yml) and JSON (.json) into the same policy', async t => {
  const expected = {
    profile: 'baseline',
    rules: { redirectUriHosts: ['*.example.com'], maxAccessTokenSeconds: 3600 },
    teams: { acme: { profile: 'fapi2', rules: { redirectUriHosts: ['*.acme.example.com'], tokenAuthMethods: ['PRIVATE_KEY_JWT'] } } }
  }
  t.same(parsePolicy(YAML, 'policy.yaml'), expected)
  t.same(parsePolicy(YAML, 'POLICY.YML'), expected)
  t.same(parsePolicy(JSON.stringify(expected), 'policy.json'), expected)
  t.same(parsePolicy('profile: off', 'p.yaml'), { profile: 'off', rules: {}, teams: {} })
  t.same(parsePolicy('\uFEFF{"profile": "off"}', 'p.json'), { profile: 'off', rules: {}, teams: {} }, 'a byte order mark is no content')
  t.same(parsePolicy('profile: off\napprovals: [{action: client.delete}]', 'p.yaml'), { profile: 'off', rules: {}, teams: {}, approvals: [{ action: 'client.delete' }] }, 'the global approval rules')
})

t.test('parsePolicy ...should refuse a file with the JSON pointer of its first error and what is accepted there', async t => {
  const cases: Array<[string, string, RegExp]> = [
    ['rules: {}', '/profile', /is required: one of off, baseline, oauth2\.1, fapi2/],
    ['profile: strict', '/profile', /must be one of off, baseline, oauth2\.1, fapi2 \(weakest to strictest\)$/],
    ['profile: "\uFEFFoff"', '/profile', /must be one of off/],
    ['profile: baseline\napprovals: [{quorum: 2}]', '/approvals/0/action', /is required: one of client\.delete, client\.secret\.refresh, .*client\.patch$/],
    ['profile: baseline\napprovals: {}', '/approvals', /must be a list of approval rules, one per action/],
    ['profile: baseline\napprovers: []', '/approvers', /unknown key 'approvers': accepted here: profile, rules, approvals, teams/],
    ['profile: baseline\nrules:\n  maxAccesTokenSeconds: 60', '/rules/maxAccesTokenSeconds', /unknown key 'maxAccesTokenSeconds': accepted here: redirectUriHosts, grantTypes, tokenAuthMethods, maxAccessTokenSeconds, maxRefreshTokenSeconds/],
    ['profile: baseline\nteams:\n  acme:\n    rulez: {}', '/teams/acme/rulez', /unknown key 'rulez': accepted here: profile, rules/],
    ['profile: baseline\nteams:\n  "-acme": {}', '/teams/-acme', /'-acme' is not a team name: a letter or digit/],
    ['profile: baseline\nrules:\n  grantTypes: [AUTHORIZATION_CODE, MAGIC]', '/rules/grantTypes/1', /must be one of AUTHORIZATION_CODE, IMPLICIT, PASSWORD/],
    ['profile: baseline\nrules:\n  tokenAuthMethods: [NONE, NONE]', '/rules/tokenAuthMethods', /must be a list of client authentication methods, each once$/],
    ['profile: baseline\nrules:\n  tokenAuthMethods: [SECRET]', '/rules/tokenAuthMethods/0', /must be one of NONE, CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, CLIENT_SECRET_JWT, PRIVATE_KEY_JWT, TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH$/],
    ['profile: baseline\nrules:\n  grantTypes: [PASSWORD, PASSWORD]', '/rules/grantTypes', /must be a list of grant types, each once$/],
    ['profile: baseline\nrules:\n  redirectUriHosts: [a.example.com, a.example.com]', '/rules/redirectUriHosts', /must be a list of host patterns, each once$/],
    ['profile: baseline\nrules: 5', '/rules', /must be a mapping of limits$/],
    ['profile: baseline\nteams: 5', '/teams', /must be a mapping of team names \(a letter or digit, .*\) to a profile and rules$/],
    ['profile: baseline\nteams:\n  acme: 5', '/teams/acme', /must be a mapping with profile, rules and approvals$/],
    ['profile: baseline\nrules:\n  redirectUriHosts: ["*"]', '/rules/redirectUriHosts/0', /must be a host \(app\.example\.com\), \*\. and a domain/],
    ['profile: baseline\nrules:\n  redirectUriHosts: ["a.*.example"]', '/rules/redirectUriHosts/0', /must be a host/],
    ['profile: baseline\nteams:\n  acme:\n    rules:\n      maxRefreshTokenSeconds: 0', '/teams/acme/rules/maxRefreshTokenSeconds', /1 or more/],
    ['profile: baseline\nrules:\n  maxAccessTokenSeconds: 1.5', '/rules/maxAccessTokenSeconds', /whole number of seconds/],
    ['- profile: baseline', '', /must be a mapping with profile/],
    ['', '', /must be a mapping with profile/],
    ['profile: [baseline', '', /is not valid YAML: .* at line 1, column 19$/],
    ['profile: baseline\nprofile: off', '', /is not valid YAML: Map keys must be unique/],
    ['profile: baseline\n---\nprofile: off', '', /is not valid YAML: more than one document \(---\): a policy file is one document, at line 2/],
    ['profile: baseline\n"rules/x~y": {}', '/rules~1x~0y', /unknown key 'rules\/x~y'/]
  ]
  for (const [text, path, message] of cases) {
    const refused = refusal(text)
    t.equal(refused.path, path, text)
    t.match(refused.message, message, text)
    t.match(refused.message, path === '' ? /^policy\.yaml: / : `policy.yaml: ${path}: `, 'names the file, then the place')
  }
  t.match(refusal('{"profile": "baseline",}', 'p.json'), { path: '', message: /^p\.json: is not valid JSON/ })
  t.match(refusal('{"profile":x}', 'p.json'), { path: '', message: /^p\.json: is not valid JSON: .*"\{"profile":x\}" is not valid JSON$/ }, 'the parser\'s first line, its colons kept')
  t.match(refusal('profile = "baseline"', 'p.toml'), { path: '', message: /has the extension '\.toml': a policy file is YAML \(\.yaml, \.yml\) or JSON \(\.json\)/ })
})

t.test('parsePolicy ...should refuse a team setting weaker than the global one, naming it', async t => {
  const weaker: Array<[string, string, RegExp]> = [
    ['profile: oauth2.1\nteams:\n  acme:\n    profile: baseline', '/teams/acme/profile', /'baseline' is weaker than the global profile 'oauth2\.1'.*off < baseline < oauth2\.1 < fapi2/],
    ['profile: baseline\nteams:\n  acme:\n    profile: off', '/teams/acme/profile', /weaker/],
    ['profile: baseline\nrules:\n  grantTypes: [AUTHORIZATION_CODE, REFRESH_TOKEN]\nteams:\n  acme:\n    rules:\n      grantTypes: [AUTHORIZATION_CODE, CLIENT_CREDENTIALS]', '/teams/acme/rules/grantTypes/1', /'CLIENT_CREDENTIALS' is outside the global grantTypes \(AUTHORIZATION_CODE, REFRESH_TOKEN\): a team may only narrow the global list/],
    ['profile: baseline\nrules:\n  tokenAuthMethods: []\nteams:\n  acme:\n    rules:\n      tokenAuthMethods: [NONE]', '/teams/acme/rules/tokenAuthMethods/0', /outside the global tokenAuthMethods \(none\)/],
    ['profile: baseline\nrules:\n  redirectUriHosts: ["*.example.com"]\nteams:\n  ok:\n    rules:\n      redirectUriHosts: ["*.example.com", "a.example.com", "*.b.example.com"]\n  acme:\n    rules:\n      redirectUriHosts: ["example.com"]', '/teams/acme/rules/redirectUriHosts/0', /'example\.com' is outside the global redirectUriHosts \(\*\.example\.com\)/],
    ['profile: baseline\nrules:\n  maxRefreshTokenSeconds: 86400\nteams:\n  acme:\n    rules:\n      maxRefreshTokenSeconds: 86401', '/teams/acme/rules/maxRefreshTokenSeconds', /86401 is more than the global maxRefreshTokenSeconds 86400: a team may only lower it/]
  ]
  for (const [text, path, message] of weaker) t.match(refusal(text), { path, message }, path)
  t.same(parsePolicy('profile: oauth2.1\nrules:\n  maxAccessTokenSeconds: 600\n  tokenAuthMethods: [NONE]\n  redirectUriHosts: ["*.example.com", "*.example.org"]\nteams:\n  acme:\n    profile: oauth2.1\n    rules:\n      maxAccessTokenSeconds: 600\n      grantTypes: [CLIENT_CREDENTIALS]\n      redirectUriHosts: [a.example.org]', 'p.yaml').teams.acme, {
    profile: 'oauth2.1', rules: { maxAccessTokenSeconds: 600, grantTypes: ['CLIENT_CREDENTIALS'], redirectUriHosts: ['a.example.org'] }
  }, 'the same as the global one, a limit the global rules leave open, a list left to the global one, a host any global pattern covers: accepted')
})

t.test('loadPolicy ...should read POLICY_FILE, or else give the profile alone (baseline by default)', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-policy-'))
  await writeFile(join(dir, 'policy.yml'), YAML)
  t.equal((await loadPolicy({ file: join(dir, 'policy.yml'), profile: 'off' })).profile, 'baseline', 'the file\'s profile wins')
  t.same(await loadPolicy({}), { profile: 'baseline', rules: {}, teams: {} })
  t.same(await loadPolicy({ profile: 'fapi2' }), { profile: 'fapi2', rules: {}, teams: {} })
  await t.rejects(loadPolicy({ file: join(dir, 'missing.yaml') }), { name: 'PolicyFileError', path: '', message: /missing\.yaml: does not exist/ })
  await writeFile(join(dir, 'big.yaml'), `profile: baseline\n#${'x'.repeat(1024 * 1024)}\n`)
  await t.rejects(loadPolicy({ file: join(dir, 'big.yaml') }), { message: /cannot be read: larger than 1048576 bytes/ })
  const header = 'profile: fapi2\n#'
  await writeFile(join(dir, 'largest.yaml'), `${header}${'x'.repeat(1024 * 1024 - header.length - 1)}\n`)
  t.equal((await loadPolicy({ file: join(dir, 'largest.yaml') })).profile, 'fapi2', 'a file of exactly 1 MiB is read')
})

t.test('RuleIdSchema ...should accept the rule IDs and nothing else', async t => {
  t.ok(Value.Check(RuleIdSchema, 'pkce-required'))
  t.notOk(Value.Check(RuleIdSchema, 'pkce'))
  t.match((RuleIdSchema as { description?: string }).description, /^must be a rule ID: (?:[a-z0-9.-]+, ){10,}[a-z0-9.-]+$/, 'what an exception\'s 400 says is accepted: every rule ID, comma-separated')
})
