import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { mock } from 'node:test'
import { promisify } from 'node:util'
import t from 'tap'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { buildTestApp } from '../helpers/app.ts'
import { verify } from './trail.ts'

const run = promisify(execFile)
const DAY = 86_400_000

const HOUR = 3_600_000

/** A trail of one client lock (intent and outcome) per age in days, oldest first: records r0, r1... */
async function trailWithHistory (ageDays = [40, 35, 10, 1]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'bff-retention-')), 'audit.db')
  const store = openSqliteAuditStore(file)
  for (const [index, age] of ageDays.entries()) {
    const time = new Date(Date.now() - age * DAY).toISOString()
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
  t.match(await verify(app), { ok: true, checked: 5 })
})

t.test('AUDIT_RETENTION_DAYS ...should still detect a record deleted after pruning', async t => {
  const file = await trailWithHistory()
  const { app } = await buildTestApp(t, { AUDIT_STORE: `sqlite:${file}`, AUDIT_RETENTION_DAYS: '30' })
  const db = new DatabaseSync(file)
  t.teardown(() => db.close())
  db.prepare('DELETE FROM audit_entries WHERE seq = 5').run()
  t.match(await verify(app), { ok: false, firstProblem: { seq: 5, problem: /missing/ } })
})

t.test('AUDIT_RETENTION_DAYS ...should prune again every hour while running, log a pruning that failed, and stop pruning once closed', async t => {
  // An hour is passed on a mocked clock (setInterval and Date only; the rest of the app keeps real time).
  mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.now() })
  t.teardown(() => mock.timers.reset())
  const file = await trailWithHistory([40, 30 - 0.5 / 24, 30 - 2.5 / 24, 1])
  const { app, logs } = await buildTestApp(t, { AUDIT_STORE: `sqlite:${file}`, AUDIT_RETENTION_DAYS: '30' })
  const kept = async () => (await app.auditTrail.query({ limit: 10 })).records.map(record => record.requestId)
  // A pruning runs its SQLite transaction synchronously; its log line follows once its promise settles.
  const settled = async () => { await new Promise(resolve => setImmediate(resolve)) }
  const failures = () => logs.filter(line => line.includes('"level":50') && line.includes('audit trail: pruning failed'))
  t.same(await kept(), ['r3', 'r2', 'r1'], 'at start: only the 40-day-old record is past 30 days')
  mock.timers.tick(HOUR - 60_000)
  t.same(await kept(), ['r3', 'r2', 'r1'], 'r1 is now past 30 days, but the hour has not passed')
  mock.timers.tick(60_000)
  t.same(await kept(), ['r3', 'r2'], 'an hour after start, r1 is pruned')
  mock.timers.tick(HOUR)
  await settled()
  t.same(await kept(), ['r3', 'r2'], 'two hours after start, nothing more is past 30 days')
  const pruned = logs.map(line => JSON.parse(line)).filter(line => line.msg === 'audit trail pruned')
  t.match(pruned, [{ level: 30, removed: 2, retentionDays: 30 }, { level: 30, removed: 2, retentionDays: 30 }], 'each pruning that removed something (a record: its intent and outcome) is logged, with how many and why')
  t.equal(pruned.length, 2, 'and one that removed nothing is not')

  // Tests run as root, which ignores file modes; the immutable flag makes the files unwritable even for root.
  const files = [file, `${file}-wal`]
  execFileSync('chattr', ['+i', ...files])
  const writable = () => execFileSync('chattr', ['-i', ...files.filter(existsSync)])
  t.teardown(writable)
  mock.timers.tick(HOUR)
  await settled()
  writable()
  t.match(failures().map(line => JSON.parse(line)), [{ err: { message: 'disk I/O error' } }], 'three hours after start, r2 is past 30 days: that pruning failed, and is logged with its reason')
  t.same(await kept(), ['r3', 'r2'], 'and removed nothing')

  await app.close()
  t.notOk(existsSync(`${file}-wal`), 'closed: the store is closed, so the file alone holds every entry')
  mock.timers.tick(3 * HOUR)
  await settled()
  t.equal(failures().length, 1, 'closed: no pruning runs any more')
})

t.test('authlete-bff audit verify ...should exit 0 on an intact trail and 1 naming the first altered entry', async t => {
  const file = await trailWithHistory()
  const cwd = new URL('../..', import.meta.url)
  const env = { PATH: process.env.PATH, AUDIT_STORE: `sqlite:${file}` }
  const intact = await run(process.execPath, ['src/cli.ts', 'audit', 'verify'], { cwd, env })
  t.match(JSON.parse(intact.stdout), { ok: true, checked: 8 })
  const db = new DatabaseSync(file)
  db.prepare('UPDATE audit_entries SET data = replace(data, \'A215001\', \'A000000\') WHERE seq = 6').run()
  db.close()
  const broken = await run(process.execPath, ['src/cli.ts', 'audit', 'verify'], { cwd, env }).then(() => ({ code: 0, stdout: '', stderr: '' }), (error: { code: number, stdout: string, stderr: string }) => error)
  t.equal(broken.code, 1)
  t.match(JSON.parse(broken.stdout), { ok: false, firstProblem: { seq: 6 } })
  t.match(broken.stderr, /BROKEN at entry 6/)
})
