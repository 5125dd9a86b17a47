import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { usersFile, type LocalUser } from '../helpers/local-users.ts'
import { startGateway, HEADER } from './gateway-jwt-support.ts'

// A session or an API token carries the roles its user had when it was made; every request asks the
// users file what the user has now (src/auth/access.ts). Gateway identities have no file to ask.
const carol: LocalUser = { username: 'carol', password: 'carol-password-3d9f', roles: ['editor'] }
const dave: LocalUser = { username: 'dave', password: 'dave-password-81c4', roles: ['admin'] }

t.test('POST /api/clients ...should follow the roles the users file grants now: a demoted user\'s session and token get 403, a removed user\'s 401', async t => {
  const file = await usersFile([carol, dave])
  const { app } = await buildTestApp(t, { BFF_USERS_FILE: file.path, BFF_USERS_RELOAD_SECONDS: '0' })
  const signIn = async (user: LocalUser) => {
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })
    t.equal(response.statusCode, 200, `${user.username} signs in`)
    return { cookie: String([response.headers['set-cookie']].flat()[0]).split(';')[0]!, 'x-csrf-token': response.json().csrfToken as string }
  }
  const session = await signIn(carol)
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: session, payload: { name: 'ci', roles: ['editor'], expiresInDays: 1 } })
  t.equal(minted.statusCode, 201)
  const token = { authorization: `Bearer ${minted.json().token}` }
  const create = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/clients', headers, payload: { clientName: 'by carol' } })
  t.equal((await create(session)).statusCode, 201, 'the editor creates with her session')
  t.equal((await create(token)).statusCode, 201, 'and with her token')

  await file.rewrite([{ ...carol, roles: ['viewer'] }, dave])
  await app.users.reload()
  const before = app.sandboxUpstream.requests.length
  for (const [name, headers] of [['session', session], ['token', token]] as const) {
    const refused = await create(headers)
    t.equal(refused.statusCode, 403, `demoted: her ${name} is refused`)
    t.match(refused.json(), { code: 'BFF_FORBIDDEN', detail: /editor/ }, name)
  }
  t.same((await app.inject({ url: '/auth/session', headers: session })).json().roles, ['viewer'], '/auth/session shows the roles of now')
  t.equal((await app.inject({ url: '/api/clients', headers: token })).statusCode, 200, 'she still reads')

  await file.rewrite([dave])
  await app.users.reload()
  for (const [name, headers] of [['session', session], ['token', token]] as const) {
    const refused = await app.inject({ url: '/api/clients', headers })
    t.equal(refused.statusCode, 401, `removed: her ${name} is nobody`)
    t.equal(refused.json().code, 'BFF_UNAUTHENTICATED', name)
  }
  t.equal(app.sandboxUpstream.requests.length - before, 1, 'only the one allowed read reached the upstream')
})

t.test('POST /api/clients ...should take a gateway identity\'s roles from its token, whatever the users file holds', async t => {
  const gateway = await startGateway(t)
  const file = await usersFile([{ ...dave, username: 'alice', roles: ['viewer'] }])
  const { app } = await buildTestApp(t, { ...gateway.env, BFF_USERS_FILE: file.path })
  const asGateway = async (sub: string) => ({ [HEADER]: await gateway.sign({ sub, roles: ['bff-editors'] }), 'x-csrf': '1' })
  for (const sub of ['alice', 'erin']) {
    const session = await app.inject({ url: '/auth/session', headers: await asGateway(sub) })
    t.same(session.json(), { source: 'gateway', username: sub, roles: ['editor'] }, `${sub}: the gateway's roles`)
    const created = await app.inject({ method: 'POST', url: '/api/clients', headers: await asGateway(sub), payload: { clientName: `by ${sub}` } })
    t.equal(created.statusCode, 201, `${sub} creates as an editor (alice is a local viewer, erin no local user)`)
  }
})
