import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { allRecords } from './trail.ts'
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
  t.match(records.find(record => record.action === 'client.create'), { clientId: String(created.json().clientId), actor: 'editor', via: 'api-token', tokenCreatedBy: { source: 'local', username: 'admin' } })
  t.match(records.find(record => record.action === 'auth.token.create'), { target: { source: 'local', username: 'editor', tokenId: minted.json().id } })
})
