import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { emulator } from './emulator.ts'

t.test('POST /api/clients/:clientId/history/:version/restore ...should be refused by the policy (422) when the version would bring a violation back', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Compliant', redirectUris: ['https://ok.example/cb'], grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'] }, headers: admin.headers })
  t.equal(created.statusCode, 201, created.body)
  const clientId = String(created.json().clientId)
  // Made implicit at Authlete directly: an external version 2 that breaks the baseline.
  const { clientSecret: _secret, ...current } = await emulator(app, 'v3', `client/get/${clientId}`)
  await emulator(app, 'v3', `client/update/${clientId}`, { ...current, grantTypes: ['AUTHORIZATION_CODE', 'IMPLICIT'], responseTypes: ['CODE', 'TOKEN'] })
  const fixed = await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'] }, headers: admin.headers })
  t.equal(fixed.statusCode, 200, fixed.body)
  const { versions } = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: admin.headers })).json()
  t.match(versions, [{ version: 3, action: 'client.patch' }, { version: 2, external: true }, { version: 1 }])
  const before = app.sandboxUpstream.requests.length
  const refused = await app.inject({ method: 'POST', url: `/api/clients/${clientId}/history/2/restore`, headers: { ...admin.headers, 'if-match': String(fixed.headers.etag) } })
  t.equal(refused.statusCode, 422, refused.body)
  t.equal(refused.json().code, 'BFF_POLICY_VIOLATION')
  t.ok(refused.json().violations.some((violation: { rule: string }) => violation.rule === 'no-implicit-grant'), 'the violation is named')
  t.notOk(app.sandboxUpstream.requests.slice(before).some(request => request.path.includes('client/update')), 'nothing was written upstream')
  const [record] = (await app.inject({ url: `/api/audit?clientId=${clientId}&action=client.restore`, headers: admin.headers })).json().records
  t.match(record, { outcome: 'denied', status: 422 }, 'the refusal is audited')
  t.equal((await app.inject({ url: `/api/clients/${clientId}/history`, headers: admin.headers })).json().versions.length, 3, 'and makes no version')
})
