import t from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { assertProblem } from '../clients/support.ts'
import { HEADER, startGateway } from '../auth/gateway-jwt-support.ts'
import { timed } from '../audit/trail.ts'
import { PORTAL, REPORTS, teamHarness } from './support.ts'

const MISSING = '99999999999'
const summary = (record: Record<string, any>) => `${String(record.source)} ${String(record.actor)} ${String(record.action)} ${String(record.clientId)} ${String(record.team)} ${String(record.outcome)}`

t.test('GET /api/clients/:clientId ...should answer a refused read without waiting for its audit record, then record it', async t => {
  // The audit file's write lock held by another process: a record waits for it up to AUDIT_WRITE_TIMEOUT_MS.
  const writeTimeoutMs = 20_000
  const file = join(await mkdtemp(join(tmpdir(), 'bff-refused-read-')), 'audit.db')
  const h = await teamHarness(t, 'v3', { AUDIT_STORE: `sqlite:${file}`, AUDIT_WRITE_TIMEOUT_MS: String(writeTimeoutMs) })
  const holder = new DatabaseSync(file)
  holder.exec('BEGIN IMMEDIATE')
  t.teardown(() => { if (holder.isOpen) holder.close() })
  const answers = []
  for (const id of [REPORTS, MISSING]) {
    const { answer, wallMs } = await timed(() => h.call('acme', 'GET', `/api/clients/${id}`))
    assertProblem(t, answer, 404)
    t.ok(wallMs < writeTimeoutMs / 2, `${id}: answered in ${wallMs.toFixed(0)} ms, while its record waits for the lock`)
    answers.push(answer)
  }
  holder.exec('COMMIT')
  holder.close()
  t.match(await h.recordOf(answers[0]!), { action: 'client.read', clientId: REPORTS, team: 'globex', outcome: 'denied', status: 404 }, 'another team\'s client: denied')
  t.match(await h.recordOf(answers[1]!), { action: 'client.read', clientId: MISSING, outcome: 'failure', status: 404 }, 'a missing client: a failure')
})

t.test('GET /api/audit ...should show an admin of some teams neither the team nor denied of their own calls on other teams\' clients, in records and filters', async t => {
  const h = await teamHarness(t)
  assertProblem(t, await h.call('acme', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true }), 404)
  assertProblem(t, await h.call('acme', 'PUT', `/api/clients/${MISSING}/lock`, { locked: true }), 404)
  assertProblem(t, await h.call('globex', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true }), 404)
  const both = [`local acme client.lock ${MISSING} undefined failure`, `local acme client.lock ${REPORTS} undefined failure`]
  t.same((await h.auditAs('acme')).map(summary), [`local globex client.lock ${PORTAL} acme denied`, ...both], 'acme\'s admin: a denied call on an acme client, and their own two alike')
  t.same((await h.auditAs('acme', '&outcome=failure')).map(summary), both, 'outcome=failure: both of theirs')
  t.same((await h.auditAs('acme', '&outcome=denied')).map(summary), [`local globex client.lock ${PORTAL} acme denied`], 'outcome=denied: only the one on their team\'s client')
  t.same((await h.audit('&actor=acme&outcome=denied')).map(summary), [`local acme client.lock ${REPORTS} globex denied`], 'a * admin sees what it was')
})

