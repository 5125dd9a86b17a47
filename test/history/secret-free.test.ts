import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { buildTestApp, login } from '../helpers/app.ts'
import { startPostgres } from '../helpers/postgres.ts'

// What was sent or answered as a secret during the writes: none of it may be stored anywhere.
async function secretWrites (app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<{ secrets: string[], clientId: string }> {
  const admin = await login(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Secretive' }, headers: admin.headers })
  const clientId = String(created.json().clientId)
  const secrets = [created.json().clientSecret as string]
  const refreshed = await app.inject({ method: 'POST', url: `/api/clients/${clientId}/secret/refresh`, headers: admin.headers })
  secrets.push(refreshed.json().newClientSecret, refreshed.json().oldClientSecret)
  const chosen = `Chosen${'q7'.repeat(20)}`
  t.equal((await app.inject({ method: 'PUT', url: `/api/clients/${clientId}/secret`, payload: { clientSecret: chosen }, headers: admin.headers })).statusCode, 200)
  secrets.push(chosen)
  const { registrationAccessToken, dynamicClientId } = app.sandboxUpstream.seed
  const registered = await app.inject({ method: 'PUT', url: `/api/clients/${dynamicClientId}/registration`, payload: { registrationAccessToken, metadata: { client_name: 'Dynamic, renamed' } }, headers: admin.headers })
  t.equal(registered.statusCode, 200)
  secrets.push(registrationAccessToken)
  if (typeof registered.json().client_secret === 'string') secrets.push(registered.json().client_secret)
  if (typeof registered.json().registration_access_token === 'string') secrets.push(registered.json().registration_access_token)
  const history = (await app.inject({ url: `/api/clients/${clientId}/history`, headers: admin.headers })).json()
  t.match(history.versions.slice(0, 2), [{ action: 'client.secret.update', changed: ['clientSecret'] }, { action: 'client.secret.refresh', changed: ['clientSecret'] }])
  return { secrets: secrets.filter(secret => typeof secret === 'string' && secret.length >= 16), clientId }
}

t.test('POST /api/clients/:clientIdentifier/secret/refresh, PUT .../secret, PUT .../registration ...should leave no secret in any file of the SQLite store', async t => {
  const { app, config } = await buildTestApp(t)
  const { secrets } = await secretWrites(app)
  t.ok(secrets.length >= 5, 'the secrets to look for')
  const dir = dirname(config.AUDIT_STORE.slice('sqlite:'.length))
  const files = (await readdir(dir)).filter(name => name.startsWith('audit.db'))
  t.ok(files.includes('audit.db'))
  for (const name of files) {
    const bytes = await readFile(join(dir, name))
    secrets.forEach((secret, index) => { t.notOk(bytes.includes(secret), `${name} does not hold secret #${index}`) })
  }
  t.ok((await app.auditTrail.history.latest(String(app.sandboxUpstream.seed.dynamicClientId))) !== undefined, 'the RFC 7592 update made a version')
})

t.test('POST /api/clients/:clientIdentifier/secret/refresh, PUT .../secret, PUT .../registration ...should leave no secret in the PostgreSQL store', async t => {
  const postgres = await startPostgres(t)
  const { app } = await buildTestApp(t, { AUDIT_STORE: postgres.url })
  const { secrets } = await secretWrites(app)
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  t.teardown(() => client.end())
  const dump = JSON.stringify([
    (await client.query('SELECT * FROM client_versions')).rows,
    (await client.query('SELECT * FROM audit_entries')).rows
  ])
  t.ok(dump.includes('Secretive'), 'the dump holds the versions')
  secrets.forEach((secret, index) => { t.notOk(dump.includes(secret), `no secret #${index}`) })
})
