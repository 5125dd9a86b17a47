import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { NewEntry } from '../../src/audit/audit-types.ts'
import type { AuditStore } from '../../src/audit/stores/audit-store.ts'
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

t.test('GET /api/clients/:clientId/history ...should record a change found by several reads at once as one external version and one audit record', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const admin = await login(app, 'admin')
  const clientId = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Read at once' }, headers: editor.headers })).json().clientId)
  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${clientId}`)
  await emulator(app, 'v3', `client/update/${clientId}`, { ...current, clientName: 'Renamed outside' })
  const reads = await Promise.all(Array.from({ length: 4 }, () => app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })))
  for (const read of reads) t.match(read.json().versions, [{ version: 2, external: true }, { version: 1 }], 'each read answers with the external version')
  const records = (await app.inject({ url: `/api/audit?action=client.external-change&clientId=${clientId}`, headers: admin.headers })).json().records
  t.equal(records.length, 1, 'one audit record')
})

t.test('GET /api/clients/:clientId ...should record nothing for a client that did not change or has no history, and answer even when the history store fails', async t => {
  const { app, logs } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const admin = await login(app, 'admin')
  const versioned = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Unchanged' }, headers: editor.headers })).json().clientId)
  const outside = String((await emulator(app, 'v3', 'client/create', { clientName: 'Never through the proxy' })).clientId)
  for (const clientId of [versioned, outside, versioned, outside]) {
    t.equal((await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })).statusCode, 200)
  }
  t.same((await app.inject({ url: '/api/audit?action=client.external-change', headers: admin.headers })).json().records, [], 'no external change recorded')
  t.same((await app.inject({ url: `/api/clients/${outside}/history`, headers: editor.headers })).json().versions, [], 'a client never written through the proxy has no history')
  t.same(logs.filter(line => line.includes('"level":50')), [], 'and nothing went wrong')

  await app.auditTrail.close()
  const read = await app.inject({ url: `/api/clients/${outside}`, headers: editor.headers })
  t.equal(read.statusCode, 200, 'a read answers whatever the history store does')
  t.ok(logs.some(line => line.includes('"level":50') && line.includes('history: the last version could not be read to look for an external change') && line.includes('"err":')), 'the failure is logged, with the error')
})

t.test('HISTORY_SWEEP_MINUTES ...should page through every client of the service, reading each page of the list once', async t => {
  const { app } = await buildTestApp(t, { HISTORY_SWEEP_MINUTES: '60' })
  const editor = await login(app, 'editor')
  // 200 clients in all, the one with a history last: on the second page of 100.
  const { totalCount } = await emulator(app, 'v3', 'client/get/list?start=0&end=1')
  for (let count = Number(totalCount); count < 199; count++) await emulator(app, 'v3', 'client/create', { clientName: `Filler ${count}` })
  const clientId = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'On page two' }, headers: editor.headers })).json().clientId)
  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${clientId}`)
  await emulator(app, 'v3', `client/update/${clientId}`, { ...current, clientName: 'Renamed outside' })
  const before = app.sandboxUpstream.requests.length
  await app.sweepClientHistory()
  const lists = app.sandboxUpstream.requests.slice(before).filter(request => request.path.includes('client/get/list'))
  t.equal(lists.length, 2, 'two pages of 100')
  t.match(await app.auditTrail.history.latest(clientId), { version: 2, external: true, client: { clientName: 'Renamed outside' } })
})

