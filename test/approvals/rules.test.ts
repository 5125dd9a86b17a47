import t from 'tap'
import { approvalRules, gatedActions, parseApprovalsVariable, ruleFor, rulesFor, withDefaults, type ApprovalRule } from '../../src/approvals/approval-rules.ts'
import { approvalRefusal, publicView, reasonProblem, samePerson, withApproval, type ChangeRequest } from '../../src/approvals/change-request.ts'
import { createSecretBox } from '../../src/approvals/secret-box.ts'
import { signature } from '../../src/approvals/webhook.ts'
import { parsePolicy, PolicyFileError } from '../../src/policy/policy-file.ts'

const admin1: ApprovalRule = { action: 'client.delete', quorum: 1, approvers: { role: 'admin' } }

t.test('parseApprovalsVariable ...should read a comma list of actions, each once, and name an unknown one', async t => {
  t.same(parseApprovalsVariable(undefined), [])
  t.same(parseApprovalsVariable(' client.delete , client.lock,client.delete,'), ['client.delete', 'client.lock'])
  t.throws(() => parseApprovalsVariable('client.delete,client.remove'), /'client.remove' is not an action.*accepted: client.delete, /)
})

t.test('approvalRules ...should give defaults, let the file replace the variable per action, and keep team rules apart', async t => {
  t.same(withDefaults({ action: 'client.lock' }), { action: 'client.lock', quorum: 1, approvers: { role: 'admin' } })
  t.same(withDefaults({ action: 'client.update', properties: ['redirectUris'], quorum: 2, approvers: { role: 'editor', team: 'sec' } }), { action: 'client.update', properties: ['redirectUris'], quorum: 2, approvers: { role: 'editor', team: 'sec' } })
  const rules = approvalRules(['client.delete', 'client.lock'], { approvals: [{ action: 'client.delete', quorum: 3 }], teams: { acme: { approvals: [{ action: 'client.lock', quorum: 2 }] }, globex: {} } })
  t.same(rules.global, [{ action: 'client.lock', quorum: 1, approvers: { role: 'admin' } }, { action: 'client.delete', quorum: 3, approvers: { role: 'admin' } }])
  t.same(Object.keys(rules.teams), ['acme'], 'a team without approvals has no rules of its own')
  t.same(rulesFor(rules, 'acme').map(rule => [rule.action, rule.quorum]), [['client.delete', 3], ['client.lock', 2]], 'the team\'s rule replaces the global one for its action')
  t.same(rulesFor(rules, 'globex'), rules.global)
  t.same(rulesFor(rules, null), rules.global, 'roles mode: the global rules')
  t.same(approvalRules([]), { global: [], teams: {} })
})

t.test('approvalRules ...should keep every action of APPROVALS that the file has no rule for', async t => {
  const actionsOf = (rules: ApprovalRule[]) => rules.map(rule => [rule.action, rule.quorum])
  t.same(actionsOf(approvalRules(['client.delete', 'client.lock']).global), [['client.delete', 1], ['client.lock', 1]], 'APPROVALS alone, no policy file')
  t.same(actionsOf(approvalRules(['client.delete', 'client.lock'], { teams: {} }).global), [['client.delete', 1], ['client.lock', 1]], 'a policy file without approvals')
  t.same(actionsOf(approvalRules(['client.delete', 'client.lock', 'client.move'], { approvals: [{ action: 'client.lock', quorum: 2 }, { action: 'client.update' }] }).global),
    [['client.delete', 1], ['client.move', 1], ['client.lock', 2], ['client.update', 1]], 'the file replaces only the actions it names')
})

t.test('rulesFor ...should give roles mode the global rules even when the file has a team named null', async t => {
  const rules = approvalRules(['client.delete'], { teams: { null: { approvals: [{ action: 'client.delete', quorum: 3 }] } } })
  t.same(rulesFor(rules, null), [{ action: 'client.delete', quorum: 1, approvers: { role: 'admin' } }])
  t.equal(rulesFor(rules, 'null')[0]?.quorum, 3, 'the team null itself has its rule')
})

