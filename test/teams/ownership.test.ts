import t from 'tap'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { AliasCache } from '../../src/teams/alias-cache.ts'
import { teamHooksFor } from '../../src/teams/ownership.ts'
import { asApp, client, collectors, fakeReply, fakeRequest, identity, memoryUpstream, type UpstreamOptions } from './unit-support.ts'

// Unit tests of the team check of client routes (src/teams/ownership.ts): the hooks called as the
// write pipeline calls them, over an upstream of three teams' clients kept in a list.

const ACME = 1
const GLOBEX = 2
const NO_TEAM = 3
const ALIASED = 4

function harness (options: UpstreamOptions & { auditFails?: boolean } = {}) {
  const upstream = memoryUpstream([
    client(ACME, 'acme'),
    client(GLOBEX, 'globex'),
    client(NO_TEAM, undefined),
    client(ALIASED, 'acme', { clientIdAlias: 'portal', clientIdAliasEnabled: true })
  ], options)
  const { entries, logged, log } = collectors()
  const intents: FastifyRequest[] = []
  const app = asApp({
    authlete: upstream.api,
    aliasCache: new AliasCache(),
    recordAuditIntent: async (request: FastifyRequest) => { intents.push(request) },
    auditTrail: {
      append: async (entry: never) => {
        if (options.auditFails === true) throw new Error('audit store down')
        entries.push(entry)
        return entry
      }
    }
  })
  const hooks = (method: string, url: string) => teamHooksFor(app, { method, url } as RouteOptions)
  /** Runs the route's team check (and its `keep`, as the pipeline does) for a caller of `teams`. */
  const run = async (teams: string[] | null, method: string, url: string, { params = {}, body, audit }: { params?: Record<string, string>, body?: unknown, audit?: string } = {}) => {
    const route = hooks(method, url)!
    const request = fakeRequest({ app, identity: teams === null ? null : identity(teams), method, url, params, body, audit, log })
    const reply = fakeReply()
    let result = 'allowed'
    try {
      await route.check(request, reply)
      await route.keep?.(request, reply)
    } catch (error) {
      const { statusCode, code, message } = error as { statusCode?: number, code?: string, message: string }
      result = `${statusCode} ${code}: ${message}`
    }
    return { result, request, reply, sent: upstream.take(), route }
  }
  return { hooks, run, intents, entries, logged, upstream }
}

const notFound = (id: string) => `404 BFF_CLIENT_NOT_FOUND: Client ${id} not found`
const notYours = (team: string) => `403 BFF_NOT_YOUR_TEAM: Team ${team} is not one of yours`
const READ = '/api/clients/:clientId'

t.test('teamHooksFor ...should give every client route its check, PUT its keep, the two plain reads their record', async t => {
  const { hooks } = harness()
  const kinds = (method: string, url: string) => {
    const found = hooks(method, url)
    return found === undefined ? undefined : Object.keys(found).filter(key => typeof found[key as keyof typeof found] === 'function').sort()
  }
  t.strictSame(kinds('POST', '/api/clients'), ['check'], 'create')
  t.strictSame(kinds('GET', '/api/clients'), undefined, 'the list has no client')
  t.strictSame(kinds('GET', '/auth/tokens'), undefined)
  t.strictSame(kinds('GET', READ), ['check', 'recordRead'])
  t.strictSame(kinds('PUT', READ), ['check', 'keep'])
  t.strictSame(kinds('PATCH', READ), ['check'])
  t.strictSame(kinds('DELETE', READ), ['check'])
  t.strictSame(kinds('PUT', '/api/clients/:clientIdentifier/lock'), ['check'])
  t.strictSame(kinds('GET', '/api/clients/:clientId/granted-scopes/:subject'), ['check', 'recordRead'])
  t.strictSame(kinds('DELETE', '/api/clients/:clientId/granted-scopes/:subject'), ['check'])
  t.strictSame(kinds('POST', '/api/clients/:clientId/secret'), ['check'])
  t.strictSame(kinds('GET', '/api/clients/:clientIdX'), undefined, 'a parameter that only starts like one')
  t.strictSame(kinds('GET', '/api/things/:thingId'), undefined)
})

