import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { promisify } from 'node:util'
import t from 'tap'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { buildTestApp } from '../helpers/app.ts'
import { verify } from './trail.ts'

const run = promisify(execFile)
const DAY = 86_400_000

async function trailWithHistory (): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-retention-')), 'audit.db')
  const store = openSqliteAuditStore(file)
  for (const [index, ageDays] of [40, 35, 10, 1].entries()) {
    const time = new Date(Date.now() - ageDays * DAY).toISOString()
    await store.append({ kind: 'intent', requestId: `r${index}`, time, data: { actor: 'admin', roles: ['admin'], action: 'client.lock', route: 'PUT /api/clients/:clientIdentifier/lock', clientId: 'portal', subject: null, clientIp: '127.0.0.1', userAgent: null, changedProperties: ['locked'] } })
    await store.append({ kind: 'outcome', requestId: `r${index}`, time, data: { status: 200, outcome: 'success', resultCode: 'A215001', durationMs: 2 } })
  }
  await store.close()
  return file
}

t.test('AUDIT_RETENTION_DAYS ...should prune older records at start and keep the chain verifiable with a checkpoint', async t => {
  const file = await trailWithHistory()
  const { app } = await buildTestApp(t, { AUDIT_STORE: `sqlite:${file}`, AUDIT_RETENTION_DAYS: '30' })
  const { records } = await app.auditTrail.query({ limit: 10 })
  t.same(records.map(record => record.requestId), ['r3', 'r2'], 'the records older than 30 days are gone')
  const entries = await Array.fromAsync(app.auditTrail.entries())
  t.match(entries.at(-1), { kind: 'checkpoint', data: { prunedThroughSeq: 4, prunedEntries: 4 } })
  t.same(await verify(app), { ok: true, checked: 5 })
})

t.test('AUDIT_RETENTION_DAYS ...should still detect a record deleted after pruning', async t => {
  const file = await trailWithHistory()
  const { app } = await buildTestApp(t, { AUDIT_STORE: `sqlite:${file}`, AUDIT_RETENTION_DAYS: '30' })
  const db = new DatabaseSync(file)
  t.teardown(() => db.close())
  db.prepare('DELETE FROM audit_entries WHERE seq = 5').run()
  t.match(await verify(app), { ok: false, firstProblem: { seq: 5, problem: /missing/ } })
})

t.test('authlete-bff audit verify ...should exit 0 on an intact trail and 1 naming the first altered entry', async t => {
  const file = await trailWithHistory()
  const cwd = new URL('../..', import.meta.url)
  const env = { PATH: process.env.PATH, AUDIT_STORE: `sqlite:${file}` }
  const intact = await run(process.execPath, ['src/cli.ts', 'audit', 'verify'], { cwd, env })
  t.same(JSON.parse(intact.stdout), { ok: true, checked: 8 })
  const db = new DatabaseSync(file)
  db.prepare('UPDATE audit_entries SET data = replace(data, \'A215001\', \'A000000\') WHERE seq = 6').run()
  db.close()
  const broken = await run(process.execPath, ['src/cli.ts', 'audit', 'verify'], { cwd, env }).then(() => ({ code: 0, stdout: '', stderr: '' }), (error: { code: number, stdout: string, stderr: string }) => error)
  t.equal(broken.code, 1)
  t.match(JSON.parse(broken.stdout), { ok: false, firstProblem: { seq: 6 } })
  t.match(broken.stderr, /BROKEN at entry 6/)
})
