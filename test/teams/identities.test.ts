import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'
import { HEADER, startGateway } from '../auth/gateway-jwt-support.ts'
import { assertProblem } from '../clients/support.ts'
import { NOT_OVERLOAD_TESTS, PORTAL, REPORTS, teamHarness } from './support.ts'

t.test('GET /auth/callback ...should give an OIDC session the teams TEAM_MAP maps its TEAMS_CLAIM to', async t => {
  // The test provider's `roles` claim doubles as the group claim: ops-admins are admins of every team, ops edit acme's clients.
  const { appUrl } = await startOidcApp(t, { ACCESS_MODEL: 'teams', TEAMS_CLAIM: 'roles', TEAM_MAP: 'ops-admins=*,ops=acme', ...NOT_OVERLOAD_TESTS })
  const bob = new TestBrowser()
  t.equal((await bob.request(await startLogin(bob, appUrl, 'bob'))).status, 302)
  const session = await (await bob.request(`${appUrl}/auth/session`)).json() as { roles: string[], teams: string[], csrfToken: string }
  t.same({ roles: session.roles, teams: session.teams }, { roles: ['editor'], teams: ['acme'] })
  t.equal((await bob.request(`${appUrl}/api/clients/${PORTAL}`)).status, 200)
  t.equal((await bob.request(`${appUrl}/api/clients/${REPORTS}`)).status, 404, 'globex\'s client is not there for bob')
  const lock = await bob.request(`${appUrl}/api/clients/${REPORTS}/lock`, { method: 'PUT', json: { locked: true }, headers: { 'x-csrf-token': session.csrfToken } })
  t.equal(lock.status, 404)
  t.equal((await lock.json() as { code: string }).code, 'BFF_CLIENT_NOT_FOUND')

  const alice = new TestBrowser()
  await alice.request(await startLogin(alice, appUrl, 'alice'))
  t.same((await (await alice.request(`${appUrl}/auth/session`)).json() as { teams: string[] }).teams, ['*'])
  t.equal((await alice.request(`${appUrl}/api/clients/${REPORTS}`)).status, 200)
})

t.test('GET /api/clients/:clientId ...should take a gateway identity\'s teams from its TEAMS_CLAIM, mapped or as named', async t => {
  const gateway = await startGateway(t)
  for (const [env, groups, expected] of [
    [{ TEAMS_CLAIM: 'org.groups' }, ['globex', '*'], ['globex']],
    [{ TEAMS_CLAIM: 'org.groups', TEAM_MAP: 'globex-devs=globex,acme-devs=acme' }, ['globex-devs', 'other'], ['globex']]
  ] as const) {
    const { app } = await buildTestApp(t, { ...gateway.env, ACCESS_MODEL: 'teams', ...NOT_OVERLOAD_TESTS, ...env })
    const headers = { [HEADER]: await gateway.sign({ sub: 'gw-user', org: { groups } }) }
    const session = await app.inject({ method: 'GET', url: '/auth/session', headers })
    t.same(session.json().teams, expected, `${JSON.stringify(env)}: teams ${JSON.stringify(expected)}`)
    t.equal((await app.inject({ method: 'GET', url: `/api/clients/${REPORTS}`, headers })).statusCode, 200)
    assertProblem(t, await app.inject({ method: 'GET', url: `/api/clients/${PORTAL}`, headers }), 404)
    t.same((await app.inject({ method: 'GET', url: '/api/clients', headers })).json().total, 1, 'the list: globex only')
  }
})

t.test('POST /auth/tokens ...should carry a subset of its creator\'s teams, all of them by default', async t => {
  const h = await teamHarness(t)
  const mint = (caller: 'both' | 'acme', teams?: string[]) => h.call(caller, 'POST', '/auth/tokens', { name: 'x', roles: ['viewer'], expiresInDays: 1, ...(teams === undefined ? {} : { teams }) })
  const all = await mint('both')
  t.equal(all.statusCode, 201)
  t.same(all.json().teams, ['acme', 'globex'], 'default: every team of the creator')
  const outside = assertProblem(t, await mint('acme', ['globex']), 403)
  t.match(outside.detail, /globex is not among yours/)
  assertProblem(t, await mint('acme', ['*']), 403)
  t.same((await h.call('both', 'GET', '/auth/tokens')).json().tokens.map((token: { teams: string[] }) => token.teams), [['acme', 'globex'], ['globex']])
  t.same((await h.call('token', 'GET', '/auth/session')).json().teams, ['globex'])
  t.same((await h.call('both', 'GET', '/auth/session')).json().teams, ['acme', 'globex'])
})

t.test('POST /auth/tokens ...should give a token made for another user only the teams both its creator and its owner are in', async t => {
  const h = await teamHarness(t)
  const mint = async (teams?: string[]) => await h.call('root', 'POST', '/auth/tokens', { name: 'svc', roles: ['viewer'], expiresInDays: 1, username: 'trio', ...(teams === undefined ? {} : { teams }) })
  const every = await mint()
  t.equal(every.statusCode, 201, every.body)
  t.same(every.json().teams, ['acme', 'globex', 'initech'], 'its creator\'s * is its owner\'s teams, never every team')
  t.same((await mint(['acme', 'umbrella'])).json().teams, ['acme'], 'a team its owner is not in is dropped')
})

t.test('GET /auth/session ...should not show teams in roles mode', async t => {
  const { app } = await buildTestApp(t)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'viewer', password: 'viewer-password-8c1f' } })
  const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0]!
  t.notOk('teams' in (await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } })).json())
})