t.test('teamHooksFor check ...should let a member read their team\'s client by ID, with one read, and note its team', async t => {
  const h = harness()
  const { result, request, sent } = await h.run(['acme'], 'GET', READ, { params: { clientId: '1' } })
  t.equal(result, 'allowed')
  t.strictSame(sent, ['read 1'])
  t.equal(request.auditTeam, 'acme')
  t.strictSame(request.params, { clientId: '1' })
  t.equal(request.auditClientAlias, null, 'an ID is no alias')
  t.equal(request.ownership, undefined)
  t.equal(request.auditDenied, false)
  t.equal((await request.clientRead!.answer).data.clientId, ACME, 'the read the route reuses')
  t.strictSame(h.intents, [])
  t.equal((await h.run(['globex', 'acme'], 'GET', READ, { params: { clientId: '1' } })).result, 'allowed')
  t.equal((await h.run(['*'], 'GET', READ, { params: { clientId: '1' } })).result, 'allowed')
  t.equal((await h.run(['*'], 'GET', READ, { params: { clientId: '3' } })).result, 'allowed', '* reads a client of no team')
  t.strictSame(h.entries, [], 'nothing refused, nothing recorded')
})

t.test('teamHooksFor check ...should answer another team\'s client as a missing one, denied, and a missing one as not found', async t => {
  const h = harness()
  const other = await h.run(['acme'], 'GET', READ, { params: { clientId: '2' } })
  t.equal(other.result, notFound('2'))
  t.strictSame(other.request.ownership, { refused: true })
  t.equal(other.request.auditDenied, true)
  t.equal(other.request.auditTeam, 'globex')
  const missing = await h.run(['acme'], 'GET', READ, { params: { clientId: '99' } })
  t.equal(missing.result, notFound('99'))
  t.strictSame(missing.request.ownership, { refused: true })
  t.equal(missing.request.auditDenied, false, 'not a denial: there is nothing')
  t.equal(missing.request.auditTeam, null)
  t.equal((await h.run(['acme'], 'GET', READ, { params: { clientId: '3' } })).result, notFound('3'), 'a client of no team: * members only')
  t.equal((await h.run([], 'GET', READ, { params: { clientId: '1' } })).result, notFound('1'), 'no team')
  t.equal((await h.run(null, 'GET', READ, { params: { clientId: '1' } })).result, notFound('1'), 'no identity')
  t.strictSame(h.intents, [], 'a read has no audit action: recordRead records it')
})

t.test('teamHooksFor check ...should record the intent of an audited route before refusing it', async t => {
  const h = harness()
  const { result, request } = await h.run(['acme'], 'DELETE', READ, { params: { clientId: '2' }, audit: 'client.delete' })
  t.equal(result, notFound('2'))
  t.equal(h.intents.length, 1)
  t.equal(h.intents[0], request)
  t.equal(request.auditDenied, true, 'denied')
  await h.run(['acme'], 'DELETE', READ, { params: { clientId: '99' }, audit: 'client.delete' })
  t.equal(h.intents.length, 2, 'a missing client too')
  await h.run(['acme'], 'DELETE', READ, { params: { clientId: '1' }, audit: 'client.delete' })
  t.equal(h.intents.length, 2, 'an allowed call records its intent later, in the route')
})

t.test('teamHooksFor check ...should pass on an upstream fault of the read, not turn it into a 404', async t => {
  const h = harness({ failReads: { 1: 502 } })
  const { result, request } = await h.run(['acme'], 'GET', READ, { params: { clientId: '1' } })
  t.equal(result, '502 undefined: upstream failed 502')
  t.equal(request.ownership, undefined)
})

t.test('teamHooksFor check ...should read digits as an ID and anything else as an alias, pinned to the ID it found', async t => {
  const h = harness()
  const byAlias = await h.run(['acme'], 'PUT', '/api/clients/:clientIdentifier/lock', { params: { clientIdentifier: 'portal' }, body: { locked: true } })
  t.equal(byAlias.result, 'allowed')
  t.strictSame(byAlias.sent, ['list acme 0-100'], 'the alias looked for in the team\'s list')
  t.strictSame(byAlias.request.params, { clientIdentifier: '4' }, 'the call goes to the client checked')
  t.equal(byAlias.request.auditClientAlias, 'portal')
  t.equal(byAlias.request.auditTeam, 'acme')
  const twoDigits = await h.run(['acme'], 'GET', READ, { params: { clientId: '12' } })
  t.strictSame([twoDigits.result, twoDigits.sent], [notFound('12'), ['read 12']], 'several digits: one read')
  for (const identifier of ['x4', '4x', '4 ']) {
    const alias = await h.run(['acme'], 'GET', READ, { params: { clientId: identifier } })
    t.strictSame([alias.result, alias.sent], [notFound(identifier), ['list acme 0-100']], `${JSON.stringify(identifier)} is an alias`)
  }
  const elsewhere = await h.run(['globex'], 'GET', READ, { params: { clientId: 'portal' } })
  t.strictSame([elsewhere.result, elsewhere.sent, elsewhere.request.auditDenied], [notFound('portal'), ['list globex 0-100'], false], 'another team\'s alias is not found among the caller\'s')
  const teamless = await h.run(null, 'GET', READ, { params: { clientId: 'portal' } })
  t.strictSame([teamless.result, teamless.sent], [notFound('portal'), []], 'a caller of no team (a token from before teams mode): no list asked for')
})

