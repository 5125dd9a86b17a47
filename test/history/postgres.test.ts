import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'

t.test('PATCH PUT lock /api/clients/:clientId (PostgreSQL) ...should number versions 1, 2, 3... without a gap or a duplicate when two replicas write one client at once', async t => {
  const postgres = await startPostgres(t)
  const first = await buildTestApp(t, { AUDIT_STORE: postgres.url, LOG_LEVEL: 'warn' })
  // The second replica forwards to the first one's emulator: one Authlete, two proxies.
  const { url, credentials } = first.app.sandboxUpstream
  const second = await buildTestApp(t, { AUDIT_STORE: postgres.url, LOG_LEVEL: 'warn', AUTHLETE_BASE_URL: url, AUTHLETE_SERVICE_ID: credentials.serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: credentials.accessToken })
  const replicas = [first, second]
  const sessions = await Promise.all(replicas.map(({ app }) => login(app, 'admin')))
  const created = await first.app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Shared' }, headers: sessions[0]!.headers })
  const clientId = String(created.json().clientId)
  const writes = 40
  const answers = await Promise.all(Array.from({ length: writes }, (_, i) => {
    const replica = i % 2
    const { app } = replicas[replica]!
    return i % 4 < 2
      ? app.inject({ method: 'PUT', url: `/api/clients/${clientId}/lock`, payload: { locked: i % 3 === 0 }, headers: sessions[replica]!.headers })
      : app.inject({ method: 'POST', url: `/api/clients/${clientId}/secret/refresh`, headers: sessions[replica]!.headers })
  }))
  const statuses = answers.map(answer => answer.statusCode)
  t.same([...new Set(statuses)], [200])
  const succeeded = writes
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  t.teardown(() => client.end())
  const numbers = (await client.query('SELECT version FROM client_versions WHERE client_id = $1 ORDER BY version', [clientId])).rows.map(row => Number(row.version))
  t.same(numbers, Array.from({ length: succeeded + 1 }, (_, i) => i + 1), 'one version per successful write, numbered without gaps')
  const listed = await first.app.inject({ url: `/api/clients/${clientId}/history?limit=100`, headers: sessions[0]!.headers })
  t.equal(listed.statusCode, 200, listed.body)
  const { versions } = listed.json()
  t.equal(versions.length, succeeded + 1)
  t.ok(versions.filter((v: { action: string }) => v.action === 'client.secret.refresh').every((v: { changed: string[] }) => v.changed.includes('clientSecret')))
  t.match((await first.app.inject({ url: '/api/audit/verify', headers: sessions[0]!.headers })).json(), { ok: true, versions: succeeded + 1 })
})
