import t from 'tap'
import { buildTestApp, login, type ApiVersion } from '../helpers/app.ts'

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