t.test('GET /api/audit ...should match a team admin\'s own records by source and username, and ?actor= with ?source=', async t => {
  const gateway = await startGateway(t)
  const h = await teamHarness(t, 'v3', { ...gateway.env, TEAMS_CLAIM: 'org.groups' })
  // A gateway identity named like the local admin of globex, admin of acme only: another person.
  const headers = { [HEADER]: await gateway.sign({ sub: 'globex', roles: ['bff-admins'], org: { groups: ['acme'] } }), 'x-csrf': '1' }
  const asGateway = (method: 'GET' | 'PUT', url: string, payload?: Record<string, unknown>) => h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
  t.equal((await h.call('globex', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true })).statusCode, 200)
  assertProblem(t, await h.call('globex', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true }), 404)
  assertProblem(t, await h.call('globex', 'PUT', `/api/clients/${MISSING}/lock`, { locked: true }), 404)
  const unlocked = await asGateway('PUT', `/api/clients/${PORTAL}/lock`, { locked: false })
  t.equal(unlocked.statusCode, 200, unlocked.body)

  const seen = async (query: string) => (await asGateway('GET', `/api/audit?limit=500${query}`)).json().records.map(summary)
  t.same(await seen(''), [`gateway globex client.unlock ${PORTAL} acme success`, `local globex client.lock ${PORTAL} acme denied`],
    'the gateway admin of acme: acme\'s records, none of local globex\'s in globex or of no team')
  t.same(await seen('&actor=globex&source=gateway'), [`gateway globex client.unlock ${PORTAL} acme success`])
  t.same(await seen('&actor=globex'), [`local globex client.lock ${PORTAL} acme denied`], 'bare ?actor=: a local user, within what the caller sees')

  t.same((await h.audit('&actor=globex')).map(summary), [
    `local globex client.lock ${MISSING} undefined failure`,
    `local globex client.lock ${PORTAL} acme denied`,
    `local globex client.lock ${REPORTS} globex success`
  ], 'a * admin, bare ?actor=: the local user only')
  t.same((await h.audit('&actor=globex&source=gateway')).map(summary), [`gateway globex client.unlock ${PORTAL} acme success`])
  t.same((await h.audit('&source=gateway')).map(summary), [`gateway globex client.unlock ${PORTAL} acme success`], '?source= alone')
  assertProblem(t, await h.call('root', 'GET', '/api/audit?actor=globex&source=ldap'), 400)
})

t.test('GET /api/audit ...should show an API token only the records of the teams it carries, never its owner\'s records elsewhere', async t => {
  const h = await teamHarness(t)
  t.equal((await h.call('root', 'PUT', `/api/clients/${PORTAL}/lock`, { locked: true })).statusCode, 200)
  t.equal((await h.call('root', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: true })).statusCode, 200)
  t.equal((await h.call('acme', 'PUT', `/api/clients/${REPORTS}/lock`, { locked: false })).statusCode, 404)
  const mint = async (caller: 'root' | 'acme', teams: string[]) => {
    const minted = await h.call(caller, 'POST', '/auth/tokens', { name: `audit-${teams.join('-')}`, roles: ['admin'], teams, expiresInDays: 1 })
    t.equal(minted.statusCode, 201, minted.body)
    return { authorization: `Bearer ${minted.json().token as string}` }
  }
  const seen = async (headers: Record<string, string>) => {
    const response = await h.app.inject({ method: 'GET', url: '/api/audit?limit=500', headers })
    t.equal(response.statusCode, 200)
    return response.json().records.map(summary)
  }
  t.same(await seen(await mint('root', [])), [], 'a * admin\'s token for no team: none of its owner\'s records')
  t.same(await seen(await mint('root', ['acme'])), [`local root client.lock ${PORTAL} acme success`], 'for acme: acme\'s records only')
  t.same(await seen(await mint('acme', ['acme'])), [`local root client.lock ${PORTAL} acme success`], 'a team admin\'s token: not its owner\'s call on globex\'s client')
  t.same((await h.auditAs('acme')).map(summary), [
    'local acme auth.token.create null undefined success',
    `local acme client.unlock ${REPORTS} undefined failure`,
    `local root client.lock ${PORTAL} acme success`
  ], 'the team admin themselves: also their own calls')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should record a call by alias under the numeric client ID, with the alias', async t => {
  const h = await teamHarness(t)
  const byAlias = await h.call('acme', 'PUT', '/api/clients/portal/lock', { locked: true })
  t.equal(byAlias.statusCode, 200)
  t.equal((await h.call('root', 'POST', '/api/clients/globex-reports/secret/refresh')).statusCode, 200)
  t.match(await h.audit(`&clientId=${PORTAL}`), [{ action: 'client.lock', clientId: PORTAL, clientIdAlias: 'portal', team: 'acme' }], 'a team admin\'s call')
  t.match(await h.audit(`&clientId=${REPORTS}`), [{ action: 'client.secret.refresh', clientId: REPORTS, clientIdAlias: 'globex-reports', team: 'globex' }], 'a * admin\'s call')
  t.match(await h.auditAs('acme', `&clientId=${PORTAL}`), [{ requestId: byAlias.headers['x-request-id'], clientId: PORTAL, clientIdAlias: 'portal' }], 'found by the team admin too')
  t.match(await h.audit('&clientId=portal'), [{ clientId: PORTAL, clientIdAlias: 'portal' }], 'an alias in the filter is resolved to the client that has it (issue 26)')
})
