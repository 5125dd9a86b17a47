import t from 'tap'
import type { Principal } from '../../src/auth/identity.ts'
import { administers, refuseUsersOutsideTeams } from '../../src/teams/user-admin.ts'
import { asApp, collectors, fakeReply, fakeRequest, identity } from './unit-support.ts'

// Unit tests of the teams check on admin routes acting on other users: the users file, sessions and
// tokens are small lists; what the audit trail gets is collected.

t.test('administers ...should let * act on everyone, others on users all of whose teams are theirs, never on a * user', async t => {
  t.ok(administers(['*'], ['acme', 'globex']))
  t.ok(administers(['*'], ['*']), '* on a * user')
  t.ok(administers(['acme', '*'], ['initech']))
  t.ok(administers(['acme', 'globex'], ['acme']))
  t.ok(administers(['acme', 'globex'], ['globex', 'acme']))
  t.ok(administers(['acme'], []), 'a user of no team')
  t.ok(administers([], []))
  t.notOk(administers(['acme'], ['acme', 'globex']), 'one team not the admin\'s')
  t.notOk(administers(['acme'], ['globex']))
  t.notOk(administers([], ['acme']))
  t.notOk(administers(['acme'], ['*']), 'a * user')
  t.notOk(administers(['acme'], ['acme', '*']))
})

interface Held { teams?: string[] }
interface Directory {
  model?: 'roles' | 'teams'
  /** The users file's teams, by local username. */
  file?: Record<string, string[]>
  sessions?: Record<string, Held[]>
  tokens?: Record<string, Held[]>
  /** The audit trail refuses every append. */
  auditFails?: boolean
}

function harness ({ model = 'teams', file = {}, sessions = {}, tokens = {}, auditFails = false }: Directory) {
  const { entries, logged, log } = collectors()
  const asked: string[] = []
  const key = (user: Principal) => `${user.source}:${user.username}`
  const app = asApp({
    accessModel: model,
    users: { teamsOf: (username: string) => { asked.push(`file ${username}`); return file[username] } },
    sessions: { listByUser: async (user: Principal) => { asked.push(`sessions ${key(user)}`); return sessions[key(user)] ?? [] } },
    apiTokens: { listByUser: async (user: Principal) => { asked.push(`tokens ${key(user)}`); return tokens[key(user)] ?? [] } },
    auditTrail: {
      append: async (entry: never) => {
        if (auditFails) throw new Error('audit store down')
        entries.push(entry)
        return entry
      }
    }
  })
  const act = async (adminTeams: string[] | undefined, users: Principal[], readAction?: string) => {
    const request = fakeRequest({ app, identity: identity(adminTeams, 'admin'), method: 'GET', url: '/auth/tokens', log })
    const reply = fakeReply()
    const result = await refuseUsersOutsideTeams(app, request, reply, users, readAction).then(() => 'allowed', (error: Error & { code?: string, statusCode?: number }) => `${error.statusCode} ${error.code}: ${error.message}`)
    return { result, request, reply }
  }
  return { act, entries, logged, asked }
}

const local = (username: string): Principal => ({ source: 'local', username })
const oidc = (username: string): Principal => ({ source: 'oidc', username })
const refusal = (username: string) => `403 BFF_NOT_YOUR_TEAM: User ${username} belongs to a team that is not one of yours: acting on another user needs an admin of all their teams, or of every team (*)`

t.test('refuseUsersOutsideTeams ...should judge a local user by the teams of the users file alone', async t => {
  const h = harness({ file: { bob: ['acme'], carol: ['acme', 'globex'], dan: [] }, sessions: { 'local:bob': [{ teams: ['globex'] }] } })
  t.equal((await h.act(['acme'], [local('bob')])).result, 'allowed', 'the file, not the session held before')
  t.strictSame(h.asked.splice(0), ['file bob'], 'sessions and tokens not read')
  t.equal((await h.act(['acme'], [local('dan')])).result, 'allowed', 'a user of no team')
  const { result, request, reply } = await h.act(['acme'], [local('carol')])
  t.equal(result, refusal('carol'))
  t.equal(request.auditDenied, true, 'the outcome is denied')
  t.equal(request.auditTarget, null, 'no read: the route records its own target')
  t.equal(reply.statusCode, 200, 'the answer is the error handler\'s')
  t.strictSame(h.entries, [], 'a route with an audit action records the refusal itself')
  t.equal((await h.act(['acme', 'globex'], [local('carol')])).result, 'allowed')
  t.equal((await h.act(['*'], [local('carol')])).result, 'allowed')
})

