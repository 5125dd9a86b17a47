import t from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import { buildTestApp } from '../helpers/app.ts'
import { OIDC_USERS, startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'
import { HEADER, startGateway } from '../auth/gateway-jwt-support.ts'
import { assertProblem } from '../clients/support.ts'
import { NOT_OVERLOAD_TESTS } from './support.ts'

const LIMIT = 64
const teamNames = (count: number) => Array.from({ length: count }, (_, index) => `team-${String(index).padStart(3, '0')}`)
const refusal = /This identity has 65 teams; at most 64 are allowed \(MAX_TEAMS_PER_IDENTITY\)/

t.test('GET /auth/callback ...should refuse with 403 a teams claim naming more than MAX_TEAMS_PER_IDENTITY teams, and accept as many', async t => {
  // The provider's roles claim doubles as the teams claim (no TEAM_MAP: each value is a team).
  OIDC_USERS.many = { roles: ['ops', ...teamNames(LIMIT)], email: 'many@example.test' }
  OIDC_USERS.enough = { roles: ['ops', ...teamNames(LIMIT - 1)], email: 'enough@example.test' }
  const { appUrl } = await startOidcApp(t, { ACCESS_MODEL: 'teams', TEAMS_CLAIM: 'roles', ...NOT_OVERLOAD_TESTS })
  const many = new TestBrowser()
  const refused = await many.request(await startLogin(many, appUrl, 'many'))
  t.equal(refused.status, 403)
  t.match(await refused.json(), { code: 'BFF_TOO_MANY_TEAMS', detail: refusal })
  t.equal((await many.request(`${appUrl}/auth/session`)).status, 401, 'no session was made')

  const enough = new TestBrowser()
  t.equal((await enough.request(await startLogin(enough, appUrl, 'enough'))).status, 302)
  t.equal(((await (await enough.request(`${appUrl}/auth/session`)).json()) as { teams: string[] }).teams.length, LIMIT)
})

t.test('GET /api/clients ...should refuse with 403 a gateway identity with more than MAX_TEAMS_PER_IDENTITY teams, on every request', async t => {
  const gateway = await startGateway(t)
  const { app } = await buildTestApp(t, { ...gateway.env, ACCESS_MODEL: 'teams', TEAMS_CLAIM: 'groups', ...NOT_OVERLOAD_TESTS })
  const as = async (count: number) => ({ [HEADER]: await gateway.sign({ sub: 'gw-user', groups: teamNames(count) }) })
  const many = await as(LIMIT + 1)
  for (const url of ['/api/clients', '/auth/session']) {
    t.match(assertProblem(t, await app.inject({ method: 'GET', url, headers: many }), 403), { code: 'BFF_TOO_MANY_TEAMS', detail: refusal }, url)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/clients', headers: await as(LIMIT) })).statusCode, 200)
})

t.test('POST /auth/login ...should refuse with 403 a local user with more than MAX_TEAMS_PER_IDENTITY teams', async t => {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-team-limit-')), 'users.json')
  const passwordHash = await hashPassword('limit-password-1234')
  await writeFile(path, JSON.stringify([
    { username: 'many', passwordHash, roles: ['viewer'], teams: teamNames(LIMIT + 1) },
    { username: 'enough', passwordHash, roles: ['viewer'], teams: teamNames(LIMIT) },
    { username: 'root', passwordHash, roles: ['admin'], teams: ['*'] }
  ]))
  const { app } = await buildTestApp(t, { ACCESS_MODEL: 'teams', BFF_USERS_FILE: path, ...NOT_OVERLOAD_TESTS })
  const login = (username: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'limit-password-1234' } })
  const refused = assertProblem(t, await login('many'), 403)
  t.match(refused, { code: 'BFF_TOO_MANY_TEAMS', detail: refusal })
  t.equal((await login('enough')).statusCode, 200)

  const root = await login('root')
  const headers = { cookie: String([root.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': root.json().csrfToken }
  const mint = (count: number) => app.inject({ method: 'POST', url: '/auth/tokens', headers, payload: { name: `t${count}`, roles: ['viewer'], teams: teamNames(count), expiresInDays: 1 } })
  t.match(assertProblem(t, await mint(LIMIT + 1), 403), { code: 'BFF_TOO_MANY_TEAMS', detail: refusal }, 'an API token of a * admin')
  const token = await mint(LIMIT)
  t.equal(token.statusCode, 201)
  t.equal((await app.inject({ method: 'GET', url: '/api/clients', headers: { authorization: `Bearer ${token.json().token}` } })).statusCode, 200)

  const lower = await buildTestApp(t, { ACCESS_MODEL: 'teams', BFF_USERS_FILE: path, MAX_TEAMS_PER_IDENTITY: '10', ...NOT_OVERLOAD_TESTS })
  t.match(assertProblem(t, await lower.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'enough', password: 'limit-password-1234' } }), 403).detail, /at most 10 are allowed/)

  // The users file now gives root more teams than allowed: the session made before is refused, but can log out.
  await writeFile(path, JSON.stringify([{ username: 'root', passwordHash, roles: ['admin'], teams: teamNames(LIMIT + 1) }]))
  await app.users.reload()
  t.match(assertProblem(t, await app.inject({ method: 'GET', url: '/api/clients', headers }), 403), { code: 'BFF_TOO_MANY_TEAMS' }, 'a session of before')
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers })).statusCode, 204)
})
