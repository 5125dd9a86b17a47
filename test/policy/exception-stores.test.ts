import t, { type Test } from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres } from '../helpers/postgres.ts'
import { openPolicyExceptionStore, type PolicyException, type PolicyExceptionStore } from '../../src/policy/stores/exception-store.ts'

// The three exception stores behind one interface, each against a real file or server.
const stores: Record<string, (t: Test) => Promise<PolicyExceptionStore>> = {
  memory: async () => await openPolicyExceptionStore(null),
  sqlite: async () => await openPolicyExceptionStore(`sqlite:${join(await mkdtemp(join(tmpdir(), 'bff-policy-')), 'audit.db')}`),
  postgres: async t => await openPolicyExceptionStore((await startPostgres(t)).url)
}

const NOW = '2026-01-01T00:00:00.000Z'
const LATER = '2026-01-02T00:00:00.000Z'
const exception = (rule: string, expiresAt: string, reason = 'legacy'): PolicyException =>
  ({ clientId: '1', rule, reason, expiresAt, createdBy: 'admin', createdAt: NOW })

for (const [name, open] of Object.entries(stores)) {
  t.test(`policy exception store (${name}) ...should keep one exception per client and rule, in force until it expires, and remove it`, async t => {
    const store = await open(t)
    t.teardown(() => store.close())
    await store.put(exception('pkce-required', LATER))
    await store.put(exception('no-implicit-grant', LATER))
    await store.put({ ...exception('pkce-required', LATER), clientId: '2' })
    await store.put(exception('pkce-required', LATER, 'renewed'))
    t.same(await store.active('1', NOW), [exception('no-implicit-grant', LATER), exception('pkce-required', LATER, 'renewed')], 'by rule; the second put replaced the first')
    t.same(await store.active('1', LATER), [], 'expired at expiresAt')
    t.equal(await store.remove('1', 'pkce-required', LATER), false, 'an expired one is not in force to remove')
    t.equal(await store.remove('1', 'no-implicit-grant', NOW), true)
    t.equal(await store.remove('1', 'no-implicit-grant', NOW), false, 'gone')
    t.same((await store.active('2', NOW)).map(found => found.clientId), ['2'], 'another client\'s are its own')
  })
}
