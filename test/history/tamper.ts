import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import type { Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { runCli } from '../helpers/cli.ts'
import { toVersion, versionHash, versionParams, INSERT_VERSION, type VersionRow } from '../../src/history/stores/version-rows.ts'

// Someone with write access to the audit database edits, drops or inserts client versions, and
// recomputes the version's own hash (the code is public). Versions are made over HTTP by the app, then
// the rows are changed directly, and the trail is verified as `GET /api/audit/verify` and
// `authlete-bff audit verify` do.

type Sql = (text: string, params?: Array<string | number | null>) => Promise<Array<Record<string, unknown>>>
export interface Database { spec: string, sql: Sql }

export async function sqliteDatabase (t: Test): Promise<Database> {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-history-tamper-')), 'audit.db')
  let db: DatabaseSync | undefined
  t.teardown(() => db?.close())
  return {
    spec: `sqlite:${file}`,
    sql: async (text, params = []) => {
      db ??= new DatabaseSync(file)
      return db.prepare(text).all(...params) as Array<Record<string, unknown>>
    }
  }
}

let databases = 0
export async function postgresDatabase (t: Test, serverUrl: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const name = `history_${++databases}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const spec = serverUrl.replace(/\/postgres$/, `/${name}`)
  const client = new pg.Client({ connectionString: spec })
  await client.connect()
  t.teardown(() => client.end())
  return {
    spec,
    sql: async (text, params = []) => {
      let n = 0
      return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows
    }
  }
}

/** A client with three versions (create, two patches), written through the app on `database`. */
async function clientWithVersions (t: Test, database: Database) {
  const { app } = await buildTestApp(t, { AUDIT_STORE: database.spec })
  const admin = await login(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Tamper one' }, headers: admin.headers })
  const clientId = String(created.json().clientId)
  for (const clientName of ['Tamper two', 'Tamper three']) {
    await app.inject({ method: 'PATCH', url: `/api/clients/${clientId}`, payload: { clientName }, headers: admin.headers })
  }
  const verify = async () => (await app.inject({ url: '/api/audit/verify', headers: admin.headers })).json()
  t.match(await verify(), { ok: true, versions: 3 }, 'intact before tampering')
  return { app, clientId, verify }
}

async function versionRow (sql: Sql, clientId: string, version: number) {
  const [row] = await sql('SELECT client_id, version, at, action, audit_id, team, origin, data, hash FROM client_versions WHERE client_id = ? AND version = ?', [clientId, version])
  return toVersion(row as unknown as VersionRow)
}

export async function checkTampering (t: Test, open: (t: Test) => Promise<Database>): Promise<void> {
  t.test('GET /api/audit/verify ...should fail on a version edited in place', async t => {
    const database = await open(t)
    const { clientId, verify } = await clientWithVersions(t, database)
    await database.sql('UPDATE client_versions SET data = replace(data, \'Tamper two\', \'Forged\') WHERE client_id = ? AND version = 2', [clientId])
    t.match(await verify(), { ok: false, firstProblem: { problem: `version 2 of client ${clientId} altered: its content does not match its hash`, version: { clientId, version: 2 } } })
  })

  t.test('GET /api/audit/verify ...should fail on a version edited with its own hash recomputed', async t => {
    const database = await open(t)
    const { clientId, verify } = await clientWithVersions(t, database)
    const { hash: _old, ...version } = await versionRow(database.sql, clientId, 2)
    const forged = { ...version, client: { ...version.client, clientName: 'Forged' } }
    await database.sql('UPDATE client_versions SET data = ?, hash = ? WHERE client_id = ? AND version = 2', [versionParams({ ...forged, hash: '' })[7]!, versionHash(forged), clientId])
    t.match(await verify(), { ok: false, firstProblem: { problem: new RegExp(`^version 2 of client ${clientId} altered: its hash is not the one audit entry \\d+ holds$`) } })
  })

  t.test('GET /api/audit/verify ...should fail on a dropped version', async t => {
    const database = await open(t)
    const { clientId, verify } = await clientWithVersions(t, database)
    await database.sql('DELETE FROM client_versions WHERE client_id = ? AND version = 2', [clientId])
    t.match(await verify(), { ok: false, firstProblem: { problem: new RegExp(`^version 2 of client ${clientId} missing: audit entry \\d+ names it, and no retention pruning removed it$`) } })
  })

  t.test('GET /api/audit/verify ...should fail on an inserted version, and so should `authlete-bff audit verify`', async t => {
    const database = await open(t)
    const { clientId, verify } = await clientWithVersions(t, database)
    const { hash: _old, ...latest } = await versionRow(database.sql, clientId, 3)
    const inserted = { ...latest, version: 4, client: { ...latest.client, redirectUris: ['https://attacker.example/cb'] } }
    await database.sql(INSERT_VERSION, versionParams({ ...inserted, hash: versionHash(inserted) }))
    const problem = `version 4 of client ${clientId} inserted: no audit record names it`
    t.match(await verify(), { ok: false, firstProblem: { seq: 0, problem, version: { clientId, version: 4 } } })
    const cli = await runCli(['audit', 'verify', '--store', database.spec])
    t.equal(cli.code, 1)
    t.match(cli.stderr, problem)
  })

  t.test('GET /api/audit/verify ...should fail on a version inserted with a time before the oldest audit entry of a chain never pruned', async t => {
    const database = await open(t)
    const { clientId, verify } = await clientWithVersions(t, database)
    const { hash: _old, ...latest } = await versionRow(database.sql, clientId, 3)
    const inserted = { ...latest, version: 4, at: '2020-01-01T00:00:00.000Z' }
    await database.sql(INSERT_VERSION, versionParams({ ...inserted, hash: versionHash(inserted) }))
    t.match(await verify(), { ok: false, firstProblem: { seq: 0, problem: `version 4 of client ${clientId} inserted: no audit record names it` } })
  })

  t.test('GET /api/audit/verify ...should check a version whose audit record AUDIT_RETENTION_DAYS pruned against its own hash only, and a later one against its record', async t => {
    const database = await open(t)
    const { app, clientId, verify } = await clientWithVersions(t, database)
    await app.auditTrail.prune(new Date(Date.now() + 60_000).toISOString())
    t.match(await verify(), { ok: true, versions: 3 }, 'versions older than the oldest kept entry lost their records to pruning')
    const { hash: _old, ...latest } = await versionRow(database.sql, clientId, 3)
    const inserted = { ...latest, version: 4, at: new Date(Date.now() + 120_000).toISOString() }
    await database.sql(INSERT_VERSION, versionParams({ ...inserted, hash: versionHash(inserted) }))
    t.match(await verify(), { ok: false, firstProblem: { problem: `version 4 of client ${clientId} inserted: no audit record names it` } }, 'one later than the oldest kept entry needs its record')
    await database.sql('DELETE FROM client_versions WHERE client_id = ? AND version = 4', [clientId])
    await database.sql('UPDATE client_versions SET data = replace(data, \'Tamper two\', \'Forged\') WHERE client_id = ? AND version = 2', [clientId])
    t.match(await verify(), { ok: false, firstProblem: { problem: `version 2 of client ${clientId} altered: its content does not match its hash` } }, 'an old version is still checked against its own hash')
  })
}
