import t from 'tap'
import { buildTestApp, login, type ApiVersion } from '../helpers/app.ts'
import { teamHarness, PORTAL, REPORTS } from '../teams/support.ts'

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`POST /api/clients/:clientId/history/:version/restore (API ${api}) ...should put a version back as a new version, and refuse without or with a stale If-Match`, async t => {
    const { app } = await buildTestApp(t, { AUTHLETE_API_VERSION: api })
    const editor = await login(app, 'editor')
    const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Good', redirectUris: ['https://good.example/cb'] }, headers: editor.headers })
    const clientId = String(created.json().clientId)
    const broken = await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName: 'Broken', redirectUris: ['https://broken.example/cb'] }, headers: editor.headers })
    const etag = String(broken.headers.etag)
    const url = `/api/clients/${clientId}/history/1/restore`

    const before = app.sandboxUpstream.requests.length
    const without = await app.inject({ method: 'POST', url, headers: editor.headers })
    t.equal(without.statusCode, 428)
    t.equal(without.json().code, 'BFF_PRECONDITION_REQUIRED')
    const stale = await app.inject({ method: 'POST', url, headers: { ...editor.headers, 'if-match': '"stale"' } })
    t.equal(stale.statusCode, 412)
    t.equal(stale.json().code, 'BFF_PRECONDITION_FAILED')
    t.notOk(app.sandboxUpstream.requests.slice(before).some(request => request.path.includes('client/update')), 'nothing was written upstream')
    t.equal((await app.inject({ method: 'POST', url: `/api/clients/${clientId}/history/9/restore`, headers: { ...editor.headers, 'if-match': etag } })).json().code, 'BFF_VERSION_NOT_FOUND')

    const restored = await app.inject({ method: 'POST', url, headers: { ...editor.headers, 'if-match': etag } })
    t.equal(restored.statusCode, 200, restored.body)
    t.match(restored.json(), { clientName: 'Good', redirectUris: ['https://good.example/cb'] })
    t.ok(restored.headers.etag, 'the answer carries the new ETag')
    const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })).json()
    t.match(versions[0], { version: 3, action: 'client.restore', actor: 'editor', restoredFrom: 1, changed: ['clientName', 'redirectUris'] })
    const diff = (await app.inject({ url: `/api/clients/${clientId}/diff?from=1`, headers: editor.headers })).json()
    t.same(diff, { changes: [] }, 'the live client equals version 1 again')
  })
}

t.test('POST /api/clients/:clientId/history/:version/restore ...should refuse an editor a version whose credential properties differ (403), as PUT does', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const editor = await login(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Creds', tokenAuthMethod: 'CLIENT_SECRET_BASIC' }, headers: admin.headers })
  const clientId = String(created.json().clientId)
  const changed = await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { tokenAuthMethod: 'CLIENT_SECRET_POST' }, headers: admin.headers })
  const url = `/api/clients/${clientId}/history/1/restore`
  const refused = await app.inject({ method: 'POST', url, headers: { ...editor.headers, 'if-match': String(changed.headers.etag) } })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN')
  const viewer = await login(app, 'viewer')
  t.equal((await app.inject({ method: 'POST', url, headers: { ...viewer.headers, 'if-match': String(changed.headers.etag) } })).statusCode, 403, 'viewers restore nothing')
  const accepted = await app.inject({ method: 'POST', url, headers: { ...admin.headers, 'if-match': String(changed.headers.etag) } })
  t.equal(accepted.statusCode, 200)
  t.equal(accepted.json().tokenAuthMethod, 'CLIENT_SECRET_BASIC')
})

t.test('POST /api/history/deleted/:clientId/restore ...should recreate a deleted client under a new ID, say so, and be for admins only', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const editor = await login(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Gone', redirectUris: ['https://gone.example/cb'], grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'] }, headers: admin.headers })
  const oldId = String(created.json().clientId)
  t.equal((await app.inject({ method: 'DELETE', url: `/api/clients/${oldId}`, headers: admin.headers })).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url: `/api/history/deleted/${oldId}/restore`, headers: editor.headers })).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: `/api/history/deleted/${PORTAL}/restore`, headers: admin.headers })).json().code, 'BFF_DELETED_CLIENT_NOT_FOUND', 'a client that exists is no deleted one')

  const restored = await app.inject({ method: 'POST', url: `/api/history/deleted/${oldId}/restore`, headers: admin.headers })
  t.equal(restored.statusCode, 201, restored.body)
  const body = restored.json()
  t.not(body.clientId, oldId)
  t.equal(body.oldClientId, oldId)
  t.match(body.message, new RegExp(`${oldId}.*NEW client ${body.clientId}.*client ID and its client secret are new`))
  t.match(body.client, { clientName: 'Gone', redirectUris: ['https://gone.example/cb'] })
  t.equal(restored.headers.location, `/api/clients/${body.clientId}`)
  const { versions } = (await app.inject({ url: `/api/clients/${body.clientId}/history`, headers: admin.headers })).json()
  t.match(versions, [{ version: 1, action: 'client.restore-deleted', restoredFrom: 2, restoredFromClientId: oldId }])
  const deleted = (await app.inject({ url: '/api/history/deleted', headers: admin.headers })).json()
  t.match(deleted.clients, [{ clientId: oldId, restoredAs: body.clientId }])
  const old = (await app.inject({ url: `/api/clients/${oldId}/history`, headers: admin.headers })).json()
  t.match(old.versions, [{ version: 2, action: 'client.delete' }, { version: 1, action: 'client.create' }], 'a deleted client\'s history stays readable')
})

t.test('GET /api/clients/:clientId/history (teams) ...should answer 404 for another team\'s client, and scope the deleted list', async t => {
  const h = await teamHarness(t)
  await h.call('globex', 'PATCH', `/api/clients/${REPORTS}`, { description: 'globex change' })
  t.equal((await h.call('globex', 'GET', `/api/clients/${REPORTS}/history`)).statusCode, 200)
  for (const url of [`/api/clients/${REPORTS}/history`, `/api/clients/${REPORTS}/history/1`, `/api/clients/${REPORTS}/diff?from=1`]) {
    const refused = await h.call('acme', 'GET', url)
    t.equal(refused.statusCode, 404, url)
    t.equal(refused.json().code, 'BFF_CLIENT_NOT_FOUND')
  }
  const restore = await h.call('acme', 'POST', `/api/clients/${REPORTS}/history/1/restore`)
  t.equal(restore.statusCode, 404, 'restoring another team\'s client: 404 as well')

  const created = await h.call('globex', 'POST', '/api/clients', { clientName: 'Globex gone' })
  const goneId = String(created.json().clientId)
  t.equal((await h.call('globex', 'DELETE', `/api/clients/${goneId}`)).statusCode, 204)
  t.match((await h.call('globex', 'GET', '/api/history/deleted')).json().clients, [{ clientId: goneId, developer: 'globex' }])
  t.same((await h.call('acme', 'GET', '/api/history/deleted')).json().clients, [], 'another team\'s deleted client is not listed')
  t.equal((await h.call('acme', 'POST', `/api/history/deleted/${goneId}/restore`)).statusCode, 404, 'nor restored')
  t.equal((await h.call('root', 'POST', `/api/history/deleted/${goneId}/restore`)).statusCode, 201)
})
