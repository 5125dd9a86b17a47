import t from 'tap'
import type { Test } from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cookieOf, listen, type HttpClient } from '../helpers/http.ts'
import { usersFile, type LocalUser } from '../helpers/local-users.ts'
import { HEADER, startGateway, type Gateway } from '../auth/gateway-jwt-support.ts'
import { allRecords } from '../audit/trail.ts'
import { NOT_OVERLOAD_TESTS } from './support.ts'

// ACCESS_MODEL=teams: an admin acts on another user (tokens, sessions, login failures) only when the
// admin's teams include every team of that user (issue 21, item 1). Before, an admin of acme listed,
// minted and revoked tokens of anyone, `*` admins included, ended their sessions and cleared their
// login failures.

const password = (username: string) => `${username}-user-admin-password`
const USERS: LocalUser[] = [
  { username: 'amy', roles: ['admin'], teams: ['acme'] },
  { username: 'gus', roles: ['admin'], teams: ['globex'] },
  { username: 'ada', roles: ['admin'], teams: ['acme', 'globex'] },
  { username: 'root', roles: ['admin'], teams: ['*'] },
  { username: 'eve', roles: ['editor'], teams: ['acme'] },
  { username: 'bo', roles: ['editor'], teams: ['acme', 'globex'] },
  { username: 'ops', roles: ['viewer'], teams: ['*'] }
].map(user => ({ ...user, password: password(user.username) }) as LocalUser)

type Headers = Record<string, string>

interface World {
  app: Awaited<ReturnType<typeof buildTestApp>>['app']
  http: HttpClient
  gateway: Gateway
  as: Record<string, Headers>
  /** A token of each user, made by that user: its id and value. */
  tokens: Record<string, { id: string, value: string }>
}

async function world (t: Test): Promise<World> {
  const gateway = await startGateway(t)
  const { path } = await usersFile(USERS)
  const { app } = await buildTestApp(t, { ...gateway.env, ACCESS_MODEL: 'teams', BFF_USERS_FILE: path, ...NOT_OVERLOAD_TESTS })
  const http = await listen(app)
  const as: Record<string, Headers> = {}
  for (const { username } of USERS) {
    const answer = await http.request('/auth/login', { json: { username, password: password(username) } })
    as[username] = { cookie: cookieOf(answer), 'x-csrf-token': answer.json().csrfToken }
  }
  // Gateway identities: gwen edits globex's clients, gala is an admin of acme.
  as.gwen = { [HEADER]: await gateway.sign({ sub: 'gwen', roles: ['bff-editors'], teams: ['globex'] }), 'x-csrf': '1' }
  as.gala = { [HEADER]: await gateway.sign({ sub: 'gala', roles: ['bff-admins'], teams: ['acme'] }), 'x-csrf': '1' }
  const tokens: World['tokens'] = {}
  for (const username of ['eve', 'bo', 'root', 'gwen']) {
    const minted = await http.request('/auth/tokens', { headers: as[username], json: { name: `${username}'s`, roles: ['viewer'], expiresInDays: 1 } })
    if (minted.status !== 201) throw new Error(`token of ${username}: ${minted.text}`)
    tokens[username] = { id: minted.json().id, value: minted.json().token }
  }
  return { app, http, gateway, as, tokens }
}

/** Every way an admin acts on `username` (local unless said), as [what, method, path, body]. */
function actionsOn (w: World, username: string, source = 'local'): Array<[string, string, string, unknown?]> {
  const user = `username=${username}&source=${source}`
  return [
    ['list tokens', 'GET', `/auth/tokens?${user}`],
    ['mint a token', 'POST', '/auth/tokens', { name: 'by an admin', roles: ['viewer'], expiresInDays: 1, username }],
    ['revoke a token', 'DELETE', `/auth/tokens/${w.tokens[username]?.id ?? '0'.repeat(24)}`],
    ['list sessions', 'GET', `/auth/sessions?${user}`],
    ['end sessions', 'DELETE', `/auth/sessions?${user}`],
    ['clear login failures', 'DELETE', `/auth/login-failures?username=${username.toUpperCase()}`]
  ]
}

async function act (w: World, admin: string, [, method, path, body]: [string, string, string, unknown?]) {
  return await w.http.request(path, { method, headers: w.as[admin], ...(body === undefined ? {} : { json: body }) })
}

