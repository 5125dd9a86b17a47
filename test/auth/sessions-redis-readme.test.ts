import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { readmeBlock } from '../helpers/readme.ts'
import { startRedis } from '../helpers/redis.ts'
import { NO_OVERLOAD_GUARD } from '../helpers/server-process.ts'

const run = promisify(execFile)
t.setTimeout(300_000)

const ROOT = new URL('../..', import.meta.url).pathname

t.test('README Redis sessions with two replicas ...should sign in on one `npm start` and use and end the session on the other, as written', async t => {
  const redis = await startRedis(t)
  // mktemp -d in the block lands here, so the test finds the replicas' logs (and their pids) afterwards.
  const scratch = await mkdtemp(join(tmpdir(), 'bff-readme-replicas-'))
  t.teardown(async () => {
    // `kill %1 %2` (the README's way to stop them) needs an interactive shell's job control: the
    // servers are stopped here by the pids they logged.
    for (const dir of await readdir(scratch)) {
      for (const log of ['a.log', 'b.log']) {
        const pid = (await readFile(join(scratch, dir, log), 'utf8').catch(() => '')).match(/"pid":(\d+)/)?.[1]
        if (pid !== undefined) try { process.kill(Number(pid), 'SIGTERM') } catch {}
      }
    }
  })
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await readmeBlock('replicas')], {
    // The overload guard off, as for every test server: a busy test machine stalls the event loop.
    cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: scratch, REDIS_URL: redis.url, ...NO_OVERLOAD_GUARD }, timeout: 180_000
  })
  const lines = stdout.trim().split('\n')
  t.match(lines[0], /^added alice \(admin\) to /)
  t.match(JSON.parse(lines[1]!), { username: 'alice', roles: ['admin'], csrfToken: String, expiresAt: String }, 'the session, on the other replica')
  t.equal(lines[2], '200', '/api/clients on the other replica')
  t.match(JSON.parse(lines[3]!), { sessions: [{ login: 'local', current: true }] }, 'the admin list')
  t.same(lines.slice(4), ['204', '401'], 'logout on one, refused on the other')

  // `kill "$A" "$B"` stopped both replicas (npm passes SIGTERM on to the server it exec'd), and
  // each wrote its own audit trail.
  const dir = (await readdir(scratch)).find(name => name.startsWith('tmp.'))
  for (const port of [3001, 3002]) {
    let answering = true
    for (let waited = 0; answering && waited < 30_000; waited += 200) {
      answering = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false)
      if (answering) await new Promise(resolve => setTimeout(resolve, 200))
    }
    t.notOk(answering, `the replica on port ${port} stopped`)
  }
  t.ok((await readdir(join(scratch, dir!))).includes('a-audit.db') && (await readdir(join(scratch, dir!))).includes('b-audit.db'), 'one audit file per replica')
})
