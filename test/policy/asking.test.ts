import t from 'tap'
import { harness, PORTAL } from '../clients/support.ts'
import { COMPLIANT, rulesOf } from './http-support.ts'

t.test('POST /api/policy/check ...should answer what a create or an update would meet, writing nothing', async t => {
  const h = await harness(t)
  const log = h.mark()
  const create = await h.call('viewer', 'POST', '/api/policy/check', { client: { grantTypes: ['AUTHORIZATION_CODE', 'PASSWORD'] } })
  t.equal(create.statusCode, 200)
  t.match(create.json(), { violations: [{ rule: 'no-password-grant' }], warnings: [], excepted: [], filled: ['pkceRequired', 'pkceS256Required'] })
  const update = await h.call('viewer', 'POST', '/api/policy/check', { clientId: PORTAL, client: { clientName: 'x' } })
  t.same(rulesOf(update.json().warnings), ['pkce-required', 'pkce-s256'], 'an unrelated patch: warnings only')
  t.same(update.json().violations, [])
  t.same(rulesOf((await h.call('viewer', 'POST', '/api/policy/check', { clientId: PORTAL, mode: 'replace', client: { ...COMPLIANT, grantTypes: ['IMPLICIT'] } })).json().violations), ['no-implicit-grant'])
  t.equal((await h.call('viewer', 'POST', '/api/policy/check', { mode: 'patch', client: {} })).statusCode, 400, 'an update check names its client')
  t.equal((await h.call('viewer', 'POST', '/api/policy/check', { clientId: '999', client: {} })).statusCode, 404)
  t.same(log.sent().filter(request => request.method !== 'GET'), [], 'nothing written')
})

t.test('GET /api/policy ...should give the effective policy, rules with their sources', async t => {
  const h = await harness(t, { POLICY_PROFILE: 'fapi2' })
  const answer = (await h.call('viewer', 'GET', '/api/policy')).json()
  t.equal(answer.profile, 'fapi2')
  t.equal(answer.teams['*'].profile, 'fapi2')
  t.ok(answer.teams['*'].rules.some((rule: { id: string, source: string }) => rule.id === 'par-required' && /FAPI 2\.0/.test(rule.source)))
})

t.test('POST /api/clients ...should judge nothing with POLICY_PROFILE=off', async t => {
  const h = await harness(t, { POLICY_PROFILE: 'off' })
  const created = await h.call('editor', 'POST', '/api/clients', { clientName: 'Old', grantTypes: ['IMPLICIT'], responseTypes: ['TOKEN'] })
  t.equal(created.statusCode, 201)
  t.notOk('x-policy-filled' in created.headers)
})
