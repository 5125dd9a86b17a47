import t from 'tap'
import { reversed, whoMade, type Version } from '../../src/console/app/history.ts'

const version = (fields: Partial<Version>): Version => ({ version: 1, at: '2026-12-05T10:00:00Z', actor: 'alice', action: 'client.patch', ...fields })

t.test('reversed ...should turn the server\'s diff from a version to the live client into what restoring that version changes', async t => {
  t.same(reversed([
    { property: 'clientName', before: 'old', after: 'new' },
    { property: 'redirectUris', before: ['a'], after: ['a', 'b'], added: ['b'], removed: [] }
  ]), [
    { property: 'clientName', before: 'new', after: 'old' },
    { property: 'redirectUris', before: ['a', 'b'], after: ['a'], added: [], removed: ['b'] }
  ])
  t.same(reversed([]), [])
})

t.test('whoMade ...should name the actor with where the change came from, or say it was made outside the proxy', async t => {
  t.equal(whoMade(version({ source: 'local', via: 'session' })), 'alice (local, session)')
  t.equal(whoMade(version({ source: 'oidc', via: null })), 'alice (oidc)')
  t.equal(whoMade(version({ actor: null })), 'unknown')
  t.equal(whoMade(version({ actor: null, external: true, source: null })), 'Outside the proxy')
})
