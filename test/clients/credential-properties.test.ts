import t from 'tap'
import { liveApp, upstreamCalls } from '../security/support.ts'

const PORTAL = '26478243745571'
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' }
const FORBIDDEN = /^Changing (\w+) needs the admin role/

// clientType and tokenAuthMethod are an editor's choice on create (the policy judges them: test/policy).
t.test('POST /api/clients ...should answer 403 naming a credential property an editor gives, and forward nothing', async t => {
  const live = await liveApp(t)
  const writes = upstreamCalls(live.app)
  for (const [name, value] of [['jwks', '{"keys":[]}'], ['jwksUri', 'https://evil.example/jwks'], ['tokenAuthSignAlg', 'RS256'], ['selfSignedCertificateKeyId', 'k'], ['tlsClientAuthSubjectDn', 'CN=me']] as const) {
    const response = await live.send('editor', 'POST', '/api/clients', { clientName: 'x', [name]: value })
    t.equal(response.status, 403, name)
    const problem = await response.json() as { code: string, detail: string }
    t.equal(problem.code, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN')
    t.equal(FORBIDDEN.exec(problem.detail)?.[1], name, 'the detail names it')
  }
  t.equal(writes(), 0, 'nothing forwarded')
  t.equal((await live.send('editor', 'POST', '/api/clients', { clientName: 'defaults' })).status, 201, 'without them, an editor creates')
  t.equal((await live.send('admin', 'POST', '/api/clients', { clientName: 'x', clientType: 'PUBLIC', tokenAuthMethod: 'NONE' })).status, 201, 'an admin may')
})

t.test('PATCH /api/clients/:clientId ...should answer 403 to an editor making a client public or installing keys, and forward no write', async t => {
  const live = await liveApp(t)
  const before = live.app.sandboxUpstream.requests.length
  for (const patch of [{ clientType: 'PUBLIC', tokenAuthMethod: 'NONE' }, { jwks: '{"keys":[{"kty":"EC"}]}' }, { tokenAuthMethod: null }, { tlsClientAuthSanDns: 'me.example' }]) {
    const response = await live.send('editor', 'PATCH', `/api/clients/${PORTAL}`, JSON.stringify(patch), MERGE_PATCH)
    t.equal(response.status, 403, JSON.stringify(patch))
    t.match((await response.json() as { detail: string }).detail, FORBIDDEN)
  }
  const sent = live.app.sandboxUpstream.requests.slice(before)
  t.same(sent.filter(request => request.method !== 'GET'), [], 'reads only')
  t.equal((await live.send('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"clientType":"CONFIDENTIAL","clientName":"same type"}', MERGE_PATCH)).status, 200, 'the same value is no change')
  t.equal((await live.send('admin', 'PATCH', `/api/clients/${PORTAL}`, '{"tokenAuthMethod":"CLIENT_SECRET_POST"}', MERGE_PATCH)).status, 200, 'an admin may')
})

t.test('PUT /api/clients/:clientId ...should answer 403 to an editor changing a credential property, and keep the ones an editor leaves out', async t => {
  const live = await liveApp(t)
  const before = live.app.sandboxUpstream.requests.length
  const changed = await live.send('editor', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal', clientType: 'PUBLIC' })
  t.equal(changed.status, 403)
  t.match((await changed.json() as { detail: string }).detail, /^Changing clientType/)
  t.same(live.app.sandboxUpstream.requests.slice(before).filter(request => request.method !== 'GET'), [], 'no write forwarded')

  const replaced = await live.send('editor', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal v2' })
  t.equal(replaced.status, 200)
  t.match(await replaced.json(), { clientName: 'Portal v2', clientType: 'CONFIDENTIAL', tokenAuthMethod: 'CLIENT_SECRET_BASIC' }, 'a full replacement that does not reset how the client authenticates')
  const admin = await live.send('admin', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal v3', clientType: 'PUBLIC', tokenAuthMethod: 'NONE' })
  t.equal(admin.status, 200)
  t.match(await admin.json(), { clientType: 'PUBLIC', tokenAuthMethod: 'NONE' }, 'an admin may')
})
