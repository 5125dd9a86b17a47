import t from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { harness, assertProblem, PORTAL, MOBILE } from '../clients/support.ts'
import { assertReplayOf, keyed, newKey, sqliteFileText, writesOf } from './support.ts'
import { WITHHELD } from '../../src/idempotency/stored-answer.ts'
import { buildTestApp, sessionCookie } from '../helpers/app.ts'
import { teamPassword, teamUsersFile } from '../teams/support.ts'

const NEW_CLIENT = { clientName: 'Idempotent app', redirectUris: ['https://app.example.com/cb'], grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'] }

t.test('POST /api/clients with an Idempotency-Key ...should answer a retry with the first answer, forward once and audit one mutation', async t => {
  const h = await harness(t)
  const key = newKey()
  const first = await keyed(h, 'admin', 'POST', '/api/clients', key, NEW_CLIENT)
  t.equal(first.statusCode, 201)
  t.equal(first.forwarded, 1)
  const retry = await keyed(h, 'admin', 'POST', '/api/clients', key, NEW_CLIENT)
  assertReplayOf(t, retry, first)
  t.equal(retry.forwarded, 0, 'the retry is not forwarded')
  const { clientSecret, ...rest } = first.json()
  t.type(clientSecret, 'string')
  t.same(retry.json(), { ...rest, clientSecret: WITHHELD }, 'the same client, its secret said to be shown once')
  t.equal(retry.headers['idempotent-withheld'], 'clientSecret')
  const reordered = await keyed(h, 'admin', 'POST', '/api/clients', `"${key}"`, Object.fromEntries(Object.entries(NEW_CLIENT).reverse()))
  t.equal(reordered.headers['idempotent-replayed'], 'true', 'properties in another order, the key quoted: the same request')
  t.equal(reordered.forwarded, 0)
  const { records } = await h.app.auditTrail.query({ limit: 10 })
  t.same(records.map(record => record.action), ['client.create'], 'one audited mutation, the replays none')
})

t.test('DELETE /api/clients/:clientId with an Idempotency-Key ...should answer a retried delete 204 again without forwarding it', async t => {
  const h = await harness(t)
  const key = newKey()
  const first = await keyed(h, 'admin', 'DELETE', `/api/clients/${MOBILE}`, key)
  t.equal(first.statusCode, 204)
  t.equal(first.forwarded, 1)
  const retry = await keyed(h, 'admin', 'DELETE', `/api/clients/${MOBILE}`, key)
  assertReplayOf(t, retry, first)
  t.equal(retry.body, '')
  t.equal(retry.forwarded, 0, 'not deleted twice')
  const without = await keyed(h, 'admin', 'DELETE', `/api/clients/${MOBILE}`, newKey())
  t.equal(without.statusCode, 404, 'a new key is a new request, and the client is gone')
})

t.test('PUT /api/clients/:clientIdentifier/lock with a reused Idempotency-Key ...should answer 422 for another body and forward nothing', async t => {
  const h = await harness(t)
  const key = newKey()
  t.equal((await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', key, { locked: true })).statusCode, 200)
  const other = await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', key, { locked: false })
  const problem = assertProblem(t, other, 422)
  t.equal(problem.code, 'BFF_IDEMPOTENCY_KEY_REUSED')
  t.equal(other.forwarded, 0)
  const otherPath = await keyed(h, 'editor', 'PUT', `/api/clients/${PORTAL}/lock`, key, { locked: false })
  t.equal(otherPath.statusCode, 200, 'the same key on another path is another key')
  t.equal(otherPath.forwarded, 1)
})

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should never answer one caller with another caller\'s answer', async t => {
  const h = await harness(t)
  const key = newKey()
  const editor = await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', key, { locked: true })
  const admin = await keyed(h, 'admin', 'PUT', '/api/clients/portal/lock', key, { locked: true })
  t.equal(editor.forwarded, 1)
  t.equal(admin.forwarded, 1, 'another caller with the same key is forwarded')
  t.equal(admin.headers['idempotent-replayed'], undefined)
  const token = await h.app.inject({ method: 'POST', url: '/auth/tokens', headers: { ...h.sessions.editor.headers, 'content-type': 'application/json' }, payload: { name: 'script', roles: ['editor'], expiresInDays: 1 } })
  const bearer = { authorization: `Bearer ${token.json().token as string}`, 'content-type': 'application/json', 'idempotency-key': key }
  const mark = h.mark()
  const byToken = await h.app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: bearer, payload: { locked: true } })
  t.equal(byToken.statusCode, 200)
  t.equal(byToken.headers['idempotent-replayed'], undefined, 'the editor\'s API token is a caller of its own')
  t.equal(writesOf(mark.sent()), 1)
  const again = await h.app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: bearer, payload: { locked: true } })
  t.equal(again.headers['idempotent-replayed'], 'true', 'and replays its own answer')
})

