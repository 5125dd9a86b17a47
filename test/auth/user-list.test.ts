import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cookieOf, listen } from '../helpers/http.ts'
import { usersFile, type LocalUser } from '../helpers/local-users.ts'

const password = (username: string) => `${username}-user-list-password`
const USERS: LocalUser[] = [
  { username: 'amy', roles: ['admin'], teams: ['acme'] },
  { username: 'root', roles: ['admin'], teams: ['*'] },
  { username: 'eve', roles: ['editor'], teams: ['acme'] },
  { username: 'bo', roles: ['editor'], teams: ['acme', 'globex'] },
  { username: 'vic', roles: ['viewer'], teams: ['globex'] }
].map(user => ({ ...user, password: password(user.username) }) as LocalUser)

async function signedIn (model: 'roles' | 'teams', t: Test) {
  const { path } = await usersFile(model === 'teams' ? USERS : USERS.map(({ teams: _teams, ...user }) => user))
  const { app } = await buildTestApp(t, { ACCESS_MODEL: model, BFF_USERS_FILE: path })
  const http = await listen(app)
  const as = async (username: string) => {
    const answer = await http.request('/auth/login', { json: { username, password: password(username) } })
    return { cookie: cookieOf(answer), 'x-csrf-token': answer.json().csrfToken as string }
  }
  return { http, as }
}

t.test('GET /api/users ...should list the users file\'s users by name with roles, never a password hash, to admins only', async t => {
  const { http, as } = await signedIn('roles', t)
  const admin = await as('amy')
  const answer = await http.request('/api/users', { headers: admin })
  t.equal(answer.status, 200)
  t.same(answer.json(), {
    users: [{ username: 'amy', roles: ['admin'] }, { username: 'bo', roles: ['editor'] }, { username: 'eve', roles: ['editor'] }, { username: 'root', roles: ['admin'] }, { username: 'vic', roles: ['viewer'] }],
    total: 5,
    offset: 0,
    limit: 100
  })
  t.notMatch(answer.text, /argon2|passwordHash/, 'no password hash')
  t.same((await http.request('/api/users?offset=1&limit=2', { headers: admin })).json().users.map((user: { username: string }) => user.username), ['bo', 'eve'], 'paged')
  t.equal((await http.request('/api/users', { headers: await as('eve') })).status, 403, 'an editor may not')
  t.equal((await http.request('/api/users')).status, 401)
  t.equal((await http.request('/api/users?limit=501', { headers: admin })).status, 400)
})

t.test('GET /api/users (teams) ...should list the users an admin of some teams may act on: all of whose teams are theirs', async t => {
  const { http, as } = await signedIn('teams', t)
  const names = async (username: string) => (await http.request('/api/users', { headers: await as(username) })).json().users.map((user: { username: string, teams: string[] }) => `${user.username}:${user.teams.join('+')}`)
  t.same(await names('amy'), ['amy:acme', 'eve:acme'], 'an acme admin: acme\'s users and themself, not bo (also globex) nor root (*)')
  t.same(await names('root'), ['amy:acme', 'bo:acme+globex', 'eve:acme', 'root:*', 'vic:globex'], 'a * admin: everyone')
})
