import t from 'tap'
import type { ApiVersion } from '../helpers/app.ts'
import { approvalHarness, policyFile } from './support.ts'

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`POST /api/change-requests/:id/approve (API ${api}) ...should refuse the requester, an admin too, and an API token, and let a token request`, async t => {
    const h = await approvalHarness(t, api, { APPROVALS: 'client.delete' })
    const clientId = await h.newClient()
    const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
    const approve = `/api/change-requests/${asked.json().id}/approve`
    const self = await h.as('alice', 'POST', approve)
    t.equal(self.statusCode, 403)
    t.equal(self.json().code, 'BFF_SELF_APPROVAL')
    t.equal((await h.as('alice', 'POST', `/api/change-requests/${asked.json().id}/reject`, { reason: 'mine' })).json().code, 'BFF_SELF_APPROVAL', 'nor reject their own')

    const token = await h.tokenOf('bob')
    const byToken = await h.app.inject({ method: 'POST', url: approve, headers: { authorization: `Bearer ${token}` } })
    t.equal(byToken.statusCode, 403)
    t.equal(byToken.json().code, 'BFF_APPROVAL_NEEDS_PERSON')
    t.equal((await h.as('erin', 'POST', approve)).json().code, 'BFF_NOT_AN_APPROVER', 'an editor is no admin')
    t.match((await h.as('bob', 'GET', `/api/change-requests/${asked.json().id}`)).json(), { status: 'pending', approvals: [] }, 'none of the refusals counted')

    const other = await h.newClient()
    const mark = h.mark()
    const fromToken = await h.app.inject({ method: 'DELETE', url: `/api/clients/${other}`, headers: { authorization: `Bearer ${await h.tokenOf('alice')}` } })
    t.equal(fromToken.statusCode, 202, 'a token may request')
    t.match(fromToken.json().requestedBy, { source: 'local', username: 'alice' })
    t.equal((await h.as('alice', 'POST', `/api/change-requests/${fromToken.json().id}/approve`)).json().code, 'BFF_SELF_APPROVAL', 'the same person, whatever the credential')
    t.same(mark.writes(), [])
    const applied = await h.as('bob', 'POST', `/api/change-requests/${fromToken.json().id}/approve`)
    t.equal(applied.json().status, 'approved-applied')
  })
}

t.test('POST /api/change-requests/:id/approve ...should count each person once and apply at a quorum of 2 distinct approvers', async t => {
  const h = await approvalHarness(t, 'v3', { POLICY_FILE: await policyFile([{ action: 'client.secret.refresh', quorum: 2 }]) })
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'POST', `/api/clients/${clientId}/secret/refresh`)
  t.match(asked.json(), { status: 'pending', quorum: 2, approvers: { role: 'admin' } })
  const approve = `/api/change-requests/${asked.json().id}/approve`
  const mark = h.mark()
  const first = await h.as('bob', 'POST', approve)
  t.match(first.json(), { status: 'pending', approvals: [{ username: 'bob' }] })
  const twice = await h.as('bob', 'POST', approve)
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().code, 'BFF_ALREADY_APPROVED')
  t.same(mark.writes(), [], 'one person twice is not a quorum of 2')
  const second = await h.as('carol', 'POST', approve)
  t.match(second.json(), { status: 'approved-applied', approvals: [{ username: 'bob' }, { username: 'carol' }] })
  t.equal(mark.writes().length, 1)
  const late = await h.as('root', 'POST', approve)
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'BFF_CHANGE_REQUEST_NOT_PENDING')
})

t.test('POST /api/change-requests/:id/approve ...should let a named role approve (editors), still never the requester', async t => {
  const h = await approvalHarness(t, 'v3', { POLICY_FILE: await policyFile([{ action: 'client.lock', approvers: { role: 'editor' } }]) })
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'PUT', `/api/clients/${clientId}/lock`, { locked: true })
  t.match(asked.json().approvers, { role: 'editor' })
  const approved = await h.as('erin', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  t.equal(approved.json().status, 'approved-applied', approved.body)
  t.equal((await h.as('root', 'GET', `/api/clients/${clientId}`)).json().locked, true)
})
