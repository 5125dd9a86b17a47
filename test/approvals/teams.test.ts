import t from 'tap'
import type { ApiVersion } from '../helpers/app.ts'
import { approvalHarness, policyFile } from './support.ts'

const TEAMS = { ACCESS_MODEL: 'teams' }

for (const api of ['v3', 'v2'] as ApiVersion[]) {
  t.test(`GET /api/change-requests (teams, API ${api}) ...should show a team's requests to its members only, and let only its admins approve`, async t => {
    const h = await approvalHarness(t, api, { ...TEAMS, APPROVALS: 'client.delete' })
    const clientId = await h.newClient()
    const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
    t.match(asked.json(), { status: 'pending', team: 'acme' })
    const id = asked.json().id as string
    t.match((await h.as('bob', 'GET', '/api/change-requests')).json(), { total: 1, changeRequests: [{ id }] })
    t.match((await h.as('gail', 'GET', '/api/change-requests')).json(), { total: 0, changeRequests: [] }, 'another team sees none')
    t.equal((await h.as('gail', 'GET', `/api/change-requests/${id}`)).json().code, 'BFF_CHANGE_REQUEST_NOT_FOUND', 'nor reads it')
    t.equal((await h.as('gail', 'POST', `/api/change-requests/${id}/approve`)).json().code, 'BFF_CHANGE_REQUEST_NOT_FOUND', 'nor approves it')
    t.equal((await h.as('gail', 'GET', '/api/change-requests?team=acme')).json().code, 'BFF_NOT_YOUR_TEAM')
    t.equal((await h.as('root', 'GET', '/api/change-requests?team=acme')).json().total, 1, 'a member of every team sees all')
    t.equal((await h.as('root', 'GET', '/api/change-requests?team=globex')).json().total, 0)
    const approved = await h.as('carol', 'POST', `/api/change-requests/${id}/approve`)
    t.equal(approved.json().status, 'approved-applied', approved.body)
  })
}

t.test('GET /api/change-requests/rules ...should say which actions need approval for each of the caller\'s teams (a team\'s rule replacing the global one)', async t => {
  const file = await policyFile([{ action: 'client.delete' }, { action: 'client.update', properties: ['redirectUris'] }], { acme: { approvals: [{ action: 'client.delete', quorum: 2, approvers: { team: 'acme' } }] } })
  const h = await approvalHarness(t, 'v3', { ...TEAMS, POLICY_FILE: file })
  const rules = (await h.as('alice', 'GET', '/api/change-requests/rules')).json()
  t.same(rules, {
    teams: {
      acme: [
        { action: 'client.update', properties: ['redirectUris'], quorum: 1, approvers: { role: 'admin' } },
        { action: 'client.delete', quorum: 2, approvers: { role: 'admin', team: 'acme' } }
      ]
    }
  })
  t.same(Object.keys((await h.as('gail', 'GET', '/api/change-requests/rules')).json().teams), ['globex'])
  const clientId = await h.newClient()
  t.match((await h.as('alice', 'DELETE', `/api/clients/${clientId}`)).json(), { quorum: 2 }, 'the team\'s rule holds for its clients')
})

t.test('DELETE PATCH /api/clients/:clientId (X-Break-Glass) ...should let an admin of every team apply a gated change at once, audited and flagged, listed for review, and refuse anyone else', async t => {
  const h = await approvalHarness(t, 'v3', { ...TEAMS, APPROVALS: 'client.delete,client.update' })
  const clientId = await h.newClient()
  const refused = await h.as('alice', 'DELETE', `/api/clients/${clientId}`, undefined, { 'x-break-glass': 'outage' })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'BFF_BREAK_GLASS_FORBIDDEN')
  const token = await h.tokenOf('root')
  const byToken = await h.app.inject({ method: 'DELETE', url: `/api/clients/${clientId}`, headers: { authorization: `Bearer ${token}`, 'x-break-glass': 'outage' } })
  t.equal(byToken.json().code, 'BFF_APPROVAL_NEEDS_PERSON', 'a token never breaks glass')
  const mark = h.mark()
  const patched = await h.as('root', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Hotfix' }, { 'x-break-glass': 'INC-7 login down' })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().clientName, 'Hotfix')
  t.equal(mark.writes().length, 1, 'applied at once')
  const listed = (await h.as('root', 'GET', '/api/change-requests?status=break-glass')).json()
  t.match(listed, { total: 1, changeRequests: [{ status: 'break-glass', action: 'client.patch', reason: 'INC-7 login down', requestedBy: { username: 'root' }, result: { status: 200 } }] })
  t.equal((await h.as('alice', 'GET', '/api/change-requests?status=break-glass')).json().total, 1, 'the team sees it too')
  const id = listed.changeRequests[0].id as string
  t.match(await h.audit(id), [
    { action: 'client.patch', actor: 'root', breakGlass: true, reason: 'INC-7 login down', outcome: 'success', status: 200 },
    { action: 'change-request.break-glass', actor: 'root', breakGlass: true, reason: 'INC-7 login down' }
  ])
  t.equal((await h.as('bob', 'POST', `/api/change-requests/${id}/approve`)).json().code, 'BFF_CHANGE_REQUEST_NOT_PENDING', 'nothing left to approve')
})

t.test('PATCH /api/clients/:clientId (teams, client.move) ...should gate a change of the client\'s team, and apply it once an admin of the team approves', async t => {
  const h = await approvalHarness(t, 'v3', { ...TEAMS, POLICY_FILE: await policyFile([{ action: 'client.move' }]) })
  const clientId = await h.newClient()
  t.equal((await h.as('root', 'PATCH', `/api/clients/${clientId}`, { clientName: 'Renamed' })).statusCode, 200, 'a change that stays in the team is not a move')
  const mark = h.mark()
  const asked = await h.as('root', 'PATCH', `/api/clients/${clientId}`, { developer: 'globex' })
  t.equal(asked.statusCode, 202, asked.body)
  t.match(asked.json(), { action: 'client.move', team: 'acme', diff: [{ property: 'developer', before: 'acme', after: 'globex' }] })
  t.same(mark.writes(), [])
  const approved = await h.as('alice', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  t.equal(approved.json().status, 'approved-applied', approved.body)
  t.equal((await h.as('gail', 'GET', `/api/clients/${clientId}`)).json().developer, 'globex', 'globex has it now')
})