t.test('PUT /api/clients/:clientIdentifier/lock with a malformed Idempotency-Key ...should answer 400 naming the rule and forward nothing', async t => {
  const h = await harness(t)
  for (const [header, reason] of [['', /empty/], ['a'.repeat(256), /256 characters long/], ['has space', /character outside/], ['k1, k2', /more than once/], ['"é"', /character outside/]] as const) {
    const answer = await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', header, { locked: true })
    const problem = assertProblem(t, answer, 400)
    t.equal(problem.code, 'BFF_IDEMPOTENCY_KEY_INVALID')
    t.match(problem.detail, reason)
    t.match(problem.detail, /1 to 255 characters/)
    t.equal(answer.forwarded, 0)
  }
  t.equal((await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', 'a'.repeat(255), { locked: true })).statusCode, 200, '255 characters are accepted')
})

t.test('PUT /api/clients/:clientIdentifier/lock with an Idempotency-Key ...should store nothing for a request refused before it ran', async t => {
  const h = await harness(t)
  const key = newKey()
  const invalid = await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', key, { locked: 'yes' })
  t.equal(invalid.statusCode, 400)
  const forbidden = await keyed(h, 'viewer', 'PUT', '/api/clients/portal/lock', key, { locked: true })
  t.equal(forbidden.statusCode, 403)
  const noCsrf = await h.app.inject({ method: 'PUT', url: '/api/clients/portal/lock', headers: { cookie: h.sessions.editor.cookie, 'content-type': 'application/json', 'idempotency-key': key }, payload: { locked: false } })
  t.equal(noCsrf.statusCode, 403)
  const valid = await keyed(h, 'editor', 'PUT', '/api/clients/portal/lock', key, { locked: true })
  t.equal(valid.statusCode, 200, 'the key is still free')
  t.equal(valid.headers['idempotent-replayed'], undefined)
  t.equal(valid.forwarded, 1)
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh with an Idempotency-Key ...should keep every secret out of the SQLite store', async t => {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-idem-')), 'audit.db')
  const h = await harness(t, { AUDIT_STORE: `sqlite:${path}` })
  const created = await keyed(h, 'admin', 'POST', '/api/clients', newKey(), NEW_CLIENT)
  const key = newKey()
  const refreshed = await keyed(h, 'admin', 'POST', `/api/clients/${PORTAL}/secret/refresh`, key)
  t.equal(refreshed.statusCode, 200)
  const token = await h.app.inject({ method: 'POST', url: '/auth/tokens', headers: { ...h.sessions.admin.headers, 'content-type': 'application/json', 'idempotency-key': newKey() }, payload: { name: 'ci', roles: ['viewer'], expiresInDays: 1 } })
  t.equal(token.statusCode, 201)
  const secrets = [created.json().clientSecret, refreshed.json().newClientSecret, refreshed.json().oldClientSecret, token.json().token] as string[]
  const replay = await keyed(h, 'admin', 'POST', `/api/clients/${PORTAL}/secret/refresh`, key)
  t.equal(replay.forwarded, 0)
  t.match(replay.json(), { newClientSecret: WITHHELD, oldClientSecret: WITHHELD, resultCode: refreshed.json().resultCode })
  t.equal(replay.headers['idempotent-withheld'], 'newClientSecret, oldClientSecret')

  const db = new DatabaseSync(path, { readOnly: true })
  t.teardown(() => db.close())
  const rows = db.prepare('SELECT answer FROM idempotency_keys').all() as Array<{ answer: string }>
  t.equal(rows.length, 3, 'the three answers are stored')
  const text = await sqliteFileText(path)
  for (const secret of secrets) {
    t.type(secret, 'string')
    t.notOk(rows.some(row => row.answer.includes(secret)), 'no secret in a stored answer')
    t.notOk(text.includes(secret), 'nor anywhere in the database file or its WAL')
  }
})

