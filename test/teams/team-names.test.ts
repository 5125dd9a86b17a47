import t from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import { readUsersFile } from '../../src/auth/users.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'
import { liveApp, upstreamCalls } from '../security/support.ts'
import { gatewayEnv, HEADER, startGateway } from '../auth/gateway-jwt-support.ts'
import { NOT_OVERLOAD_TESTS, PORTAL, teamPassword, teamUsersFile } from './support.ts'

// Several server processes start here, one after the other, on a shared machine.
t.setTimeout(300_000)

const RULE = 'a letter or digit, then up to 99 letters, digits, ., _ or -'
const WARNING = /ACCESS_MODEL=teams takes teams from the TEAMS_CLAIM of OIDC or gateway identities without TEAM_MAP/
const TEAMS = { ACCESS_MODEL: 'teams', AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' }

async function usersFileWithTeam (team: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-team-names-')), 'users.json')
  await writeFile(path, JSON.stringify([{ username: 'lead', passwordHash: await hashPassword('lead-password-7d1e'), roles: ['admin'], teams: ['acme', team] }]))
  return path
}

t.test('node src/server.ts ...should refuse a team name outside the rule in the users file or TEAM_MAP, naming the value', async t => {
  for (const team of ['pay ments', '<b>acme</b>']) {
    await t.rejects(startServerProcess(t, { ...TEAMS, BFF_USERS_FILE: await usersFileWithTeam(team) }), { message: `${JSON.stringify(team)} is not a team name (${RULE}; * for every team)` }, `users file: ${team}`)
  }
  for (const team of ['acme ', '\u0430cme', '-acme', 'x'.repeat(101), '']) {
    await t.rejects(readUsersFile(await usersFileWithTeam(team)), { message: `${JSON.stringify(team)} is not a team name` }, `users file: ${JSON.stringify(team)}`)
  }
  await t.rejects(startServerProcess(t, { ...TEAMS, BFF_USERS_FILE: await teamUsersFile(), TEAM_MAP: 'ops=acme,web=<script>' }), /TEAM_MAP: 'web=<script>' is not claimValue=team \(team: a letter or digit, then up to 99 letters, digits, \., _ or -; or \* for every team\)/)
  const fine = await startServerProcess(t, { ...TEAMS, BFF_USERS_FILE: await usersFileWithTeam('Pay.ments_2-eu'), TEAM_MAP: 'ops=acme,admins=*' })
  t.equal((await fetch(`${fine.url}/healthz`)).status, 200, 'names within the rule, and *, are accepted')
})

t.test('POST /api/clients, PUT and PATCH /api/clients/:clientId ...should answer 400 BFF_TEAM_NAME_INVALID to a developer outside the team-name rule, even from a * admin, forwarding nothing', async t => {
  const live = await liveApp(t, { ...NOT_OVERLOAD_TESTS, ACCESS_MODEL: 'teams', BFF_USERS_FILE: await teamUsersFile() })
  const { headers } = await live.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'root', password: teamPassword('root') } }).then(response => ({
    headers: { cookie: String([response.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': response.json().csrfToken as string }
  }))
  const send = async (method: string, path: string, body: unknown, type = 'application/json') =>
    await fetch(`${live.url}${path}`, { method, headers: { ...headers, 'content-type': type }, body: JSON.stringify(body) })
  const forwarded = upstreamCalls(live.app)
  for (const [method, path, body, type] of [
    ['POST', '/api/clients', { clientName: 'x', developer: 'Acme Corp' }, undefined],
    ['PUT', `/api/clients/${PORTAL}`, { clientName: 'x', developer: '<img src=x>' }, undefined],
    ['PATCH', `/api/clients/${PORTAL}`, { developer: 'acme ' }, 'application/merge-patch+json']
  ] as const) {
    const response = await send(method, path, body, type)
    t.equal(response.status, 400, `${method} ${path}`)
    t.match(await response.json(), { code: 'BFF_TEAM_NAME_INVALID', detail: `developer ${JSON.stringify(body.developer)} is not a team name: ${RULE}` })
  }
  t.equal(forwarded(), 0, 'nothing forwarded (not even a read)')
  const token = await send('POST', '/auth/tokens', { name: 'x', roles: ['viewer'], expiresInDays: 1, teams: ['acme', 'globex '] })
  t.equal(token.status, 400, 'a token\'s teams too')
  t.match(await token.json(), { errors: [{ path: '/body/teams/1', message: /must match pattern/ }] })
  t.equal((await send('POST', '/api/clients', { clientName: 'x', developer: 'new-team.eu_1' })).status, 201, 'a name within the rule is accepted')
})

t.test('GET /auth/session ...should ignore claim values that are no team name, keeping the others', async t => {
  const gateway = await startGateway(t)
  const live = await liveApp(t, { ...gateway.env, ...NOT_OVERLOAD_TESTS, ACCESS_MODEL: 'teams', TEAMS_CLAIM: 'groups' })
  const token = await gateway.sign({ sub: 'gw-user', groups: ['globex', 'Domain Users', '<script>x</script>', 'acme\u200b', 'acme '] })
  const session = await fetch(`${live.url}/auth/session`, { headers: { [HEADER]: token } })
  t.equal(session.status, 200, 'one odd group does not lock the person out')
  t.same((await session.json() as { teams: string[] }).teams, ['globex'])
})

t.test('node src/server.ts ...should warn at start in production when teams come from a claim without TEAM_MAP', async t => {
  const gateway = await startGateway(t)
  const upstream = await startFaultUpstream(t)
  const production = {
    ...TEAMS,
    ...gatewayEnv({ GATEWAY_PUBLIC_KEY: gateway.key.pem }),
    NODE_ENV: 'production',
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: '1234',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'service-token',
    SESSION_SECRET: 's'.repeat(32),
    METRICS_TOKEN: 'm'.repeat(32)
  }
  const unmapped = await startServerProcess(t, production)
  t.match(unmapped.output(), WARNING)
  const mapped = await startServerProcess(t, { ...production, TEAM_MAP: 'acme-devs=acme' })
  t.notMatch(mapped.output(), WARNING, 'not with TEAM_MAP')
  const development = await startServerProcess(t, { ...production, NODE_ENV: 'development' })
  t.notMatch(development.output(), WARNING, 'nor outside production')
})
