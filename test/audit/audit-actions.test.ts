import { execFileSync } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import t from 'tap'
import type { Config } from '../../src/config.ts'
import type { AuditRecord } from '../../src/audit/audit-types.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cookieOf, listen, type HttpClient } from '../helpers/http.ts'
import { startLogin, startOidcApp, TestBrowser } from '../helpers/oidc-provider.ts'
import { PASSWORDS } from '../helpers/users.ts'

// Issue 26 item 7: the trail tells a lock from an unlock and records every sign-in, failed or not,
// with its source and address and never the password.

// The server's default, which the test apps turn off (test/helpers/app.ts).
const SIGN_IN_RECORDS = { AUDIT_SIGN_INS: 'true' }

async function signIn (http: HttpClient, username: string, password: string) {
  return await http.request('/auth/login', { json: { username, password } })
}

async function records (http: HttpClient, headers: Record<string, string>, query: string): Promise<AuditRecord[]> {
  const answer = await http.request(`/api/audit?${query}`, { headers })
  if (answer.status !== 200) throw new Error(`GET /api/audit answered ${answer.status}: ${answer.text}`)
  return answer.json().records as AuditRecord[]
}

async function adminHeaders (http: HttpClient): Promise<Record<string, string>> {
  const answer = await signIn(http, 'admin', PASSWORDS.admin)
  return { cookie: cookieOf(answer), 'x-csrf-token': answer.json().csrfToken as string }
}

/** The audit store's files (the SQLite database and its write-ahead log), as text. */
async function storeFiles (config: Config): Promise<string> {
  const file = config.AUDIT_STORE.replace(/^sqlite:/, '')
  const names = (await readdir(dirname(file))).filter(name => name.startsWith('audit.db'))
  const texts = await Promise.all(names.map(async name => (await readFile(join(dirname(file), name))).toString('latin1')))
  return texts.join('\n')
}

t.test('PUT /api/clients/:clientIdentifier/lock ...should record client.lock for locked: true and client.unlock for locked: false, replays and all', async t => {
  const { app } = await buildTestApp(t)
  const http = await listen(app)
  const admin = await adminHeaders(http)
  const lock = async (locked: boolean, key: string) => await http.request('/api/clients/portal/lock', { method: 'PUT', json: { locked }, headers: { ...admin, 'idempotency-key': key } })
  t.equal((await lock(true, 'lock-1')).status, 200)
  t.equal((await lock(false, 'unlock-1')).status, 200)
  const replayed = await lock(false, 'unlock-1')
  t.equal(replayed.headers.get('idempotent-replayed'), 'true', 'the idempotency hooks still see an audited route')
  t.match(await records(http, admin, 'clientId=portal'), [
    { action: 'client.unlock', actor: 'admin', outcome: 'success', changedProperties: ['locked'], route: 'PUT /api/clients/:clientIdentifier/lock' },
    { action: 'client.lock', actor: 'admin', outcome: 'success', changedProperties: ['locked'] }
  ], 'one record each (the replay forwards nothing and records nothing)')
  t.equal((await records(http, admin, 'action=client.unlock')).length, 1, '?action=client.unlock finds it')
  t.same((await records(http, admin, 'limit=100')).filter(record => record.action.startsWith('auth.')), [], 'AUDIT_SIGN_INS=false (the test apps\' setting): no sign-in recorded')
})

t.test('POST /auth/login ...should record auth.login and auth.login.failure with source and address, the given username bounded, never a password', async t => {
  const { app, config } = await buildTestApp(t, SIGN_IN_RECORDS)
  const http = await listen(app)
  const wrong = 'Wrong-Password-q7Zk2'
  t.equal((await signIn(http, 'editor', wrong)).status, 401)
  const long = `mallory\u001b[31m${'x'.repeat(100)}`
  t.equal((await signIn(http, long, 'Another-Secret-r8Yw')).status, 401)
  t.equal((await signIn(http, 'editor', PASSWORDS.editor)).status, 200)
  const admin = await adminHeaders(http)
  const signIns = (await records(http, admin, 'limit=10')).filter(record => record.action.startsWith('auth.login'))
  t.match(signIns, [
    { action: 'auth.login', actor: 'admin', source: 'local', roles: ['admin'], outcome: 'success', status: 200, clientIp: '127.0.0.1', route: 'POST /auth/login', changedProperties: null },
    { action: 'auth.login', actor: 'editor', source: 'local', roles: ['editor'], outcome: 'success', status: 200, clientIp: '127.0.0.1' },
    { action: 'auth.login.failure', source: 'local', roles: [], outcome: 'failure', status: 401, clientIp: '127.0.0.1', changedProperties: null },
    { action: 'auth.login.failure', actor: 'editor', source: 'local', roles: [], outcome: 'failure', status: 401, clientIp: '127.0.0.1' }
  ])
  t.equal(signIns[2]!.actor, `mallory\\u001b[31m${'x'.repeat(52)}…`, 'the unknown username as given: its 64 first characters, control characters escaped')
  t.same((await records(http, admin, 'action=auth.login.failure&actor=editor')).length, 1, 'found by ?actor=')

  const trail = await storeFiles(config)
  t.match(trail, /auth\.login\.failure/, 'the store file was read')
  for (const password of [wrong, 'Another-Secret-r8Yw', PASSWORDS.editor, PASSWORDS.admin]) {
    t.notOk(trail.includes(password), `no password in the store (${password.slice(0, 5)}...)`)
  }
})

