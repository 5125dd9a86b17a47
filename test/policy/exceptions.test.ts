import t from 'tap'
import { harness, PORTAL } from '../clients/support.ts'
import { fakeClock } from '../helpers/clock.ts'
import { MERGE_PATCH, recordOf } from './http-support.ts'

t.test('POST /api/clients/:clientId/policy-exceptions ...should let one rule pass for the client until it expires, audited, and revoke it', async t => {
  const h = await harness(t)
  const clock = fakeClock(t)
  const in10Minutes = new Date(Date.now() + 10 * 60_000).toISOString()
  const implicit = '{"grantTypes":["AUTHORIZATION_CODE","IMPLICIT"]}'
  t.equal((await h.call('editor', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'no-implicit-grant', reason: 'legacy', expiresAt: in10Minutes })).statusCode, 403, 'admins only')
  const tooLong = await h.call('admin', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'no-implicit-grant', reason: 'legacy', expiresAt: new Date(Date.now() + 91 * 86_400_000).toISOString() })
  t.equal(tooLong.statusCode, 400)
  t.match(tooLong.json().detail, /expiresAt .* at most 90 days/)
  const unknown = await h.call('admin', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'no-such-rule', reason: 'x', expiresAt: in10Minutes })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json().detail, /rule.*"no-implicit-grant"/, 'lists the rule IDs')

  const granted = await h.call('admin', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'no-implicit-grant', reason: 'legacy SPA until Q3', expiresAt: in10Minutes })
  t.equal(granted.statusCode, 201, granted.body)
  t.match(granted.json(), { rule: 'no-implicit-grant', reason: 'legacy SPA until Q3', expiresAt: in10Minutes, createdBy: 'admin' })
  t.match(await recordOf(h.app, granted), { action: 'policy.exception.create', outcome: 'success', clientId: PORTAL })
  t.match((await h.call('viewer', 'GET', `/api/clients/${PORTAL}/policy-exceptions`)).json(), { exceptions: [{ rule: 'no-implicit-grant' }] })

  const used = await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, implicit, MERGE_PATCH)
  t.equal(used.statusCode, 200, 'the excepted rule passes')
  t.match((await recordOf(h.app, used)).policy, { excepted: ['no-implicit-grant'] })
  const compliance = (await h.call('viewer', 'GET', `/api/clients/${PORTAL}/compliance`)).json()
  t.match(compliance, { clientId: PORTAL, profile: 'baseline', exceptions: [{ rule: 'no-implicit-grant' }] })
  t.match(compliance.violations.find((violation: { rule: string }) => violation.rule === 'no-implicit-grant'), { excepted: true })

  // Expired: the client has it now, so an unrelated change warns (the ratchet) and another client may not add it.
  t.equal((await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, '{"grantTypes":["AUTHORIZATION_CODE"]}', MERGE_PATCH)).statusCode, 200)
  clock.advance(11 * 60_000)
  t.same((await h.call('viewer', 'GET', `/api/clients/${PORTAL}/policy-exceptions`)).json(), { exceptions: [] }, 'expired')
  t.equal((await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, implicit, MERGE_PATCH)).statusCode, 422, 'blocks again once expired')

  const again = await h.call('admin', 'POST', `/api/clients/${PORTAL}/policy-exceptions`, { rule: 'no-implicit-grant', reason: 'renewed', expiresAt: new Date(Date.now() + 60_000).toISOString() })
  t.equal(again.statusCode, 201)
  const revoked = await h.call('admin', 'DELETE', `/api/clients/${PORTAL}/policy-exceptions/no-implicit-grant`)
  t.equal(revoked.statusCode, 204)
  t.match(await recordOf(h.app, revoked), { action: 'policy.exception.delete', outcome: 'success' })
  t.equal((await h.call('admin', 'DELETE', `/api/clients/${PORTAL}/policy-exceptions/no-implicit-grant`)).statusCode, 404, 'nothing left to revoke')
  t.equal((await h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, implicit, MERGE_PATCH)).statusCode, 422, 'blocks once revoked')
})
