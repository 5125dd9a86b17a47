import Fastify from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { serverOptions } from '../../src/http/server-options.ts'
import { testUsersFile } from '../helpers/users.ts'
import { ACTIONS, decisionPermission, permission, type Action } from '../../src/console/app/permissions.ts'
import type { ChangeRequest } from '../../src/console/app/change-request.ts'
import { inEveryTeam, ownTeams, type Identity, type Role } from '../../src/console/app/caller.ts'

// What the console offers, as the server decides it (docs/teams.md): the role, then the client's team.
const editorOf = (...teams: string[]): Identity => ({ username: 'ed', roles: ['editor'], teams })
const portal = { clientId: 1, developer: 'acme' }
const reports = { clientId: 2, developer: 'globex' }
const teamless = { clientId: 3 }

t.test('permission ...should, in roles mode, decide by the role alone', async t => {
  const editor: Identity = { username: 'ed', roles: ['editor'] }
  t.same(permission(editor, 'client.lock', reports), { allowed: true })
  t.same(permission(editor, 'client.lock', teamless), { allowed: true })
  t.match(permission(editor, 'client.delete', portal), { allowed: false, reason: /Needs the admin role; you have editor/ })
  t.match(permission(editor, 'client.credentials'), { allowed: false })
  t.same(permission({ ...editor, roles: ['admin'] }, 'audit.verify'), { allowed: true })
})

t.test('permission ...should, in teams mode, refuse an action on another team\'s client or a teamless one, with the reason', async t => {
  t.same(permission(editorOf('acme'), 'client.lock', portal), { allowed: true })
  t.same(permission(editorOf('acme'), 'client.lock', reports), { allowed: false, reason: 'This client belongs to team globex; you manage team acme.' })
  t.same(permission(editorOf('acme', 'initech'), 'client.edit', teamless), { allowed: false, reason: 'This client belongs to no team; you manage teams acme, initech.' })
  t.match(permission(editorOf('globex'), 'client.delete', reports), { allowed: false, reason: /Needs the admin role/ }, 'the role first')
  t.same(permission(editorOf('*'), 'client.lock', teamless), { allowed: true }, 'a member of every team acts on any client')
})

t.test('permission ...should name every role held, and a client without a team, in its reasons', async t => {
  t.same(permission({ username: 'v', roles: ['viewer', 'editor'] }, 'client.delete'), { allowed: false, reason: 'Needs the admin role; you have viewer, editor.' })
  t.same(permission(editorOf('*', 'acme'), 'client.lock', { clientId: 4, developer: '' }), { allowed: true }, 'every team')
  t.same(permission(editorOf('acme'), 'client.lock', { clientId: 4, developer: '' }), { allowed: false, reason: 'This client belongs to no team; you manage team acme.' })
  t.same(permission({ username: 'ad', roles: ['admin'], teams: ['*', 'acme'] }, 'client.lock', reports), { allowed: true })
  t.same(permission({ username: 'ed', roles: ['editor'], teams: ['acme', '*'] }, 'audit.verify'), { allowed: false, reason: 'Needs the admin role; you have editor.' })
})

t.test('caller ...should tell teams mode, every team and the own teams apart, roles mode having none', async t => {
  const rolesMode: Identity = { username: 'r', roles: ['admin'] }
  t.equal(inEveryTeam(rolesMode), false)
  t.same(ownTeams(rolesMode), [])
  t.same(ownTeams({ ...rolesMode, teams: ['*', 'acme'] }), ['acme'], 'every team (*) is no team of one\'s own')
  t.equal(inEveryTeam({ ...rolesMode, teams: ['acme'] }), false)
})

t.test('permission ...should, in teams mode, offer create only to a member of some team, and verify only to an admin of every team', async t => {
  t.match(permission(editorOf(), 'client.create'), { allowed: false, reason: /no team/ })
  t.same(permission(editorOf('acme'), 'client.create'), { allowed: true })
  t.match(permission({ username: 'ad', roles: ['admin'], teams: ['globex'] }, 'audit.verify'), { allowed: false, reason: /admin of every team \(\*\); you manage team globex/ })
  t.same(permission({ username: 'ad', roles: ['admin'], teams: ['*'] }, 'audit.verify'), { allowed: true })
})