t.test('ruleFor ...should match the write\'s actions (PUT and PATCH alike) and, with properties, only a change touching one', async t => {
  const update: ApprovalRule = { action: 'client.update', properties: ['redirectUris', 'extension'], quorum: 1, approvers: { role: 'admin' } }
  const move: ApprovalRule = { action: 'client.move', quorum: 1, approvers: { role: 'admin' } }
  t.equal(ruleFor([admin1], ['client.delete'], []), admin1)
  t.equal(ruleFor([admin1], ['client.lock'], ['locked']), undefined)
  t.equal(ruleFor([update], ['client.patch'], ['redirectUris']), update, 'a client.update rule gates PATCH')
  t.equal(ruleFor([{ ...update, action: 'client.patch' }], ['client.update'], ['redirectUris'])?.action, 'client.patch', 'and a client.patch rule PUT')
  t.equal(ruleFor([{ ...update, action: 'client.patch' }], ['client.patch'], ['redirectUris'])?.action, 'client.patch', 'and PATCH itself')
  t.equal(ruleFor([update], ['client.update'], ['redirectUris']), update, 'and a client.update rule PUT itself')
  t.equal(ruleFor([update], ['client.update'], ['clientName']), undefined, 'an unlisted property passes')
  t.equal(ruleFor([update], ['client.update'], ['extension.accessTokenDuration']), update, 'a nested change counts for its parent')
  t.equal(ruleFor([update], ['client.update'], ['redirectUrisX']), undefined, 'a name that only starts the same does not')
  t.equal(ruleFor([move], ['client.update'], ['developer']), undefined, 'a move rule needs a move')
  t.equal(ruleFor([move], ['client.update', 'client.move'], ['developer']), move)
  t.equal(ruleFor([{ ...admin1, properties: ['redirectUris'] }], ['client.delete'], []), undefined)
})

t.test('gatedActions ...should answer per team of the caller, the global rules for * and roles mode', async t => {
  const rules = approvalRules(['client.delete'], { teams: { acme: { approvals: [{ action: 'client.lock' }] } } })
  t.same(gatedActions(rules, null), { '*': rules.global })
  t.same(gatedActions(rules, ['acme', '*']), { acme: rulesFor(rules, 'acme'), '*': rules.global })
  t.same(gatedActions(rules, []), {})
})

const request = (changes: Partial<ChangeRequest> = {}): ChangeRequest => ({
  id: 'r1',
  status: 'pending',
  action: 'client.delete',
  routeAction: 'client.delete',
  clientId: '1',
  team: 'acme',
  requestedBy: { source: 'local', username: 'alice', roles: ['admin'], via: 'session' },
  reason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-04T00:00:00.000Z',
  diff: [],
  rule: { action: 'client.delete', quorum: 2, approvers: { role: 'admin' } },
  approvals: [],
  write: { method: 'DELETE', url: '/api/clients/1', sealedBody: 'sealed', etag: '"e"', role: 'admin' },
  ...changes
})
const person = (username: string, roles: Array<'viewer' | 'editor' | 'admin'> = ['admin'], extra: { via?: string, teams?: string[], source?: string } = {}) =>
  ({ source: extra.source ?? 'local', username, roles, via: extra.via ?? 'session', ...(extra.teams === undefined ? {} : { teams: extra.teams }) })

t.test('approvalRefusal ...should refuse tokens, the requester, too low a role, another team, and a second approval by one person', async t => {
  t.equal(approvalRefusal(request(), person('bob'), 'admin'), undefined)
  t.equal(approvalRefusal(request(), person('bob', ['admin'], { via: 'api-token' }), 'admin'), 'token')
  t.equal(approvalRefusal(request(), person('bob', ['admin'], { via: 'approval' }), 'admin'), 'token')
  t.equal(approvalRefusal(request(), person('alice'), 'admin'), 'self', 'an admin requester too')
  t.equal(approvalRefusal(request(), person('alice', ['admin'], { source: 'oidc' }), 'admin'), undefined, 'the same name from another source is another person')
  t.equal(approvalRefusal(request(), person('erin', ['editor']), 'admin'), 'not-approver')
  t.equal(approvalRefusal(request({ rule: { action: 'client.lock', quorum: 1, approvers: { role: 'editor' } } }), person('erin', ['editor']), 'editor'), undefined, 'a rule may name editors')
  t.equal(approvalRefusal(request({ rule: { action: 'client.delete', quorum: 1, approvers: { role: 'editor' } } }), person('erin', ['editor']), 'admin'), 'not-approver', 'never below the write\'s own role')
  t.equal(approvalRefusal(request(), person('gail', ['admin'], { teams: ['globex'] }), 'admin'), 'not-approver')
  t.equal(approvalRefusal(request(), person('bob', ['admin'], { teams: ['acme'] }), 'admin'), undefined)
  t.equal(approvalRefusal(request(), person('root', ['admin'], { teams: ['*'] }), 'admin'), undefined)
  t.equal(approvalRefusal(request({ rule: { action: 'client.delete', quorum: 1, approvers: { role: 'admin', team: 'sec' } } }), person('bob', ['admin'], { teams: ['acme'] }), 'admin'), 'not-approver', 'the rule\'s approver team, not the client\'s')
  t.equal(approvalRefusal(request({ rule: { action: 'client.delete', quorum: 1, approvers: { role: 'admin', team: 'sec' } } }), person('sam', ['admin'], { teams: ['sec'] }), 'admin'), undefined)
  t.equal(approvalRefusal(request({ team: null }), person('bob', ['admin'], { teams: ['x'] }), 'admin'), undefined, 'no team: roles alone')
  t.equal(approvalRefusal(request({ approvals: [{ source: 'local', username: 'bob', at: 'x' }] }), person('bob'), 'admin'), 'twice')
  t.equal(approvalRefusal(request(), person('hal', ['viewer', 'admin']), 'admin'), undefined, 'the highest of several roles counts')
  t.equal(approvalRefusal(request(), person('ivy', ['viewer', 'editor']), 'admin'), 'not-approver')
})

