import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import type { IntentData, OutcomeData } from '../../src/audit/audit-types.ts'
import { buildTestApp, login } from '../helpers/app.ts'
import { LOGOUT_EVENT, startOidcApp } from '../helpers/oidc-provider.ts'
import { allRecords, checkDuration, timed } from './trail.ts'
import { PORTAL } from '../clients/support.ts'

// What one audit record holds of the request (src/audit/audit-trail.ts): the caller's text escaped so
// a terminal shows what was sent, names sorted, and an outcome written even after a transient failure.

t.test('PUT /api/clients/:clientIdentifier/lock ...should record the user agent with control, line and bidi characters escaped, cut at 512 characters', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const lock = (headers: Record<string, string>) => app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, headers: { ...admin.headers, ...headers } })
  const hostile = 'a\u0000b\u001fc\u007fd\u009fe\u2028f\u2029g\u202ah\u202ei\u2066j\u2069k'
  await lock({ 'user-agent': hostile })
  await lock({ 'user-agent': `${'é'.repeat(510)}\u2027\u202f\u2065\u206a\u00a0xyz` })
  await lock({ 'user-agent': 'x'.repeat(511) + '\u0007' + 'y'.repeat(100) })
  const agents = (await allRecords(app)).reverse().map(record => record.userAgent)
  t.equal(agents[0], 'a\\u0000b\\u001fc\\u007fd\\u009fe\\u2028f\\u2029g\\u202ah\\u202ei\\u2066j\\u2069k', 'each escaped as \\uXXXX')
  t.equal(agents[1], `${'é'.repeat(510)}\u2027\u202f`, 'printable characters kept, the 512 first only')
  t.equal(agents[2], `${'x'.repeat(511)}\\u0007`, 'cut before escaping')
})

t.test('PATCH /api/clients/:clientId ...should record the changed property names sorted, whatever order they came in', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const patched = await app.inject({ method: 'PATCH', url: `/api/clients/${PORTAL}`, payload: { tosUri: null, clientName: 'n', description: 'd', applicationType: null }, headers: editor.headers })
  t.equal(patched.statusCode, 200)
  const [record] = await allRecords(app)
  t.same(record?.changedProperties, ['applicationType', 'clientName', 'description', 'tosUri'])
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should write the outcome on its second try when the first write fails', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  // A transient failure of the store (a busy disk): the first outcome write fails, the second works.
  const append = app.auditTrail.append.bind(app.auditTrail)
  let failures = 0
  app.auditTrail.append = async entry => {
    if (entry.kind === 'outcome' && failures === 0) { failures++; throw new Error('transient') }
    return await append(entry)
  }
  const answer = await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, headers: admin.headers })
  t.equal(answer.statusCode, 200)
  t.equal(failures, 1)
  t.match(await allRecords(app), [{ action: 'client.lock', outcome: 'success', status: 200 }], 'complete, not pending')
})

t.test('POST /api/clients ...should record the created client\'s id with the outcome, and each use of an admin-made token with both names', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const minted = await app.inject({ method: 'POST', url: '/auth/tokens', headers: admin.headers, payload: { name: 'for editor', roles: ['editor'], expiresInDays: 1, username: 'editor' } })
  t.equal(minted.statusCode, 201)
  const created = await app.inject({ method: 'POST', url: '/api/clients', headers: { authorization: `Bearer ${minted.json().token}` }, payload: { clientName: 'recorded' } })
  t.equal(created.statusCode, 201)
  const records = await allRecords(app)
  t.match(records.find(record => record.action === 'client.create'), { clientId: String(created.json().clientId), actor: 'editor', via: 'api-token', credential: minted.json().id, tokenCreatedBy: { source: 'local', username: 'admin' } })
  t.match(records.find(record => record.action === 'auth.token.create'), { target: { source: 'local', username: 'editor', tokenId: minted.json().id } })
})

