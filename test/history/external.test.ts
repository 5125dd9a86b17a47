import t from 'tap'
import { buildTestApp, login, type ApiVersion } from '../helpers/app.ts'
import { emulator } from './emulator.ts'

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`GET /api/clients/:clientId (API ${api}) ...should record a change made directly at Authlete as an external version on the next read`, async t => {
    const { app } = await buildTestApp(t, { AUTHLETE_API_VERSION: api })
    const editor = await login(app, 'editor')
    const admin = await login(app, 'admin')
    const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Before', redirectUris: ['https://before.example/cb'] }, headers: editor.headers })
    const clientId = String(created.json().clientId)
    t.equal((await app.inject({ url: `/api/clients/${clientId}`, headers: editor.headers })).statusCode, 200)

    const { clientSecret: _secret, ...current } = await emulator(app, api, `client/get/${clientId}`)
    await emulator(app, api, `client/update/${clientId}`, { ...current, clientName: 'Changed at Authlete', redirectUris: ['https://outside.example/cb'] })

    const read = await app.inject({ url: `/api/clients/${clientId}`, headers: editor.headers })
    t.equal(read.json().clientName, 'Changed at Authlete', 'the read answers as before')
    const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })).json()
    t.match(versions, [
      { version: 2, external: true, actor: null, source: null, via: null, action: 'client.external-change', changed: ['clientName', 'redirectUris'] },
      { version: 1, external: false, action: 'client.create' }
    ])
    t.equal(versions.length, 2, 'recorded once, however many reads found it')
    const records = (await app.inject({ url: `/api/audit?action=client.external-change&clientId=${clientId}`, headers: admin.headers })).json().records
    t.match(records, [{ actor: null, outcome: 'success', version: 2, versionClientId: clientId, requestId: versions[0].auditId }])
    t.match((await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json(), { ok: true, versions: 2 })

    // The read before a write finds it too, and records it before the write's own version.
    const { clientSecret: _again, ...now } = await emulator(app, api, `client/get/${clientId}`)
    await emulator(app, api, `client/update/${clientId}`, { ...now, description: 'Also outside' })
    const patched = await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName: 'Patched' }, headers: editor.headers })
    t.equal(patched.statusCode, 200)
    const after = (await app.inject({ url: `/api/clients/${clientId}/history?limit=2`, headers: editor.headers })).json()
    t.match(after, { versions: [{ version: 4, action: 'client.patch', changed: ['clientName'] }, { version: 3, external: true, changed: ['description'] }], next: 3 })
  })
}

t.test('HISTORY_SWEEP_MINUTES ...should find a change made outside the proxy on a client nobody reads', async t => {
  const { app, config } = await buildTestApp(t, { HISTORY_SWEEP_MINUTES: '60' })
  t.equal(config.HISTORY_SWEEP_MINUTES, 60)
  const editor = await login(app, 'editor')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Swept' }, headers: editor.headers })
  const clientId = String(created.json().clientId)
  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${clientId}`)
  await emulator(app, 'v3', `client/update/${clientId}`, { ...current, clientName: 'Renamed outside' })
  const before = app.sandboxUpstream.requests.length
  await app.sweepClientHistory()
  t.ok(app.sandboxUpstream.requests.slice(before).every(request => request.path.includes('client/get/list')), 'the sweep reads the list only')
  const latest = await app.auditTrail.history.latest(clientId)
  t.match(latest, { version: 2, external: true, client: { clientName: 'Renamed outside' } })
})
