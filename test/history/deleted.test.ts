import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { teamHarness, PORTAL, REPORTS } from '../teams/support.ts'

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
