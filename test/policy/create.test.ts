import t from 'tap'
import { harness } from '../clients/support.ts'
import { recordOf, rulesOf } from './http-support.ts'

for (const version of ['v3', 'v2'] as const) {
  t.test(`POST /api/clients ...should fill the profile's secure values an editor's body leaves out and name them (API ${version})`, async t => {
    const h = await harness(t, { AUTHLETE_API_VERSION: version })
    const log = h.mark()
    const created = await h.call('editor', 'POST', '/api/clients', { clientName: 'SPA', clientType: 'PUBLIC', grantTypes: ['AUTHORIZATION_CODE'], redirectUris: ['https://spa.acme.example/cb'] })
    t.equal(created.statusCode, 201, created.body)
    t.equal(created.headers['x-policy-filled'], 'pkceRequired, pkceS256Required, tokenAuthMethod')
    t.match(created.json(), { clientType: 'PUBLIC', tokenAuthMethod: 'NONE', pkceRequired: true, pkceS256Required: true }, 'an editor\'s public client, as the policy makes it')
    t.equal(log.sent().length, 1, 'the create alone: judging it read nothing')
    t.match((await recordOf(h.app, created)).policy, { filled: ['pkceRequired', 'pkceS256Required', 'tokenAuthMethod'], warnings: [], excepted: [] }, 'the audit record names them')
  })

  t.test(`POST /api/clients ...should refuse an implicit client with 422, forward nothing and audit the refusal as denied (API ${version})`, async t => {
    const h = await harness(t, { AUTHLETE_API_VERSION: version })
    const log = h.mark()
    const refused = await h.call('editor', 'POST', '/api/clients', { clientName: 'Old SPA', grantTypes: ['IMPLICIT'], responseTypes: ['TOKEN'] })
    t.equal(refused.statusCode, 422)
    t.match(refused.headers['content-type'], /^application\/problem\+json/)
    t.same(rulesOf(refused.json().violations), ['no-implicit-grant', 'no-token-response-types'])
    t.same(refused.json().warnings, [])
    t.same(log.sent(), [], 'nothing forwarded')
    t.match(await recordOf(h.app, refused), { action: 'client.create', outcome: 'denied', status: 422, policy: { violations: ['no-implicit-grant', 'no-token-response-types'] } })
  })
}