// The entries as stored (what the hash covers), exactly: no field added, none missing.
async function storedEntries (app: FastifyInstance) {
  return (await Array.fromAsync(app.auditTrail.entries())).filter(entry => entry.kind !== 'checkpoint')
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should store an intent and an outcome holding exactly their fields, and the duration in milliseconds', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const { answer, wallMs } = await timed(() => app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, headers: { ...admin.headers, 'user-agent': 'records/1' } }))
  t.equal(answer.statusCode, 200)
  const [intent, outcome] = await storedEntries(app)
  t.strictSame(intent?.data, {
    actor: 'admin',
    source: 'local',
    roles: ['admin'],
    via: 'session',
    credential: null,
    action: 'client.lock',
    route: 'PUT /api/clients/:clientIdentifier/lock',
    clientId: 'portal',
    subject: null,
    clientIp: '127.0.0.1',
    userAgent: 'records/1',
    changedProperties: ['locked'],
    callerRequestId: null
  }, 'no target, team or token maker where there is none')
  const { durationMs, versionHash, ...rest } = outcome?.data as OutcomeData
  // The client version the lock made (src/history), named with its hash.
  t.strictSame(rest, { status: 200, outcome: 'success', resultCode: answer.json().resultCode, version: 1, versionClientId: '26478243745571' }, 'no created client id for a lock')
  t.match(versionHash, /^[0-9a-f]{64}$/)
  checkDuration(t, durationMs, wallMs)
  t.equal(Math.round(durationMs * 1000) / 1000, durationMs, 'to the microsecond')
})

t.test('PUT /api/clients/:clientId/authorizations/:subject ...should record the subject', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const answer = await app.inject({ method: 'PUT', url: `/api/clients/${PORTAL}/authorizations/john`, payload: { scopes: ['openid'] }, headers: editor.headers })
  t.equal(answer.statusCode, 200)
  t.match(await allRecords(app), [{ action: 'authorization.update', clientId: PORTAL, subject: 'john' }])
})

t.test('DELETE /auth/tokens/:id ...should record a refusal made without calling the upstream as a failure without a result code', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const answer = await app.inject({ method: 'DELETE', url: '/auth/tokens/0123456789abcdef01234567', headers: admin.headers })
  t.equal(answer.statusCode, 404)
  t.match(await allRecords(app), [{ action: 'auth.token.revoke', outcome: 'failure', status: 404, resultCode: null }])
})

t.test('POST /api/clients ...should store nothing for a body it refuses', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  for (const payload of [{ clientName: 7 }, { unknownProperty: true }]) {
    const refused = await app.inject({ method: 'POST', url: '/api/clients', payload, headers: editor.headers })
    t.equal(refused.statusCode, 400)
  }
  t.same(await storedEntries(app), [], 'neither an intent nor an outcome')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should record a missing User-Agent as null', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  // undici's request sends no User-Agent of its own (fetch would).
  const answer = await request(`http://127.0.0.1:${port}/api/clients/portal/lock`, { method: 'PUT', headers: { ...admin.headers, 'content-type': 'application/json' }, body: '{"locked":true}' })
  await answer.body.dump()
  t.equal(answer.statusCode, 200)
  t.match(await allRecords(app), [{ action: 'client.lock', userAgent: null }])
})

t.test('POST /auth/backchannel-logout ...should record an anonymous caller with no actor, source, roles, proof or credential', async t => {
  const setup = await startOidcApp(t)
  const token = await setup.provider.signLogoutToken({
    iss: setup.provider.issuer, aud: setup.provider.clientId, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), events: { [LOGOUT_EVENT]: {} }, sub: 'alice'
  })
  const answer = await fetch(`${setup.appUrl}/auth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `logout_token=${token}` })
  t.equal(answer.status, 200)
  const [intent] = await storedEntries(setup.app)
  t.match(intent?.data, { action: 'auth.backchannel-logout', actor: null, source: null, via: null, credential: null })
  t.strictSame((intent?.data as IntentData).roles, [], 'no roles')
  t.notOk('tokenCreatedBy' in (intent?.data ?? {}), 'no token maker')
})

t.test('DELETE /api/clients/:clientId/authorizations/:subject ...should record no changed properties for a route without a body, even when sent JSON null', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  for (const extra of [{}, { headers: { 'content-type': 'application/json' }, payload: 'null' }]) {
    const answer = await app.inject({ method: 'DELETE', url: `/api/clients/${PORTAL}/authorizations/john`, ...extra, headers: { ...editor.headers, ...extra.headers } })
    t.equal(answer.statusCode, 200)
  }
  t.match(await allRecords(app), [{ changedProperties: null, outcome: 'success' }, { changedProperties: null, outcome: 'success' }])
})