t.test('PATCH /api/clients/:clientId with an Idempotency-Key in teams mode ...should answer a retry before the team check: the upstream is not even read', async t => {
  const { app } = await buildTestApp(t, { ACCESS_MODEL: 'teams', BFF_USERS_FILE: await teamUsersFile() })
  const signedIn = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'acme', password: teamPassword('acme') } })
  const headers = { cookie: sessionCookie(signedIn), 'x-csrf-token': signedIn.json().csrfToken as string, 'content-type': 'application/merge-patch+json', 'idempotency-key': newKey() }
  const patch = () => app.inject({ method: 'PATCH', url: `/api/clients/${PORTAL}`, headers, payload: { description: 'Patched once' } })
  const before = app.sandboxUpstream.requests.length
  const first = await patch()
  t.equal(first.statusCode, 200)
  const forwarded = app.sandboxUpstream.requests.length
  t.ok(forwarded - before >= 2, 'the first read the client (team check) and wrote it')
  const retry = await patch()
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(retry.json(), { ...first.json(), clientSecret: WITHHELD }, 'the same client; an admin\'s answer carries the secret, withheld in a replay')
  t.equal(app.sandboxUpstream.requests.length, forwarded, 'the retry sent nothing upstream, not even a read')
  const { records } = await app.auditTrail.query({ limit: 10 })
  t.equal(records.length, 1, 'one audited mutation')
})

t.test('PUT /api/clients/:clientId/registration with an Idempotency-Key ...should replay the RFC 7592 answer with its metadata, the registration access token and secret withheld', async t => {
  const h = await harness(t)
  const url = `/api/clients/${h.upstream.seed.dynamicClientId}/registration`
  const body = { registrationAccessToken: h.upstream.seed.registrationAccessToken, metadata: { client_name: 'Registered once' } }
  const key = newKey()
  const first = await keyed(h, 'admin', 'PUT', url, key, body)
  t.equal(first.statusCode, 200)
  t.type(first.json().client_secret, 'string')
  const retry = await keyed(h, 'admin', 'PUT', url, key, body)
  t.equal(retry.forwarded, 0)
  assertReplayOf(t, retry, first)
  t.same(retry.json(), { ...first.json(), client_secret: WITHHELD, registration_access_token: WITHHELD })
  t.equal(retry.headers['idempotent-withheld'], 'client_secret, registration_access_token')
})

t.test('POST /auth/tokens and DELETE /auth/sessions with an Idempotency-Key ...should replay a token\'s answer without its value, and take another query as another request', async t => {
  const h = await harness(t)
  const key = newKey()
  const create = () => h.app.inject({ method: 'POST', url: '/auth/tokens', headers: { ...h.sessions.admin.headers, 'content-type': 'application/json', 'idempotency-key': key }, payload: { name: 'ci', roles: ['viewer'], expiresInDays: 1 } })
  const first = await create()
  t.equal(first.statusCode, 201)
  const retry = await create()
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(retry.json(), { ...first.json(), token: WITHHELD }, 'the same token record, its value shown once')
  t.equal((await h.app.inject({ url: '/auth/tokens', headers: h.sessions.admin.headers })).json().tokens.length, 1, 'one token made')

  const revoke = (username: string) => h.app.inject({ method: 'DELETE', url: `/auth/sessions?username=${username}`, headers: { ...h.sessions.admin.headers, 'idempotency-key': key } })
  t.equal((await revoke('viewer')).statusCode, 200)
  t.equal((await revoke('viewer')).headers['idempotent-replayed'], 'true')
  t.equal(assertProblem(t, await revoke('editor'), 422).code, 'BFF_IDEMPOTENCY_KEY_REUSED', 'the same key with another query')
})
