import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { usersFile, type LocalUser } from '../helpers/local-users.ts'
import { PORTAL, REPORTS } from '../clients/support.ts'
import { NOT_OVERLOAD_TESTS } from './support.ts'

// PORTAL belongs to acme, REPORTS to globex (the sandbox's seeded teams).
const alice: LocalUser = { username: 'alice', password: 'alice-password-7c1e', roles: ['editor'], teams: ['acme', 'globex'] }
const root: LocalUser = { username: 'root', password: 'root-password-92ab', roles: ['admin'], teams: ['*'] }

t.test('GET /api/clients/:clientId ...should follow the teams the users file grants now, for sessions and for tokens made for someone else', async t => {
  const file = await usersFile([alice, root])
  const { app } = await buildTestApp(t, { ACCESS_MODEL: 'teams', BFF_USERS_FILE: file.path, BFF_USERS_RELOAD_SECONDS: '0', ...NOT_OVERLOAD_TESTS })
  const login = async (user: LocalUser) => {
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })
    t.equal(response.statusCode, 200, `${user.username} signs in`)
    return { cookie: String([response.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': response.json().csrfToken as string }
  }
  const aliceSession = await login(alice)
  const rootSession = await login(root)

  // root (every team) makes a token for alice: it acts for the teams both are in, alice's.
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: rootSession, payload: { name: 'for alice', roles: ['viewer'], expiresInDays: 1, username: 'alice' } })
  t.equal(minted.statusCode, 201, 'root makes a token for alice')
  t.same(minted.json().teams, ['acme', 'globex'], 'not every team: the owner is in two')
  const aliceToken = { authorization: `Bearer ${minted.json().token}` }

  const status = async (headers: Record<string, string>, clientId: string) => (await app.inject({ method: 'GET', url: `/api/clients/${clientId}`, headers })).statusCode
  t.equal(await status(aliceSession, REPORTS), 200, 'alice reads a globex client')
  t.equal(await status(aliceToken, REPORTS), 200, 'so does her token')

  // The operator takes alice out of globex; her session and token follow at their next request.
  await file.rewrite([{ ...alice, teams: ['acme'] }, root])
  await app.users.reload()
  t.equal(await status(aliceSession, REPORTS), 404, 'her session no longer reaches globex')
  t.equal(await status(aliceToken, REPORTS), 404, 'nor does her token')
  t.equal(await status(aliceSession, PORTAL), 200, 'acme still')
  t.equal(await status(aliceToken, PORTAL), 200, 'acme still, with the token')
  t.same((await app.inject({ method: 'GET', url: '/auth/session', headers: aliceSession })).json().teams, ['acme'], '/auth/session shows the teams of now')
})
