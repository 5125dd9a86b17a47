import t from 'tap'
import { buildTestApp, login, type ApiVersion } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'

const RUNS: Array<{ api: ApiVersion, store: 'SQLite' | 'PostgreSQL' }> = [{ api: 'v3', store: 'SQLite' }, { api: 'v2', store: 'SQLite' }, { api: 'v3', store: 'PostgreSQL' }]
for (const { api, store } of RUNS) {
  t.test(`POST PUT PATCH DELETE /api/clients ... (API ${api}, ${store}) ...should record a version per write with its actor and action`, async t => {
    const env: Record<string, string> = store === 'PostgreSQL' ? { AUDIT_STORE: (await startPostgres(t)).url } : {}
    const { app } = await buildTestApp(t, { AUTHLETE_API_VERSION: api, ...env })
    const admin = await login(app, 'admin')
    const editor = await login(app, 'editor')
    const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'History one', redirectUris: ['https://one.example/cb'] }, headers: editor.headers })
    t.equal(created.statusCode, 201)
    const clientId = String(created.json().clientId)
    const patched = await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName: 'History two' }, headers: editor.headers })
    t.equal(patched.statusCode, 200)
    const put = await app.inject({ method: 'PUT', url: `/api/clients/${clientId}`, payload: { clientName: 'History three', redirectUris: ['https://three.example/cb'] }, headers: admin.headers })
    t.equal(put.statusCode, 200)
    t.equal((await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/lock`, payload: { locked: true }, headers: editor.headers })).statusCode, 200)
    t.equal((await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/lock`, payload: { locked: false }, headers: editor.headers })).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: `/api/clients/${clientId}/secret/refresh`, headers: admin.headers })).statusCode, 200)
    t.equal((await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/secret`, payload: { clientSecret: 'x'.repeat(40) }, headers: admin.headers })).statusCode, 200)

    const listed = await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })
    t.equal(listed.statusCode, 200, listed.body)
    const { versions, next } = listed.json()
    t.equal(next, null)
    t.same(versions.map((v: { version: number }) => v.version), [7, 6, 5, 4, 3, 2, 1])
    t.same(versions.map((v: { action: string }) => v.action), ['client.secret.update', 'client.secret.refresh', 'client.unlock', 'client.lock', 'client.update', 'client.patch', 'client.create'])
    t.same(versions.map((v: { actor: string }) => v.actor), ['admin', 'admin', 'editor', 'editor', 'admin', 'editor', 'editor'])
    t.match(versions[0], { source: 'local', via: 'session', external: false, restoredFrom: null, changed: ['clientSecret'] })
    t.same(versions[5].changed, ['clientName'])
    t.same(versions[4].changed, ['clientName', 'redirectUris'])
    t.same(versions[3].changed, ['locked'])

    const one = await app.inject({ url: `/api/clients/${clientId}/history/2`, headers: editor.headers })
    t.match(one.json(), { version: 2, client: { clientName: 'History two', clientId: Number(clientId) } })
    t.notOk('clientSecret' in one.json().client)

    const records = (await app.inject({ url: `/api/audit?clientId=${clientId}&action=client.patch`, headers: admin.headers })).json().records
    t.match(records, [{ version: 2, versionClientId: clientId }])
    t.equal(versions[5].auditId, records[0].requestId)

    const diff = await app.inject({ url: `/api/clients/${clientId}/diff?from=2&to=3`, headers: editor.headers })
    t.match(diff.json().changes, [{ property: 'clientName', before: 'History two', after: 'History three' }, { property: 'redirectUris', added: ['https://three.example/cb'], removed: ['https://one.example/cb'] }])

    t.equal((await app.inject({ method: 'DELETE', url: `/api/clients/${clientId}`, headers: admin.headers })).statusCode, 204)
    const deleted = await app.inject({ url: '/api/history/deleted', headers: editor.headers })
    t.match(deleted.json(), { clients: [{ clientId, clientName: 'History three', lastVersion: 8, deletedBy: { actor: 'admin' }, restoredAs: null }], next: null })
    const verified = await app.inject({ url: '/api/audit/verify', headers: admin.headers })
    t.match(verified.json(), { ok: true })
  })
}

t.test('PUT /api/clients/:clientId/registration ...should record a version read again after the update', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const token = app.sandboxUpstream.seed.registrationAccessToken
  const clientId = app.sandboxUpstream.seed.dynamicClientId
  const answer = await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/registration`, payload: { registrationAccessToken: token, metadata: { client_name: 'Renamed by RFC 7592', redirect_uris: ['https://dyn.example/cb'] } }, headers: admin.headers })
  t.equal(answer.statusCode, 200, answer.body)
  const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: admin.headers })).json()
  t.match(versions, [{ version: 1, action: 'registration.update', actor: 'admin' }])
  const version = (await app.inject({ url: `/api/clients/${clientId}/history/1`, headers: admin.headers })).json()
  t.equal(version.client.clientName, 'Renamed by RFC 7592')
  t.notMatch(JSON.stringify(version), token)
})