t.test('withApproval ...should turn the request applying at its quorum, not before', async t => {
  const one = withApproval(request(), { source: 'local', username: 'bob', at: 't1' })
  t.equal(one.status, 'pending')
  t.equal(one.decidedAt, undefined)
  const two = withApproval(one, { source: 'local', username: 'carol', at: 't2' })
  t.equal(two.status, 'applying')
  t.equal(two.decidedAt, 't2')
  t.equal(two.approvals.length, 2)
  t.ok(samePerson({ source: 'a', username: 'b' }, { source: 'a', username: 'b' }))
  t.notOk(samePerson({ source: 'a', username: 'b' }, { source: 'a', username: 'c' }))
})

t.test('publicView ...should never show the stored write, a secret or the requester\'s roles', async t => {
  const view = publicView(request({ sealedSecret: 'sealed-secret', result: { status: 200 } }))
  const text = JSON.stringify(view)
  for (const hidden of ['sealed', 'write', 'routeAction', 'roles', 'sealedSecret']) t.notOk(text.includes(`"${hidden}`), `no ${hidden}`)
  t.match(view, { requestedBy: { source: 'local', username: 'alice' }, secretWaiting: true, result: { status: 200 }, quorum: 2, approvers: { role: 'admin' } })
  t.equal(publicView(request()).secretWaiting, false)
})

t.test('publicView ...should show a rejection, the decision time and the result when there are some, and no such keys before', async t => {
  const rejection = { source: 'local', username: 'bob', at: '2026-01-02T00:00:00.000Z', reason: 'not now' }
  const rejected = publicView(request({ status: 'rejected', rejection, decidedAt: rejection.at }))
  t.same(rejected.rejection, rejection)
  t.equal(rejected.decidedAt, rejection.at)
  t.same(publicView(request({ status: 'conflict', decidedAt: 't', result: { status: 412 } })).result, { status: 412 })
  const pending = publicView(request())
  for (const key of ['rejection', 'decidedAt', 'result']) t.notOk(key in pending, `no ${key} while pending`)
})

t.test('reasonProblem ...should accept 1 to 500 printable characters', async t => {
  t.equal(reasonProblem('CHG-1234 app retired'), undefined)
  t.equal(reasonProblem('x'.repeat(500)), undefined)
  t.equal(reasonProblem('x'.repeat(501)), 'is longer than 500 characters')
  t.equal(reasonProblem('  '), 'is empty')
  for (const bad of ['a\nb', 'a\u0007', 'a\u202eb', 'a\u2028b', 'a\u0085b']) t.match(reasonProblem(bad), /control/, `U+${bad.codePointAt(1)!.toString(16)}`)
})

t.test('createSecretBox ...should open what it sealed, with the same secret only, and refuse a changed box', async t => {
  const box = createSecretBox('s'.repeat(40))
  const sealed = box.seal('{"clientSecret":"abc"}')
  t.notOk(sealed.includes('abc'))
  t.not(sealed, box.seal('{"clientSecret":"abc"}'), 'a fresh IV each time')
  t.equal(createSecretBox('s'.repeat(40)).open(sealed), '{"clientSecret":"abc"}', 'another replica with the same SESSION_SECRET opens it')
  t.throws(() => createSecretBox('t'.repeat(40)).open(sealed))
  const [iv, tag, body] = sealed.split('.')
  t.throws(() => box.open([iv, tag, `${body!.slice(0, -2)}AA`].join('.')), 'tampering is detected')
})

t.test('createSecretBox ...should open a box sealed by an earlier release with the same SESSION_SECRET', async t => {
  // Sealed once and kept: a change to the key's derivation would leave every pending change request
  // unappliable after an upgrade, or between replicas of two releases during a rolling one.
  const box = createSecretBox('a session secret of at least 32 characters, from a release before')
  t.equal(box.open('VVMKbE9y4cXYwicn.4ZRKkgCiAbeTJui_VaDJfg.O4W8nqLaHWujeRfCIlGvFx0BUO1JZWKMP_ugUg'), '{"clientSecret":"s3cr3t-ü"}')
})

t.test('signature ...should be HMAC-SHA256 over timestamp.body', async t => {
  t.equal(signature('key', '1700000000', '{}'), 'sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae')
  t.not(signature('key', '1700000001', '{}'), signature('key', '1700000000', '{}'))
})

