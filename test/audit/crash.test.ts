import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'

async function signIn (url: string): Promise<{ cookie: string, csrf: string }> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  const { csrfToken } = await response.json() as { csrfToken: string }
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: csrfToken }
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should leave a pending record, visible after a restart, when the process is killed mid-call', async t => {
  const upstream = await startFaultUpstream(t)
  upstream.answer(() => {}) // hangs: the call is in flight when the process dies
  const env = {
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: '5',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-crash-test',
    BFF_USERS_FILE: await testUsersFile(),
    SESSION_SECRET: 'a-fixed-session-secret-for-this-test-only',
    AUDIT_STORE: `sqlite:${join(await mkdtemp(join(tmpdir(), 'bff-crash-')), 'audit.db')}`
  }
  const first = await startServerProcess(t, env)
  const session = await signIn(first.url)
  fetch(`${first.url}/api/clients/1234/lock`, {
    method: 'PUT', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, body: '{"locked":true}'
  }).catch(() => {})
  for (let i = 0; i < 100 && upstream.requests.length === 0; i++) await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(upstream.requests.length, 1, 'the call reached the upstream')
  first.child.kill('SIGKILL')
  await new Promise(resolve => first.child.once('exit', resolve))

  upstream.answer((_request, response) => json(response, 200, { resultCode: 'A215001', resultMessage: 'ok' }))
  const second = await startServerProcess(t, env)
  const admin = await signIn(second.url)
  const pending = await (await fetch(`${second.url}/api/audit?outcome=pending`, { headers: { cookie: admin.cookie } })).json() as { records: unknown[] }
  t.equal(pending.records.length, 1)
  t.match(pending.records[0], { action: 'client.lock', actor: 'admin', clientId: '1234', outcome: 'pending', status: null, completedAt: null })
  const verified = await (await fetch(`${second.url}/api/audit/verify`, { headers: { cookie: admin.cookie } })).json()
  t.match(verified, { ok: true })
})