t.test('GET /auth/tokens ...should refuse a team admin every action on a user with a team outside theirs: 403 BFF_NOT_YOUR_TEAM, nothing changed, audited as denied', async t => {
  const w = await world(t)
  for (let i = 0; i < 2; i++) await w.http.request('/auth/login', { json: { username: 'bo', password: 'wrong' } })
  for (const [admin, target] of [['amy', 'bo'], ['gus', 'bo'], ['amy', 'root'], ['ada', 'root'], ['ada', 'ops'], ['gala', 'bo']] as const) {
    for (const action of actionsOn(w, target).filter(([what]) => target !== 'ops' || what !== 'revoke a token')) {
      const answer = await act(w, admin, action)
      t.equal(answer.status, 403, `${admin} may not ${action[0]} of ${target}`)
      t.match(answer.json(), { code: 'BFF_NOT_YOUR_TEAM', detail: new RegExp(`^User ${target} belongs to a team that is not one of yours`, 'i') })
    }
  }

  // Nothing changed: bo's session, token and failures, root's token are all still there.
  t.equal((await w.http.request('/auth/session', { headers: w.as.bo })).status, 200, 'bo is still signed in')
  t.equal((await w.http.request('/auth/session', { headers: { authorization: `Bearer ${w.tokens.bo!.value}` } })).status, 200, 'bo\'s token still works')
  t.equal((await w.http.request('/auth/session', { headers: { authorization: `Bearer ${w.tokens.root!.value}` } })).status, 200, 'and root\'s')
  t.same((await w.http.request('/auth/tokens?username=bo', { headers: w.as.root })).json().tokens.map((token: { id: string }) => token.id), [w.tokens.bo!.id], 'no token was minted for bo')
  t.same((await w.http.request('/auth/login-failures?username=bo', { method: 'DELETE', headers: w.as.root })).json(), { failuresCleared: 2 }, 'bo\'s failures were not cleared')

  const denied = (await allRecords(w.app)).filter(record => record.actor === 'amy' && record.outcome === 'denied' && record.target?.username.toLowerCase() === 'bo')
  t.same(denied.map(record => record.action).sort(), ['auth.login-failures.clear', 'auth.sessions.list', 'auth.sessions.revoke', 'auth.token.create', 'auth.token.revoke', 'auth.tokens.list'], 'each refusal is in the audit trail, denied')
  t.ok(denied.every(record => record.status === 403))
})

t.test('GET /auth/tokens ...should let an admin act on users all of whose teams are theirs, and a * admin on everyone', async t => {
  const w = await world(t)
  const allowed: Array<[string, string, string?]> = [['amy', 'eve'], ['ada', 'bo'], ['ada', 'eve'], ['gala', 'eve'], ['gus', 'gwen', 'gateway'], ['root', 'ops'], ['root', 'bo'], ['root', 'gwen', 'gateway']]
  for (const [admin, target, source] of allowed) {
    for (const action of actionsOn(w, target, source).filter(([what]) => source === undefined || what !== 'clear login failures')) {
      if (action[0] === 'mint a token' && source !== undefined) continue
      const answer = await act(w, admin, action)
      t.ok(answer.status < 300 || (action[0] === 'revoke a token' && answer.status === 404), `${admin} may ${action[0]} of ${target}: ${answer.status} ${answer.text}`)
    }
  }
  t.equal((await w.http.request('/auth/session', { headers: w.as.eve })).status, 401, 'eve\'s sessions were ended')
  t.equal((await w.http.request('/auth/session', { headers: { authorization: `Bearer ${w.tokens.gwen!.value}` } })).status, 401, 'gwen\'s token was revoked')
})

t.test('GET /auth/tokens ...should judge an external user by the teams of what they hold here', async t => {
  const w = await world(t)
  const gwenTokens = '/auth/tokens?username=gwen&source=gateway'
  t.equal((await w.http.request(gwenTokens, { headers: w.as.amy })).status, 403, 'gwen\'s token acts for globex')
  t.equal((await w.http.request(gwenTokens, { headers: w.as.gus })).status, 200)
  t.equal((await w.http.request(`/auth/tokens/${w.tokens.gwen!.id}`, { method: 'DELETE', headers: w.as.gwen })).status, 204, 'gwen revokes her token')
  t.same((await w.http.request(gwenTokens, { headers: w.as.amy })).json(), { tokens: [], nextCursor: null }, 'holding nothing, she has nothing to protect')
})

t.test('GET /auth/tokens ...should leave the roles model as it was: any admin acts on anyone', async t => {
  const { path } = await usersFile(USERS)
  const { app } = await buildTestApp(t, { BFF_USERS_FILE: path, ...NOT_OVERLOAD_TESTS })
  const http = await listen(app)
  const amy = await http.request('/auth/login', { json: { username: 'amy', password: password('amy') } })
  const headers = { cookie: cookieOf(amy), 'x-csrf-token': amy.json().csrfToken }
  t.equal((await http.request('/auth/tokens?username=root', { headers })).status, 200)
  t.equal((await http.request('/auth/sessions?username=root', { method: 'DELETE', headers })).status, 200)
})