t.test('parsePolicy approvals ...should take approval rules globally and per team, and name the path of a bad one', async t => {
  const policy = parsePolicy(JSON.stringify({ profile: 'baseline', approvals: [{ action: 'client.delete' }], teams: { acme: { approvals: [{ action: 'client.update', properties: ['redirectUris'], quorum: 2 }] } } }), 'p.json')
  t.same(policy.approvals, [{ action: 'client.delete' }])
  t.same(policy.teams.acme!.approvals, [{ action: 'client.update', properties: ['redirectUris'], quorum: 2 }])
  const refused = (value: unknown): PolicyFileError => {
    try {
      parsePolicy(JSON.stringify({ profile: 'baseline', approvals: value }), 'p.json')
    } catch (error) {
      return error as PolicyFileError
    }
    throw new Error('accepted')
  }
  t.match(refused([{ action: 'client.remove' }]), { path: '/approvals/0/action', detail: 'must be one of client.delete, client.secret.refresh, client.secret.update, client.lock, client.move, client.update, client.patch' })
  t.match(refused([{ action: 'client.delete', quorum: 0 }]), { path: '/approvals/0/quorum', detail: 'must be a whole number of approvals, 1 to 10' })
  t.match(refused([{ action: 'client.update', properties: ['nope'] }]), { path: '/approvals/0/properties/0', detail: 'must be a writable client property (docs/clients.md)' })
  const propertiesRule = 'must be a list of writable client properties, each once (client.update and client.patch only)'
  t.match(refused([{ action: 'client.update', properties: [] }]), { path: '/approvals/0/properties', detail: propertiesRule })
  t.match(refused([{ action: 'client.update', properties: ['redirectUris', 'redirectUris'] }]), { path: '/approvals/0/properties', detail: propertiesRule })
  t.match(refused([{ action: 'client.delete', approvers: { role: 'viewer' } }]), { path: '/approvals/0/approvers/role', detail: 'must be editor or admin' })
  t.match(refused([{ action: 'client.delete', approvers: { team: 'sec team' } }]), { path: '/approvals/0/approvers/team', detail: 'must be a team name: a letter or digit, then up to 99 letters, digits, ., _ or -' })
  t.match(refused([{ action: 'client.delete', approvers: { who: 'x' } }]), { path: '/approvals/0/approvers/who', detail: 'unknown key \'who\': accepted here: role, team' })
  t.match(refused([{ action: 'client.delete', approvers: 'admin' }]), { path: '/approvals/0/approvers', detail: 'must be a mapping with role and/or team' })
  t.match(refused([{ action: 'client.delete', who: 'x' }]), { path: '/approvals/0/who', detail: /unknown key 'who'/ })
  t.match(refused(['client.delete']), { path: '/approvals/0', detail: 'must be a mapping with action, and optionally properties, quorum and approvers' }, 'a rule that is only its action\'s name')
  const listRule = 'must be a list of approval rules, one per action'
  t.match(refused('client.delete'), { path: '/approvals', detail: listRule })
  t.match(refused(Array.from({ length: 8 }, () => ({ action: 'client.delete' }))), { path: '/approvals', detail: listRule })
  const accepted = [{ action: 'client.delete', approvers: { role: 'editor', team: 'sec' } }, { action: 'client.lock', approvers: { role: 'admin' } }]
  t.same(parsePolicy(JSON.stringify({ profile: 'baseline', approvals: accepted }), 'p.json').approvals, accepted, 'either role, and an approver team')
})

t.test('loadConfig approvals ...should refuse an unknown APPROVALS action and a webhook without its secret, naming them', async t => {
  const { loadConfig, ConfigError } = await import('../../src/config.ts')
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env)
    } catch (error) {
      if (error instanceof ConfigError) return error.problems
      throw error
    }
    return []
  }
  t.match(problemsOf({ APPROVALS: 'client.delete,client.remove' }), [/^APPROVALS: 'client.remove' is not an action/])
  t.match(problemsOf({ APPROVAL_WEBHOOK_URL: 'https://hooks.example/x' }), [/^APPROVAL_WEBHOOK_SECRET: required with APPROVAL_WEBHOOK_URL/])
  t.match(problemsOf({ APPROVAL_WEBHOOK_URL: 'https://hooks.example/x', APPROVAL_WEBHOOK_SECRET: 'short' }), [/^APPROVAL_WEBHOOK_SECRET: /])
  t.match(problemsOf({ APPROVAL_TTL_HOURS: '0' }), [/^APPROVAL_TTL_HOURS: /])
  t.same(problemsOf({ APPROVALS: 'client.delete', APPROVAL_TTL_HOURS: '0.5' }), [])
  t.equal(loadConfig({}).APPROVAL_TTL_HOURS, 72)
})