t.test('teamHooksFor check ...should let PUT and PATCH move a client only between the caller\'s teams', async t => {
  const h = harness()
  const move = async (teams: string[], method: string, clientId: string, body: Record<string, unknown>) => await h.run(teams, method, READ, { params: { clientId }, body, audit: 'client.update' })
  t.equal((await move(['acme'], 'PATCH', '1', { developer: 'acme' })).result, 'allowed', 'staying')
  t.equal((await move(['acme', 'globex'], 'PATCH', '1', { developer: 'globex' })).result, 'allowed', 'to another team of theirs')
  t.equal((await move(['*'], 'PUT', '1', { developer: 'initech' })).result, 'allowed', '* moves anywhere')
  const out = await move(['acme'], 'PATCH', '1', { developer: 'globex' })
  t.equal(out.result, notYours('globex'))
  t.strictSame(out.request.ownership, { refused: true })
  t.equal(out.request.auditDenied, true)
  t.equal(h.intents.at(-1), out.request, 'the refusal is audited')
  t.equal((await move(['acme'], 'PUT', '1', { developer: 'globex' })).result, notYours('globex'))
  t.equal((await move(['acme'], 'PATCH', '1', { developer: null })).result, notYours('none (developer removed)'), 'out of every team')
  t.equal((await move(['*'], 'PATCH', '1', { developer: null })).result, 'allowed', 'a * member may')
  t.equal((await move(['*'], 'PATCH', '3', { developer: null })).result, 'allowed', 'a client of no team stays there')
  t.equal((await h.run(['acme'], 'PUT', '/api/clients/:clientIdentifier/lock', { params: { clientIdentifier: '1' }, body: { developer: 'globex' } })).result, 'allowed', 'only the client itself moves it')
  t.equal((await h.run(['acme'], 'DELETE', READ, { params: { clientId: '1' }, body: { developer: 'globex' } })).result, 'allowed')
})

t.test('teamHooksFor keep ...should keep the team of a client that a PUT leaves without developer', async t => {
  const h = harness()
  const put = await h.run(['acme'], 'PUT', READ, { params: { clientId: '1' }, body: { clientName: 'renamed' } })
  t.equal(put.result, 'allowed')
  t.strictSame(put.request.ownership, { keepDeveloper: 'acme' })
  t.strictSame(put.request.body, { clientName: 'renamed', developer: 'acme' }, 'forwarded with its team')
  const patch = await h.run(['acme'], 'PATCH', READ, { params: { clientId: '1' }, body: { clientName: 'renamed' } })
  t.equal(patch.request.ownership, undefined, 'a PATCH keeps what it leaves out anyway')
  t.strictSame(patch.request.body, { clientName: 'renamed' })
  const noTeam = await h.run(['*'], 'PUT', READ, { params: { clientId: '3' }, body: { clientName: 'renamed' } })
  t.equal(noTeam.request.ownership, undefined, 'a client of no team has none to keep')
  t.strictSame(noTeam.request.body, { clientName: 'renamed' })
  const named = await h.run(['acme'], 'PUT', READ, { params: { clientId: '1' }, body: { developer: 'acme' } })
  t.equal(named.request.ownership, undefined)

  const keep = put.route.keep!
  const request = fakeRequest({ app: {}, method: 'PUT', body: { clientName: 'sent' } })
  request.ownership = { keepDeveloper: 'acme' }
  const after = { clientName: 'merged' }
  request.clientChange = { after } as unknown as FastifyRequest['clientChange']
  await keep(request, fakeReply())
  t.strictSame([after, request.body], [{ clientName: 'merged', developer: 'acme' }, { clientName: 'sent' }], 'the change forwarded keeps it; the body audited as sent')
  const untouched = fakeRequest({ app: {}, method: 'PUT', body: { clientName: 'sent' } })
  await keep(untouched, fakeReply())
  t.strictSame(untouched.body, { clientName: 'sent' }, 'nothing to keep')
})