t.test('POST /auth/login ...should keep a username of exactly 64 characters whole, record failures with no roles, and record nothing for a body it refuses', async t => {
  const { app, logs } = await buildTestApp(t, SIGN_IN_RECORDS)
  const http = await listen(app)
  const exact = 'u'.repeat(64)
  t.equal((await signIn(http, exact, 'Wrong-Password-p3Vn')).status, 401)
  const refused = await http.request('/auth/login', { json: { username: 'editor' } })
  t.equal(refused.status, 400, 'no password: refused before the handler knows who signs in')
  t.match(refused.json(), { status: 400, detail: /password/ }, 'with its problem intact')
  const admin = await adminHeaders(http)
  const signIns = (await records(http, admin, 'limit=10')).filter(record => record.action.startsWith('auth.login'))
  t.same(signIns.map(record => [record.action, record.actor, record.roles, record.status]), [['auth.login', 'admin', ['admin'], 200], ['auth.login.failure', exact, [], 401]],
    'the 64 characters as given, no roles for the failure, and no record of the refused body')
  t.same(logs.map(line => JSON.parse(line)).filter(line => line.level >= 50), [], 'and no error on the way')
})

t.test('POST /auth/login ...should sign in, count bff_audit_write_failures_total{kind="sign-in"} and log an error when the sign-in cannot be recorded', async t => {
  const { app, config, logs } = await buildTestApp(t, SIGN_IN_RECORDS)
  const files = [config.AUDIT_STORE.slice('sqlite:'.length), `${config.AUDIT_STORE.slice('sqlite:'.length)}-wal`]
  t.teardown(() => execFileSync('chattr', ['-i', ...files]))
  execFileSync('chattr', ['+i', ...files])
  const answer = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'editor', password: PASSWORDS.editor } })
  execFileSync('chattr', ['-i', ...files])
  t.equal(answer.statusCode, 200, 'a sign-in is not refused for its record')
  t.match((await app.inject({ url: '/metrics' })).body, /^bff_audit_write_failures_total\{kind="sign-in"\} 1$/m)
  t.match(logs.map(line => JSON.parse(line)).filter(line => line.level === 50), [{ msg: 'audit trail: sign-in not recorded', err: { message: String } }])
})

t.test('GET /auth/callback ...should record an OIDC sign-in, one refused for want of a role, and one with a foreign state, as auth.login(.failure) with source oidc', async t => {
  const { appUrl, config } = await startOidcApp(t, SIGN_IN_RECORDS)
  const alice = new TestBrowser()
  t.equal((await alice.request(await startLogin(alice, appUrl, 'alice'))).status, 302)
  const carol = new TestBrowser()
  t.equal((await carol.request(await startLogin(carol, appUrl, 'carol'))).status, 403, 'carol has no mapped role')
  const stranger = new TestBrowser()
  t.equal((await stranger.request(`${appUrl}/auth/callback?code=abc&state=forged`)).status, 400, 'no login in progress')

  const session = await alice.request(`${appUrl}/auth/session`)
  const headers = { 'x-csrf-token': (await session.json() as { csrfToken: string }).csrfToken }
  const answer = await alice.request(`${appUrl}/api/audit?limit=10`, { headers })
  const signIns = (await answer.json() as { records: AuditRecord[] }).records.filter(record => record.action.startsWith('auth.login'))
  t.match(signIns, [
    { action: 'auth.login.failure', actor: null, source: 'oidc', outcome: 'failure', status: 400, route: 'GET /auth/callback', clientIp: '127.0.0.1' },
    { action: 'auth.login.failure', actor: 'carol', source: 'oidc', roles: [], outcome: 'failure', status: 403 },
    { action: 'auth.login', actor: 'alice', source: 'oidc', roles: ['admin'], outcome: 'success', status: 302 }
  ])
  t.notMatch(await storeFiles(config), /code=abc/, 'nor the callback\'s query')
})
