import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Pool } from 'undici'
import { startServerProcess } from '../helpers/server-process.ts'

// Seen on the measuring machine: servers whose log reader had gone were alive 80 minutes after
// SIGTERM, looping write(1) = EPIPE every 100 ms: pino flushes its destination synchronously at exit
// and that flush retries every write error, and the SHUTDOWN_TIMEOUT deadline never ended it.

const SHUTDOWN_TIMEOUT_S = 3

t.test('SIGTERM ...should exit within SHUTDOWN_TIMEOUT when the log reader stopped reading and then went away', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-log-pipe-'))
  const server = await startServerProcess(t, {
    // Debug level: two lines per request, to fill the pipe quickly.
    LOG_LEVEL: 'debug',
    SHUTDOWN_DELAY: '0',
    SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_S),
    AUDIT_STORE: `sqlite:${join(dir, 'audit.db')}`,
    API_TOKEN_STORE: `sqlite:${join(dir, 'tokens.db')}`,
    SESSION_SECRET: 'a-fixed-session-secret-for-this-test-only'
  })
  // The reader stops reading: the pipe fills, and the server's log lines pile up in its buffer.
  server.child.stdout!.pause()
  const pool = new Pool(server.url, { connections: 8 })
  t.teardown(() => pool.destroy())
  for (let round = 0; round < 40; round++) {
    await Promise.all(Array.from({ length: 50 }, async () => { await (await pool.request({ method: 'GET', path: '/healthz' })).body.text() }))
  }
  await pool.close()

  const exit = new Promise<{ code: number | null, at: number }>(resolve => server.child.once('exit', code => resolve({ code, at: Date.now() })))
  const signalled = Date.now()
  server.child.kill('SIGTERM')
  // Then the reader goes away: every later write answers EPIPE.
  await new Promise(resolve => setTimeout(resolve, 300))
  server.child.stdout!.destroy()

  const exited = await Promise.race([exit, new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), 3 * SHUTDOWN_TIMEOUT_S * 1000))])
  t.ok(exited !== undefined, 'the process exited')
  t.comment(`exited ${exited === undefined ? 'not at all' : `${exited.at - signalled} ms`} after SIGTERM`)
  // The bug kept the process alive for good; SHUTDOWN_TIMEOUT ends it at the latest, and a busy
  // machine may take a while more to run its exit: twice the timeout still tells the two apart.
  t.ok(exited !== undefined && exited.at - signalled < 2 * SHUTDOWN_TIMEOUT_S * 1000, `within SHUTDOWN_TIMEOUT (${SHUTDOWN_TIMEOUT_S} s)`)
})
