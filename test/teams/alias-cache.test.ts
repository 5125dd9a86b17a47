import t from 'tap'
import { assertProblem } from '../clients/support.ts'
import { MOBILE, PORTAL, teamHarness } from './support.ts'

// What reached the emulator, as `<what> <client>`: reads by ID, team lists, lock updates.
function summary (sent: Array<{ path: string, query: string }>): string[] {
  return sent.map(({ path, query }) => {
    const last = path.split('/').at(-1)
    if (path.includes('/client/get/list')) return `list ${new URLSearchParams(query).get('developer')}`
    if (path.includes('/client/lock_flag/update/')) return `lock ${last}`
    if (path.includes('/client/get/')) return `read ${last}`
    return path
  })
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should resolve an alias seen before with one read of the client, not a scan', async t => {
  const h = await teamHarness(t)
  const lock = async (caller: 'acme' | 'both' | 'globex', alias: string) => {
    const log = h.mark()
    const response = await h.call(caller, 'PUT', `/api/clients/${alias}/lock`, { locked: true })
    return { status: response.statusCode, sent: summary(log.sent()) }
  }
  // Each lock is followed by the history's read of the client it changed (its version).
  t.same(await lock('both', 'portal'), { status: 200, sent: ['list acme', `lock ${PORTAL}`, `read ${PORTAL}`] }, 'first time: the scan of the caller\'s teams')
  t.same(await lock('both', 'portal'), { status: 200, sent: [`read ${PORTAL}`, `lock ${PORTAL}`, `read ${PORTAL}`] }, 'second time: one read')
  t.same(await lock('acme', 'portal'), { status: 200, sent: [`read ${PORTAL}`, `lock ${PORTAL}`, `read ${PORTAL}`] }, 'another member of the team: one read')
  const other = await lock('globex', 'portal')
  t.same(other, { status: 404, sent: ['list globex'] }, 'another team: the scan it would make for an unknown alias, the cached client never read')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should fall back to the scan when the alias has moved to another client', async t => {
  const h = await teamHarness(t)
  const lock = async (alias: string) => {
    const log = h.mark()
    const response = await h.call('acme', 'PUT', `/api/clients/${alias}/lock`, { locked: true })
    return { status: response.statusCode, sent: summary(log.sent()) }
  }
  t.equal((await lock('portal')).status, 200)
  t.equal((await h.call('acme', 'PATCH', `/api/clients/${PORTAL}`, { clientIdAlias: 'portal-old' })).statusCode, 200)
  t.equal((await h.call('acme', 'PATCH', `/api/clients/${MOBILE}`, { clientIdAlias: 'portal', clientIdAliasEnabled: true })).statusCode, 200)
  t.same(await lock('portal'), { status: 200, sent: [`read ${PORTAL}`, 'list acme', `lock ${MOBILE}`, `read ${MOBILE}`] }, 'the stale entry read, then the scan, then the client that has the alias now')
  t.same(await lock('portal'), { status: 200, sent: [`read ${MOBILE}`, `lock ${MOBILE}`, `read ${MOBILE}`] }, 'the entry now points there')

  t.equal((await h.call('acme', 'PATCH', `/api/clients/${MOBILE}`, { clientIdAlias: 'mobile-2' })).statusCode, 200)
  const log = h.mark()
  const gone = await h.call('acme', 'PUT', '/api/clients/portal/lock', { locked: true })
  t.equal(assertProblem(t, gone, 404).code, 'BFF_CLIENT_NOT_FOUND', 'an alias that names nothing any more')
  t.same(summary(log.sent()), [`read ${MOBILE}`, 'list acme'], 'the stale entry read, then the scan, nothing locked')
})
