import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'

const PORTAL = '26478243745571'
const MOBILE = '31415926535897'

async function appWithHistory (t: Test) {
  const built = await buildTestApp(t)
  const { app } = built
  const admin = await login(app, 'admin')
  const editor = await login(app, 'editor')
  const ids: string[] = []
  const call = async (who: typeof admin, method: 'PUT' | 'DELETE', url: string, payload?: object) => {
    const response = await app.inject({ method, url, payload, headers: who.headers })
    ids.push(String(response.headers['x-request-id']))
    return response
  }
  await call(editor, 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true })
  await call(editor, 'PUT', `/api/clients/${MOBILE}/lock`, { locked: true })
  await call(admin, 'PUT', '/api/clients/99999999999999/lock', { locked: true })
  await call(admin, 'DELETE', `/api/clients/${MOBILE}/granted-scopes/john`)
  await call(admin, 'PUT', `/api/clients/${PORTAL}/lock`, { locked: false })
  return { ...built, admin, editor, ids }
}

t.test('GET /api/audit ...should answer records newest first, a page at a time with a cursor', async t => {
  const { app, admin, ids } = await appWithHistory(t)
  const first = await app.inject({ url: '/api/audit?limit=2', headers: admin.headers })
  t.equal(first.statusCode, 200)
  t.same(first.json().records.map((record: { requestId: string }) => record.requestId), [ids[4], ids[3]])
  const second = await app.inject({ url: `/api/audit?limit=2&cursor=${first.json().nextCursor}`, headers: admin.headers })
  t.same(second.json().records.map((record: { requestId: string }) => record.requestId), [ids[2], ids[1]])
  const last = await app.inject({ url: `/api/audit?limit=2&cursor=${second.json().nextCursor}`, headers: admin.headers })
  t.same(last.json().records.map((record: { requestId: string }) => record.requestId), [ids[0]])
  t.equal(last.json().nextCursor, null)
})

t.test('GET /api/audit ...should filter by actor, clientId, action, outcome and time', async t => {
  const { app, admin, ids } = await appWithHistory(t)
  const requestIds = async (query: string) => (await app.inject({ url: `/api/audit?${query}`, headers: admin.headers })).json().records.map((record: { requestId: string }) => record.requestId)
  t.same(await requestIds('actor=editor'), [ids[1], ids[0]])
  t.same(await requestIds(`clientId=${PORTAL}`), [ids[4], ids[0]])
  t.same(await requestIds('action=granted-scopes.delete'), [ids[3]])
  t.same(await requestIds('outcome=failure'), [ids[2]])
  t.same(await requestIds('outcome=success&actor=admin'), [ids[4], ids[3]])
  t.same(await requestIds('outcome=pending'), [])
  t.same(await requestIds(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), [])
  t.same((await requestIds(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).length, 5)
})

t.test('GET /api/audit ...should stream every matching record as NDJSON when asked', async t => {
  const { app, admin, ids } = await appWithHistory(t)
  const response = await app.inject({ url: '/api/audit?actor=admin', headers: { ...admin.headers, accept: 'application/x-ndjson' } })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/x-ndjson/)
  const lines = response.body.trim().split('\n').map(line => JSON.parse(line))
  t.same(lines.map(line => line.requestId), [ids[4], ids[3], ids[2]])
})

t.test('GET /api/audit ...should answer 403 to an editor and 400 to a bad filter', async t => {
  const { app, admin, editor } = await appWithHistory(t)
  t.equal((await app.inject({ url: '/api/audit', headers: editor.headers })).statusCode, 403)
  t.equal((await app.inject({ url: '/api/audit/verify', headers: editor.headers })).statusCode, 403)
  t.equal((await app.inject({ url: '/api/audit?outcome=maybe', headers: admin.headers })).statusCode, 400)
  t.equal((await app.inject({ url: '/api/audit?since=yesterday', headers: admin.headers })).statusCode, 400)
  t.equal((await app.inject({ url: '/api/audit?limit=501', headers: admin.headers })).statusCode, 400)
  t.equal((await app.inject({ url: '/api/audit?password=x', headers: admin.headers })).statusCode, 400)
})

t.test('GET /api/audit?clientId= ...should find the creation of a client, with its ID recorded with the outcome', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const admin = await login(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Audited' }, headers: editor.headers })
  t.equal(created.statusCode, 201)
  const clientId = String(created.json().clientId)
  await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/lock`, payload: { locked: true }, headers: editor.headers })
  const { records } = (await app.inject({ url: `/api/audit?clientId=${clientId}`, headers: admin.headers })).json()
  t.same(records.map((record: { action: string }) => record.action), ['client.lock', 'client.create'])
  t.match(records[1], { action: 'client.create', clientId, outcome: 'success', status: 201, requestId: created.headers['x-request-id'] })
  const failed = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Copy', clientIdAlias: 'portal' }, headers: editor.headers })
  t.equal(failed.statusCode, 400)
  const [refused] = (await app.inject({ url: '/api/audit?action=client.create&outcome=failure', headers: admin.headers })).json().records
  t.match(refused, { clientId: null, status: 400 }, 'a refused create names no client')
  const verified = (await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json()
  t.match(verified, { ok: true }, 'the chain still verifies, the outcome\'s query column included')
})