// Every role and every console action, as a table: what the console offers each role, in roles mode
// and in teams mode. `ACTIONS` is the list permissions.ts exports, so an action added there without
// a row here fails the first test.
const ROLES: Role[] = ['viewer', 'editor', 'admin']
/** Per action: offered to [viewer, editor, admin]. */
const OFFERED: Record<Action, [boolean, boolean, boolean]> = {
  'client.create': [false, true, true],
  'client.edit': [false, true, true],
  'client.lock': [false, true, true],
  'client.secret': [false, false, true],
  'client.delete': [false, false, true],
  'client.credentials': [false, false, true],
  'client.create.type': [false, true, true],
  'policy.exception': [false, false, true],
  'authorization.change': [false, true, true],
  'registration.update': [false, true, true],
  'audit.read': [false, false, true],
  'audit.verify': [false, false, true],
  'sessions.manage': [false, false, true],
  'change.decide': [false, true, true],
  'change.withdraw': [true, true, true]
}
const leastRole = (action: Action): Role => ROLES[OFFERED[action].indexOf(true)]!
/** The actions the client page offers on one client: the team check applies to them. */
const CLIENT_ACTIONS: Action[] = ['client.edit', 'client.lock', 'client.secret', 'client.delete', 'authorization.change', 'policy.exception']

/** The server's routes behind each console action (client.credentials guards properties, not a route). */
const ROUTES: Record<Action, string[]> = {
  'client.create': ['POST /api/clients'],
  'client.edit': ['PATCH /api/clients/:clientId', 'PUT /api/clients/:clientId'],
  'client.lock': ['PUT /api/clients/:clientIdentifier/lock'],
  'client.secret': ['POST /api/clients/:clientIdentifier/secret/refresh', 'PUT /api/clients/:clientIdentifier/secret'],
  'client.delete': ['DELETE /api/clients/:clientId'],
  'client.credentials': [],
  // Editors choose a new client's type and authentication method on create (issue 23): the create route's role.
  'client.create.type': ['POST /api/clients'],
  'policy.exception': ['POST /api/clients/:clientId/policy-exceptions', 'DELETE /api/clients/:clientId/policy-exceptions/:rule'],
  'authorization.change': ['PUT /api/clients/:clientId/authorizations/:subject', 'DELETE /api/clients/:clientId/authorizations/:subject', 'DELETE /api/clients/:clientId/granted-scopes/:subject'],
  'registration.update': ['PUT /api/clients/:clientId/registration'],
  'audit.read': ['GET /api/audit'],
  'audit.verify': ['GET /api/audit/verify'],
  'sessions.manage': ['GET /auth/sessions', 'DELETE /auth/sessions'],
  'change.decide': ['POST /api/change-requests/:id/approve', 'POST /api/change-requests/:id/reject'],
  'change.withdraw': ['DELETE /api/change-requests/:id']
}

t.test('permission ...should cover every console action in the table', async t => {
  t.same([...ACTIONS].sort(), Object.keys(OFFERED).sort())
  t.ok(ACTIONS.length >= 13, `the actions read from permissions.ts: ${ACTIONS.join(', ')}`)
})

