import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { mutations, teamHarness, PORTAL, REPORTS } from './support.ts'

// No credential property (clientType, tokenAuthMethod...): below admin, create may not set them.
const NEW_CLIENT = { clientName: 'Team App', grantTypes: ['CLIENT_CREDENTIALS'], responseTypes: [] }

for (const version of ['v3', 'v2'] as const) {
  t.test(`POST /api/clients (${version}) ...should default developer to the caller's only team, require it with several and refuse other teams`, async t => {
    const h = await teamHarness(t, version)
    const created = await h.call('acme', 'POST', '/api/clients', NEW_CLIENT)
    t.equal(created.statusCode, 201)
    t.equal(created.json().developer, 'acme', 'the only team')
    const record = (await h.audit()).find(candidate => candidate.requestId === created.headers['x-request-id'])
    t.match(record, { action: 'client.create', team: 'acme', outcome: 'success' })

    let log = h.mark()
    const required = assertProblem(t, await h.call('both', 'POST', '/api/clients', NEW_CLIENT), 400)
    t.match(required.detail, /developer is required/)
    t.match(required.detail, /acme, globex/, 'names the teams to choose from')
    t.same(log.sent(), [], 'nothing forwarded')
    assertProblem(t, await h.call('root', 'POST', '/api/clients', NEW_CLIENT), 400)

    t.equal((await h.call('both', 'POST', '/api/clients', { ...NEW_CLIENT, developer: 'globex' })).json().developer, 'globex')

    log = h.mark()
    const refused = await h.call('acme', 'POST', '/api/clients', { ...NEW_CLIENT, developer: 'globex' })
    t.match(assertProblem(t, refused, 403).detail, /Team globex is not one of yours/)
    t.same(log.sent(), [], 'nothing forwarded')
    const denied = (await h.audit()).find(candidate => candidate.requestId === refused.headers['x-request-id'])
    t.match(denied, { actor: 'acme', action: 'client.create', team: 'globex', outcome: 'denied', status: 403 })

    t.equal((await h.call('root', 'POST', '/api/clients', { ...NEW_CLIENT, developer: 'initech' })).statusCode, 201, 'a * admin: any team')
  })

  t.test(`PUT /api/clients/:clientId (${version}) ...should keep the current developer when the body leaves it out`, async t => {
    const h = await teamHarness(t, version)
    const log = h.mark()
    const replaced = await h.call('acme', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal v2', clientType: 'CONFIDENTIAL' })
    t.equal(replaced.statusCode, 200)
    t.equal(replaced.json().developer, 'acme')
    t.equal(JSON.parse(mutations(log.sent())[0]!.body).developer, 'acme', 'sent upstream with the current developer')
    t.equal((await h.call('acme', 'GET', `/api/clients/${PORTAL}`)).json().clientName, 'Portal v2', 'still acme\'s')
  })

  t.test(`PUT and PATCH /api/clients/:clientId (${version}) ...should move a client only for a member of both teams`, async t => {
    const h = await teamHarness(t, version)
    let log = h.mark()
    const refused = await h.call('acme', 'PATCH', `/api/clients/${PORTAL}`, { developer: 'globex' })
    t.match(assertProblem(t, refused, 403).detail, /globex/)
    t.same(mutations(log.sent()), [], 'nothing forwarded')
    t.match((await h.audit()).find(candidate => candidate.requestId === refused.headers['x-request-id']), { team: 'acme', outcome: 'denied' })
    assertProblem(t, await h.call('acme', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'x', developer: 'globex' }), 403)
    assertProblem(t, await h.call('both', 'PATCH', `/api/clients/${PORTAL}`, { developer: null }), 403)
    assertProblem(t, await h.call('globex', 'PATCH', `/api/clients/${PORTAL}`, { developer: 'globex' }), 404)

    log = h.mark()
    const moved = await h.call('both', 'PATCH', `/api/clients/${PORTAL}`, { developer: 'globex' })
    t.equal(moved.statusCode, 200)
    t.equal(moved.json().developer, 'globex')
    t.equal(log.sent().filter(request => /\/client\/get\//.test(request.path)).length, 1, 'PATCH reads once')
    assertProblem(t, await h.call('acme', 'GET', `/api/clients/${PORTAL}`), 404)
    t.equal((await h.call('globex', 'GET', `/api/clients/${PORTAL}`)).statusCode, 200, 'now globex\'s')

    const back = await h.call('both', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal', developer: 'acme' })
    t.equal(back.json().developer, 'acme', 'PUT moves it back')
    t.equal((await h.call('root', 'PATCH', `/api/clients/${REPORTS}`, { developer: 'initech' })).json().developer, 'initech', 'a * admin: anywhere')
  })
}

t.test('POST /api/clients ...should still apply roles within teams', async t => {
  const h = await teamHarness(t)
  const log = h.mark()
  t.match(assertProblem(t, await h.call('trio', 'POST', '/api/clients', { ...NEW_CLIENT, developer: 'acme' }), 403).detail, /editor role/, 'a viewer of acme cannot create there')
  assertProblem(t, await h.call('both', 'DELETE', `/api/clients/${PORTAL}`), 403)
  t.same(log.sent(), [])
})