t.test('teamHooksFor check ...on create should default developer to the caller\'s only team and refuse any other', async t => {
  const h = harness()
  const create = async (teams: string[] | null, body: Record<string, unknown>) => await h.run(teams, 'POST', '/api/clients', { body, audit: 'client.create' })
  const own = await create(['acme'], { clientName: 'new' })
  t.equal(own.result, 'allowed')
  t.strictSame(own.request.body, { clientName: 'new', developer: 'acme' })
  t.equal(own.request.auditTeam, 'acme')
  t.strictSame(own.sent, [], 'nothing read')
  const named = await create(['acme', 'globex'], { developer: 'globex' })
  t.strictSame([named.result, named.request.auditTeam], ['allowed', 'globex'])
  t.equal((await create(['*'], { developer: 'initech' })).result, 'allowed')
  t.strictSame(h.intents, [], 'allowed: the route records its intent')

  const required = await create(['acme', 'globex'], {})
  t.equal(required.result, '400 BFF_DEVELOPER_REQUIRED: developer is required: you belong to several teams; name one of them (acme, globex)')
  t.equal((await create(['*'], {})).result, '400 BFF_DEVELOPER_REQUIRED: developer is required: you belong to several teams; name one of them (*)', '* is every team, not one')
  const none = await create([], {})
  t.equal(none.result, '403 BFF_NO_TEAM: You belong to no team, so you cannot create clients')
  t.equal((await create(null, {})).result, '403 BFF_NO_TEAM: You belong to no team, so you cannot create clients')
  t.equal(none.request.ownership, undefined, 'refused before any team check: the error handler answers')
  t.strictSame(h.intents, [])

  const other = await create(['acme'], { developer: 'globex' })
  t.equal(other.result, notYours('globex'))
  t.equal(other.request.auditTeam, 'globex')
  t.equal(other.request.auditDenied, true)
  t.strictSame(other.request.ownership, { refused: true })
  t.strictSame(h.intents, [other.request], 'the refusal is audited')
  t.equal((await create(['acme'], { developer: '*' })).result, notYours('*'))
})

t.test('teamHooksFor recordRead ...should record a refused read once answered, and only a refused one', async t => {
  const h = harness()
  const refused = await h.run(['acme'], 'GET', READ, { params: { clientId: '2' } })
  refused.reply.code(404)
  await refused.route.recordRead!(refused.request, refused.reply)
  t.match(h.entries, [
    { kind: 'intent', requestId: 'req-1', data: { action: 'client.read', clientId: '2', team: 'globex', actor: 'alice' } },
    { kind: 'outcome', requestId: 'req-1', data: { status: 404, outcome: 'denied' } }
  ])
  t.equal(h.entries.length, 2)
  const allowed = await h.run(['acme'], 'GET', READ, { params: { clientId: '1' } })
  await allowed.route.recordRead!(allowed.request, allowed.reply)
  t.equal(h.entries.length, 2, 'an allowed read: nothing')
  const scopes = await h.run(['acme'], 'GET', '/api/clients/:clientId/granted-scopes/:subject', { params: { clientId: '2', subject: 'carol' } })
  await scopes.route.recordRead!(scopes.request, scopes.reply)
  t.match(h.entries.slice(2), [{ kind: 'intent', data: { action: 'granted-scopes.read', subject: 'carol' } }, { kind: 'outcome' }])
})

t.test('teamHooksFor recordRead ...should log a refused read the audit trail could not record, and not throw', async t => {
  const h = harness({ auditFails: true })
  const refused = await h.run(['acme'], 'GET', READ, { params: { clientId: '2' } })
  await refused.route.recordRead!(refused.request, refused.reply as FastifyReply)
  t.equal(h.logged.length, 1)
  t.match(h.logged[0], { level: 'error', object: { err: { message: 'audit store down' } }, message: 'audit trail: refused read not recorded' })
})
