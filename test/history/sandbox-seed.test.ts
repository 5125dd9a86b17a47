import t from 'tap'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServerProcess } from '../helpers/server-process.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'

t.test('GET /api/clients/:clientId/history (sandbox) ...should show seeded versions of the portal client at first look, the chain intact', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-history-seed-'))
  const server = await startServerProcess(t, { AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`, API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}` })
  const password = server.output().match(/with the password (\S+)/)?.[1]
  const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })
  const cookie = String(login.headers.get('set-cookie')).split(';')[0]!
  const history = await (await fetch(`${server.url}/api/clients/${SEEDED_CLIENT_IDS.portal}/history`, { headers: { cookie } })).json() as { versions: Array<Record<string, unknown>> }
  t.match(history.versions, [
    { version: 4, action: 'client.update', actor: 'sandbox-seed', changed: ['contacts', 'redirectUris'] },
    { version: 3, action: 'client.patch', changed: ['contacts'] },
    { version: 2, action: 'client.patch', changed: ['redirectUris'] },
    { version: 1, action: 'client.external-change', external: true }
  ])
  const diff = await (await fetch(`${server.url}/api/clients/${SEEDED_CLIENT_IDS.portal}/diff?from=1`, { headers: { cookie } })).json()
  t.same(diff, { changes: [] }, 'the client is back as seeded')
  t.match(await (await fetch(`${server.url}/api/audit/verify`, { headers: { cookie } })).json(), { ok: true, versions: 4 })
})