t.test('permission ...should ask for each action the role the server asks for on its routes', async t => {
  const config = loadConfig({ LOG_LEVEL: 'silent', BFF_USERS_FILE: await testUsersFile(), AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' })
  const app = Fastify(serverOptions(config))
  const access = new Map<string, unknown>()
  app.addHook('onRoute', route => { for (const method of [route.method].flat()) access.set(`${method} ${route.url}`, route.config?.access) })
  await app.register(buildApp(config))
  await app.ready()
  t.teardown(() => app.close())
  for (const action of ACTIONS) {
    for (const route of ROUTES[action]) t.equal(access.get(route), leastRole(action), `${action}: ${route} needs the ${leastRole(action)} role`)
  }
})

t.test('permission ...should, in roles mode, offer each action to exactly the roles of the table, any client or none', async t => {
  for (const action of ACTIONS) {
    for (const [index, role] of ROLES.entries()) {
      const who: Identity = { username: 'u', roles: [role] }
      for (const client of [undefined, portal, reports, teamless]) {
        const decided = permission(who, action, client)
        const where = client === undefined ? '' : ` on client ${client.clientId}`
        if (OFFERED[action][index]!) t.same(decided, { allowed: true }, `${role}: ${action}${where}`)
        else t.same(decided, { allowed: false, reason: `Needs the ${leastRole(action)} role; you have ${role}.` }, `${role}: no ${action}${where}`)
      }
    }
  }
})

t.test('permission ...should never offer an editor Refresh secret or Set secret (client.secret), nor delete or credentials', async t => {
  for (const action of ['client.secret', 'client.delete', 'client.credentials'] as const) {
    t.same(permission({ username: 'ed', roles: ['editor'] }, action, portal), { allowed: false, reason: 'Needs the admin role; you have editor.' }, `roles mode: ${action}`)
    t.same(permission(editorOf('acme', '*'), action, portal), { allowed: false, reason: 'Needs the admin role; you have editor.' }, `teams mode, every team: ${action}`)
  }
})

t.test('permission ...should take the highest of several roles, and offer nothing without a role', async t => {
  for (const action of ACTIONS) {
    t.equal(permission({ username: 'u', roles: ['viewer', 'editor'] }, action).allowed, OFFERED[action][1], `viewer+editor: ${action} as an editor`)
    t.equal(permission({ username: 'u', roles: ['admin', 'viewer'] }, action).allowed, true, `admin+viewer: ${action} as an admin`)
    t.same(permission({ username: 'u', roles: [] }, action), { allowed: false, reason: `Needs the ${leastRole(action)} role; you have no role.` }, `no role: ${action}`)
  }
})

// Teams mode (docs/teams.md): the role first, then the client's team (its developer); `*` is every team.
const TEAM_CASES: Array<{ teams: string[], client: typeof portal | typeof teamless, inTeam: boolean }> = [
  { teams: ['acme'], client: portal, inTeam: true },
  { teams: ['globex', 'acme'], client: portal, inTeam: true },
  { teams: ['acme'], client: reports, inTeam: false },
  { teams: ['acme'], client: teamless, inTeam: false },
  { teams: [], client: portal, inTeam: false },
  { teams: ['*'], client: reports, inTeam: true },
  { teams: ['*'], client: teamless, inTeam: true }
]

t.test('permission ...should, in teams mode, offer a client\'s actions to the roles of the table in the client\'s team (or every team) only', async t => {
  for (const action of CLIENT_ACTIONS) {
    for (const [index, role] of ROLES.entries()) {
      for (const { teams, client, inTeam } of TEAM_CASES) {
        const decided = permission({ username: 'u', roles: [role], teams }, action, client)
        const what = `${role} of [${teams.join(', ')}]: ${action} on ${client === teamless ? 'a teamless client' : `team ${(client as typeof portal).developer}'s client`}`
        if (!OFFERED[action][index]!) t.match(decided, { allowed: false, reason: /^Needs the (editor|admin) role/ }, `${what}: refused for the role first`)
        else if (inTeam) t.same(decided, { allowed: true }, what)
        else t.match(decided, { allowed: false, reason: /^This client belongs to (team \w+|no team); you manage (no team|team acme)\.$/ }, `${what}: refused for the team`)
      }
    }
  }
})

t.test('permission ...should, in teams mode, offer create to an editor of some team, verify to an admin of every team, and the rest by role', async t => {
  const identities: Array<{ teams: string[], someTeam: boolean, everyTeam: boolean }> = [
    { teams: [], someTeam: false, everyTeam: false },
    { teams: ['acme'], someTeam: true, everyTeam: false },
    { teams: ['acme', 'globex'], someTeam: true, everyTeam: false },
    { teams: ['*'], someTeam: true, everyTeam: true }
  ]
  for (const action of ACTIONS) {
    for (const [index, role] of ROLES.entries()) {
      for (const { teams, someTeam, everyTeam } of identities) {
        const byRole = OFFERED[action][index]!
        const expected = action === 'client.create' ? byRole && someTeam : action === 'audit.verify' ? byRole && everyTeam : byRole
        t.equal(permission({ username: 'u', roles: [role], teams }, action).allowed, expected, `${role} of [${teams.join(', ')}]: ${action} ${expected ? 'offered' : 'refused'}`)
      }
    }
  }
})

// Approve, reject and withdraw a change request (docs/approvals.md): the server's separation of duties,
// as a table. One pending request by alice (local) of team acme's client, one admin approval needed.
const PENDING_DELETE: ChangeRequest = {
  id: '6f1c0d5e-0000-4000-8000-000000000001',
  status: 'pending',
  action: 'client.delete',
  clientId: '1',
  team: 'acme',
  requestedBy: { source: 'local', username: 'alice' },
  reason: null,
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-04T00:00:00Z',
  diff: [],
  quorum: 1,
  approvers: { role: 'admin' },
  approvals: [],
  secretWaiting: false
}
const request = (changes: Partial<ChangeRequest> = {}): ChangeRequest => ({ ...PENDING_DELETE, ...changes })
const person = (username: string, roles: Role[], extra: Partial<Identity> = {}): Identity => ({ username, roles, source: 'local', via: 'session', ...extra })

const DECISIONS: Array<{ who: Identity, about: ChangeRequest, approve: boolean, withdraw: boolean, why: string }> = [
  { who: person('bob', ['admin']), about: request(), approve: true, withdraw: false, why: 'another admin approves' },
  { who: person('alice', ['admin']), about: request(), approve: false, withdraw: true, why: 'the requester never approves their own, admins included; they withdraw' },
  { who: person('alice', ['admin'], { source: 'oidc' }), about: request(), approve: true, withdraw: false, why: 'the same name from another source is another person' },
  { who: person('bob', ['admin'], { via: 'api-token' }), about: request(), approve: false, withdraw: false, why: 'an API token never approves' },
  { who: person('bob', ['viewer']), about: request(), approve: false, withdraw: false, why: 'a viewer never approves' },
  { who: person('bob', ['viewer']), about: request({ action: 'client.lock', approvers: { role: 'editor' } }), approve: false, withdraw: false, why: 'a viewer never approves, whatever the rule' },
  { who: person('bob', ['editor']), about: request(), approve: false, withdraw: false, why: 'an editor never approves a delete (the write needs admin)' },
  { who: person('bob', ['editor']), about: request({ action: 'client.lock', approvers: { role: 'editor' } }), approve: true, withdraw: false, why: 'an editor approves a lock when the rule names editors' },
  { who: person('bob', ['editor']), about: request({ action: 'client.lock' }), approve: false, withdraw: false, why: 'the rule\'s role (admin) holds even for an editor\'s write' },
  { who: person('bob', ['admin'], { teams: ['globex'] }), about: request(), approve: false, withdraw: false, why: 'an admin of another team' },
  { who: person('bob', ['admin'], { teams: ['acme'] }), about: request(), approve: true, withdraw: false, why: 'an admin of the client\'s team' },
  { who: person('bob', ['admin'], { teams: ['*'] }), about: request(), approve: true, withdraw: false, why: 'an admin of every team' },
  { who: person('bob', ['admin'], { teams: ['acme'] }), about: request({ approvers: { role: 'admin', team: 'security' } }), approve: false, withdraw: false, why: 'the rule names the approvers\' team' },
  { who: person('bob', ['admin'], { teams: ['security'] }), about: request({ approvers: { role: 'admin', team: 'security' } }), approve: true, withdraw: false, why: 'a member of the rule\'s approver team' },
  { who: person('bob', ['admin']), about: request({ quorum: 2, approvals: [{ source: 'local', username: 'bob', at: '2026-01-01T01:00:00Z' }] }), approve: false, withdraw: false, why: 'each person counts once' },
  { who: person('carol', ['admin']), about: request({ quorum: 2, approvals: [{ source: 'local', username: 'bob', at: '2026-01-01T01:00:00Z' }] }), approve: true, withdraw: false, why: 'a second person counts' },
  { who: person('bob', ['admin']), about: request({ status: 'approved-applied' }), approve: false, withdraw: false, why: 'a decided request takes no decision' },
  { who: person('alice', ['viewer']), about: request({ status: 'rejected' }), approve: false, withdraw: false, why: 'a decided request is not withdrawn' },
  { who: person('alice', ['viewer']), about: request(), approve: false, withdraw: true, why: 'the requester withdraws whatever their role' },
  { who: { username: 'alice', roles: ['admin'], via: 'session' }, about: request(), approve: false, withdraw: true, why: 'the source unknown: the name alone tells the requester' },
  ...(['client.delete', 'client.secret.refresh', 'client.secret.update'] as const).map(action => (
    { who: person('bob', ['editor']), about: request({ action, approvers: { role: 'editor' } }), approve: false, withdraw: false, why: `an editor never approves ${action}, even when the rule names editors: the write needs admin` })),
  ...(['client.secret.refresh', 'client.secret.update'] as const).map(action => (
    { who: person('bob', ['admin']), about: request({ action, approvers: { role: 'editor' } }), approve: true, withdraw: false, why: `an admin approves ${action} when the rule names editors` })),
  { who: person('bob', ['admin'], { teams: ['globex'] }), about: request({ team: null }), approve: true, withdraw: false, why: 'a teamless client\'s request: any admin of a team, as the server decides' }
]

t.test('decisionPermission ...should offer approve, reject and withdraw as the server\'s separation of duties decides, with the reason', async t => {
  for (const { who, about, approve, withdraw, why } of DECISIONS) {
    for (const decision of ['approve', 'reject'] as const) {
      const decided = decisionPermission(who, decision, about)
      t.equal(decided.allowed, approve, `${decision}: ${why}`)
      if (!decided.allowed) t.match(decided.reason, /\S/, `${decision}: ${why}: a reason is given`)
    }
    t.equal(decisionPermission(who, 'withdraw', about).allowed, withdraw, `withdraw: ${why}`)
  }
  t.match(decisionPermission(person('alice', ['admin']), 'approve', request()), { allowed: false, reason: /You asked for this change/ })
  t.same(decisionPermission(person('bob', ['admin']), 'withdraw', request()), { allowed: false, reason: 'Only the person who asked for a change withdraws it.' })
  t.same(decisionPermission(person('bob', ['viewer', 'editor']), 'approve', request()), { allowed: false, reason: 'Deciding this request needs the admin role; you have viewer, editor.' })
  t.same(decisionPermission(person('bob', []), 'approve', request()), { allowed: false, reason: 'Deciding this request needs the admin role; you have no role.' })
  t.match(decisionPermission(person('bob', ['admin'], { via: 'api-token' }), 'approve', request()), { allowed: false, reason: /API token/ })
})