t.test('refuseUsersOutsideTeams ...should judge an external user, or one gone from the file, by the teams of what they hold', async t => {
  const h = harness({
    file: { bob: ['acme'] },
    sessions: { 'oidc:bob': [{ teams: ['acme'] }, {}], 'local:gone': [{ teams: ['acme'] }] },
    tokens: { 'oidc:bob': [{ teams: ['globex', 'acme'] }], 'local:gone': [{ teams: ['initech'] }] }
  })
  t.equal((await h.act(['acme'], [oidc('bob')])).result, refusal('bob'), 'a token of globex: not the local bob\'s file')
  t.strictSame(h.asked.splice(0).sort(), ['sessions oidc:bob', 'tokens oidc:bob'], 'the users file is for local users')
  t.equal((await h.act(['acme', 'globex'], [oidc('bob')])).result, 'allowed', 'every team of every session and token')
  h.asked.splice(0)
  t.equal((await h.act(['acme'], [local('gone')])).result, refusal('gone'), 'a token of initech')
  t.strictSame(h.asked.splice(0).sort(), ['file gone', 'sessions local:gone', 'tokens local:gone'])
  t.equal((await h.act(['acme', 'initech'], [local('gone')])).result, 'allowed')
  t.equal((await h.act(['acme'], [oidc('nobody')])).result, 'allowed', 'holding nothing: no team')
})

t.test('refuseUsersOutsideTeams ...should let a user act on themself, the same source and name only', async t => {
  const h = harness({ file: { admin: ['acme', 'globex'] }, sessions: { 'oidc:admin': [{ teams: ['globex'] }] } })
  t.equal((await h.act(['acme'], [local('admin')])).result, 'allowed', 'the file says globex too, but it is the caller')
  t.equal((await h.act(['acme'], [oidc('admin')])).result, refusal('admin'), 'the OIDC admin is someone else')
})

t.test('refuseUsersOutsideTeams ...should refuse at the first user outside the admin\'s teams', async t => {
  const h = harness({ file: { bob: ['acme'], carol: ['globex'], dave: ['initech'] } })
  t.equal((await h.act(['acme'], [local('bob'), local('carol'), local('dave')])).result, refusal('carol'))
  t.strictSame(h.asked, ['file bob', 'file carol'], 'dave not looked up')
  t.equal((await h.act(['acme', 'globex', 'initech'], [local('bob'), local('carol'), local('dave')])).result, 'allowed')
  t.equal((await h.act(['acme'], [])).result, 'allowed', 'no user')
})

t.test('refuseUsersOutsideTeams ...should refuse only in teams mode, and take an admin without teams as of no team', async t => {
  const roles = harness({ model: 'roles', file: { carol: ['globex'] } })
  t.equal((await roles.act(undefined, [local('carol')], 'tokens.list')).result, 'allowed')
  t.strictSame(roles.asked, [], 'nothing looked up')
  t.strictSame(roles.entries, [])
  const teams = harness({ file: { bob: [], carol: ['globex'] } })
  t.equal((await teams.act(undefined, [local('bob')])).result, 'allowed', 'a user of no team')
  t.equal((await teams.act(undefined, [local('carol')])).result, refusal('carol'))
})

t.test('refuseUsersOutsideTeams ...should record a refused read as denied with its target and a 403', async t => {
  const h = harness({ file: { carol: ['globex'] } })
  const { result, request, reply } = await h.act(['acme'], [local('carol')], 'tokens.list')
  t.equal(result, refusal('carol'))
  t.equal(reply.statusCode, 403)
  t.strictSame(request.auditTarget, local('carol'))
  t.equal(request.auditDenied, true)
  t.match(h.entries, [
    { kind: 'intent', requestId: 'req-1', data: { action: 'tokens.list', actor: 'admin', target: { source: 'local', username: 'carol' }, route: 'GET /auth/tokens' } },
    { kind: 'outcome', requestId: 'req-1', data: { status: 403, outcome: 'denied' } }
  ])
  t.equal(h.entries.length, 2)
  t.strictSame(h.logged, [])
})

t.test('refuseUsersOutsideTeams ...should still refuse a read the audit trail could not record, and log why', async t => {
  const h = harness({ file: { carol: ['globex'] }, auditFails: true })
  const { result } = await h.act(['acme'], [local('carol')], 'tokens.list')
  t.equal(result, refusal('carol'))
  t.equal(h.logged.length, 1)
  t.match(h.logged[0], { level: 'error', object: { err: { message: 'audit store down' } }, message: 'audit trail: refused read not recorded' })
})
