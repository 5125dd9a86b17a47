import t from 'tap'
import type { ApiVersion } from '../helpers/app.ts'
import { approvalHarness } from './support.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function limitedPolicy (): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-approval-policy-')), 'policy.yaml')
  await writeFile(path, [
    'profile: baseline',
    'rules:',
    '  redirectUriHosts: ["*.acme.example"]',
    'approvals:',
    '  - action: client.update',
    '    properties: [redirectUris]'
  ].join('\n'))
  return path
}

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`POST /api/change-requests/:id/approve (API ${api}) ...should apply through the policy: a change that became non-compliant meanwhile fails with the 422 and changes nothing`, async t => {
    const h = await approvalHarness(t, api, { POLICY_FILE: await limitedPolicy() })
    const clientId = await h.newClient({ redirectUris: ['https://app.acme.example/cb'], grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'] })
    const refusedNow = await h.as('alice', 'PATCH', `/api/clients/${clientId}`, { redirectUris: ['https://elsewhere.example/cb'] })
    t.equal(refusedNow.statusCode, 422, 'the policy judges before the approval stage: nothing to approve')
    t.equal((await h.as('bob', 'GET', '/api/change-requests')).json().total, 0)

    // An exception lets the change through to the approval stage; it is withdrawn before the approval.
    const excepted = await h.as('root', 'POST', `/api/clients/${clientId}/policy-exceptions`, { rule: 'limit-redirect-uri-hosts', reason: 'migration', expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
    t.equal(excepted.statusCode, 201, excepted.body)
    const asked = await h.as('alice', 'PATCH', `/api/clients/${clientId}`, { redirectUris: ['https://elsewhere.example/cb'] })
    t.equal(asked.statusCode, 202, asked.body)
    t.equal((await h.as('root', 'DELETE', `/api/clients/${clientId}/policy-exceptions/limit-redirect-uri-hosts`)).statusCode, 204)
    const mark = h.mark()
    const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
    t.match(approved.json(), { status: 'failed', result: { status: 422, problem: { code: 'BFF_POLICY_VIOLATION', violations: [{ rule: 'limit-redirect-uri-hosts' }] } } }, approved.body)
    t.same(mark.writes(), [], 'nothing written upstream')
    t.same((await h.as('root', 'GET', `/api/clients/${clientId}`)).json().redirectUris, ['https://app.acme.example/cb'])
    t.match(await h.audit(asked.json().id), [{ action: 'client.patch', via: 'approval', actor: 'alice', status: 422, outcome: 'denied', policy: { violations: ['limit-redirect-uri-hosts'] } }, { action: 'change-request.approve' }, { action: 'change-request.create' }])
  })
}