t.test('GET /api/clients/:clientId ...should look the last version up once per modifiedAt a replica has not seen, and log an external change it could not record', async t => {
  const { app, logs } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const { history } = app.auditTrail
  const latest = history.latest.bind(history)
  let lookups = 0
  history.latest = async clientId => { lookups++; return await latest(clientId) }
  const create = async (clientName: string) => String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName }, headers: editor.headers })).json().clientId)
  const [one, two] = [await create('Looked up one'), await create('Looked up two')]
  const read = async (clientId: string) => {
    const before = lookups
    t.equal((await app.inject({ url: `/api/clients/${clientId}`, headers: editor.headers })).statusCode, 200)
    return lookups - before
  }
  t.same([await read(one), await read(two), await read(one), await read(two)], [1, 1, 0, 0], 'a modifiedAt seen once needs no lookup, for each client')

  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${one}`)
  await emulator(app, 'v3', `client/update/${one}`, { ...current, clientName: 'Renamed outside' })
  t.equal((await app.inject({ url: `/api/clients/${one}/history`, headers: editor.headers })).json().versions[0].external, true)
  t.equal(await read(one), 0, 'nor does the modifiedAt of the external version it recorded')

  const { clientSecret: _again, ...now } = await emulator(app, 'v3', `client/get/${two}`)
  await emulator(app, 'v3', `client/update/${two}`, { ...now, clientName: 'Renamed again' })
  // The store refuses the record (a full disk, say): the read answers all the same, and the failure is logged.
  const append = app.auditTrail.append
  app.auditTrail.append = async () => { throw new Error('the audit store refused the write') }
  t.teardown(() => { app.auditTrail.append = append })
  t.equal((await app.inject({ url: `/api/clients/${two}/history`, headers: editor.headers })).statusCode, 200)
  t.ok(logs.some(line => line.includes('"level":50') && line.includes('history: an external change could not be recorded') && line.includes(`"clientId":"${two}"`) && line.includes('the audit store refused the write')), 'the failure is logged, with the client and the error')
})

/** Holds the audit appends `held` picks until `release` is called; `reached` resolves once `count` of them are waiting. */
function holdAppends (t: Test, stores: AuditStore[], held: (entry: NewEntry) => boolean, count = 1) {
  let waiting = 0
  let reached!: () => void
  let release!: () => void
  const arrived = new Promise<void>(resolve => { reached = resolve })
  const released = new Promise<void>(resolve => { release = resolve })
  for (const store of stores) {
    const append = store.append.bind(store)
    store.append = async entry => {
      if (held(entry)) {
        if (++waiting === count) reached()
        await released
      }
      return await append(entry)
    }
    t.teardown(() => { store.append = append })
  }
  return { reached: arrived, release }
}

t.test('GET /api/clients/:clientId ...should not take a write still in progress through this replica for an external change', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const clientId = String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Being written' }, headers: editor.headers })).json().clientId)
  t.equal((await app.inject({ url: `/api/clients/${clientId}`, headers: editor.headers })).statusCode, 200)
  // The PATCH's outcome, which writes its version, waits until a read has seen the PATCH's change.
  const hold = holdAppends(t, [app.auditTrail], entry => entry.kind === 'outcome' && entry.version?.action === 'client.patch')
  const patch = app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName: 'Patched' }, headers: editor.headers })
  await hold.reached
  t.equal((await app.inject({ url: `/api/clients/${clientId}`, headers: editor.headers })).json().clientName, 'Patched')
  hold.release()
  t.equal((await patch).statusCode, 200)
  const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })).json()
  t.match(versions, [{ version: 2, action: 'client.patch', external: false }, { version: 1 }])
  t.equal(versions.length, 2, 'no external version')
})

t.test('PATCH /api/clients/:clientId ...should record the external change its own read found before forwarding, and number its version after it', async t => {
  const { app } = await buildTestApp(t)
  const editor = await login(app, 'editor')
  const create = async (clientName: string) => String((await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName }, headers: editor.headers })).json().clientId)
  const [clientId, other] = [await create('Read before written'), await create('Read meanwhile')]
  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${clientId}`)
  await emulator(app, 'v3', `client/update/${clientId}`, { ...current, description: 'Changed outside' })
  const hold = holdAppends(t, [app.auditTrail], entry => entry.kind === 'outcome' && entry.version?.action === 'client.external-change')
  const before = app.sandboxUpstream.requests.length
  const patch = app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName: 'Patched' }, headers: editor.headers })
  await hold.reached
  // Another client read in full meanwhile (a write that did not wait would have been forwarded by then).
  for (let read = 0; read < 3; read++) t.equal((await app.inject({ url: `/api/clients/${other}`, headers: editor.headers })).statusCode, 200)
  t.notOk(app.sandboxUpstream.requests.slice(before).some(request => request.path.includes('client/update')), 'nothing forwarded while the external change is being recorded')
  hold.release()
  t.equal((await patch).statusCode, 200)
  const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: editor.headers })).json()
  t.match(versions, [{ version: 3, action: 'client.patch', changed: ['clientName'] }, { version: 2, external: true, changed: ['description'] }, { version: 1 }])
  t.equal(versions.length, 3)
})

t.test('GET /api/clients/:clientId/history (two replicas) ...should record a change both replicas find at once as one external version', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-external-replicas-'))
  const first = await buildTestApp(t, { AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}` })
  const { url, credentials } = first.app.sandboxUpstream
  const second = await buildTestApp(t, { AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`, AUTHLETE_BASE_URL: url, AUTHLETE_SERVICE_ID: credentials.serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: credentials.accessToken })
  const replicas = [first.app, second.app]
  const sessions = await Promise.all(replicas.map(app => login(app, 'editor')))
  const clientId = String((await first.app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Shared' }, headers: sessions[0]!.headers })).json().clientId)
  const { clientSecret: _secret, ...current } = await emulator(first.app, 'v3', `client/get/${clientId}`)
  await emulator(first.app, 'v3', `client/update/${clientId}`, { ...current, clientName: 'Renamed outside' })
  // Each replica has looked the last version up and found the change before either records it.
  const hold = holdAppends(t, replicas.map(app => app.auditTrail), entry => entry.kind === 'intent' && (entry.data as { action?: string }).action === 'client.external-change', 2)
  const reads = replicas.map((app, index) => app.inject({ url: `/api/clients/${clientId}/history`, headers: sessions[index]!.headers }))
  await hold.reached
  hold.release()
  for (const read of await Promise.all(reads)) t.equal(read.statusCode, 200)
  const { versions } = (await first.app.inject({ url: `/api/clients/${clientId}/history`, headers: sessions[0]!.headers })).json()
  t.match(versions, [{ version: 2, external: true }, { version: 1 }])
  t.equal(versions.length, 2, 'one external version')
})
