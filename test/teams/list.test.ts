import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { teamHarness, type TeamHarness } from './support.ts'

const names = (response: { json: () => any }) => response.json().clients.map((client: { clientName: string }) => client.clientName)

// acme: 2 seeded; globex: 1 seeded + 3 here; initech: 2 seeded (teams mode).
async function withMoreGlobexClients (h: TeamHarness): Promise<void> {
  for (const name of ['Globex B', 'Globex C', 'Globex D']) {
    const created = await h.call('root', 'POST', '/api/clients', { clientName: name, developer: 'globex' })
    if (created.statusCode !== 201) throw new Error(created.body)
  }
}

const UNION = ['Acme Customer Portal', 'Acme Mobile', 'Globex Reporting Service', 'Globex B', 'Globex C', 'Globex D', 'Initech Billing', 'Initech Intranet']

for (const version of ['v3', 'v2'] as const) {
  t.test(`GET /api/clients (${version}) ...should page the union of the caller's teams, ordered by team, with the union's total`, async t => {
    const h = await teamHarness(t, version)
    await withMoreGlobexClients(h)
    const all = await h.call('trio', 'GET', '/api/clients?limit=100')
    t.same(names(all), UNION)
    t.equal(all.json().total, 8)

    for (const [offset, limit] of [[0, 3], [1, 2], [1, 6], [5, 2], [6, 5], [7, 1], [8, 3], [20, 5]] as const) {
      const log = h.mark()
      const page = await h.call('trio', 'GET', `/api/clients?offset=${offset}&limit=${limit}`)
      t.same(names(page), UNION.slice(offset, offset + limit), `offset ${offset}, limit ${limit}`)
      t.same({ total: page.json().total, offset: page.json().offset, limit: page.json().limit }, { total: 8, offset, limit })
      const slices = log.sent().filter(request => !/(^|&)end=0(&|$)/.test(request.query))
      const ranges: Record<string, [number, number]> = { acme: [0, 2], globex: [2, 6], initech: [6, 8] }
      const overlapped = Object.keys(ranges).filter(team => ranges[team]![0] < offset + limit && offset < ranges[team]![1])
      t.same(slices.map(request => new URLSearchParams(request.query).get('developer')), overlapped, `offset ${offset}, limit ${limit}: only the slices the page needs`)
    }

    t.same(names(await h.call('both', 'GET', '/api/clients?offset=1&limit=2')), ['Acme Mobile', 'Globex Reporting Service'], 'a user of two teams, across the boundary')
    t.same(names(await h.call('token', 'GET', '/api/clients')), ['Globex Reporting Service', 'Globex B', 'Globex C', 'Globex D'], 'the token: globex only')
    t.equal((await h.call('root', 'GET', '/api/clients?limit=100')).json().total, 9, 'a * member: every client, the dynamic one too')
  })

  t.test(`GET /api/clients?developer= (${version}) ...should answer 403 unless the developer is one of the caller's teams`, async t => {
    const h = await teamHarness(t, version)
    const log = h.mark()
    t.match(assertProblem(t, await h.call('acme', 'GET', '/api/clients?developer=globex'), 403).detail, /Team globex is not one of yours/)
    assertProblem(t, await h.call('token', 'GET', '/api/clients?developer=acme'), 403)
    t.same(log.sent(), [], 'nothing asked upstream')
    t.same(names(await h.call('both', 'GET', '/api/clients?developer=globex')), ['Globex Reporting Service'])
    t.same(names(await h.call('root', 'GET', '/api/clients?developer=acme')), ['Acme Customer Portal', 'Acme Mobile'])
  })

  t.test(`GET /api/subjects/:subject/clients (${version}) ...should page the union of the caller's teams' authorized clients`, async t => {
    const h = await teamHarness(t, version)
    const authorize = await h.call('root', 'PUT', '/api/clients/27182818284590/authorizations/john', { scopes: ['openid'] })
    t.equal(authorize.statusCode, 200)
    const john = await h.call('globex', 'GET', '/api/subjects/john/clients')
    t.same({ names: names(john), total: john.json().total }, { names: [], total: 0 }, 'updating a non-existent authorization creates none')
    const both = await h.call('both', 'GET', '/api/subjects/john/clients?offset=1&limit=5')
    t.same({ names: names(both), total: both.json().total }, { names: ['Acme Mobile'], total: 2 })
    t.same(names(await h.call('acme', 'GET', '/api/subjects/john/clients')), ['Acme Customer Portal', 'Acme Mobile'])
    assertProblem(t, await h.call('globex', 'GET', '/api/subjects/john/clients?developer=acme'), 403)
  })
}
