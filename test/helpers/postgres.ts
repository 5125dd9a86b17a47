import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Test } from 'tap'
import { freePort } from './server-process.ts'

const run = promisify(execFile)

/** Debian's PostgreSQL 15 server binaries (`apt-get install postgresql` on Debian 12); POSTGRES_BIN overrides. */
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin'

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, loopback only) */
  url: string
  /** Stops the server (fast shutdown: open connections are cut). */
  stop: () => Promise<void>
  /** Starts it again on the same port and data. */
  start: () => Promise<void>
}

/**
 * A throwaway PostgreSQL cluster on loopback, deleted in the test's teardown. PostgreSQL refuses to
 * run as root, so as root the cluster belongs to the `postgres` OS user and every binary runs through
 * `runuser -u postgres --`. Missing binaries fail the test: they are a broken machine, never a skip.
 */
export async function startPostgres (t: Test): Promise<TestPostgres> {
  const missing = ['initdb', 'pg_ctl', 'postgres'].filter(name => !existsSync(join(BIN, name)))
  if (missing.length > 0) {
    throw new Error(`PostgreSQL server binaries missing from ${BIN} (${missing.join(', ')}): install them with \`apt-get install postgresql\` (Debian 12 gives PostgreSQL 15) or set POSTGRES_BIN to the directory holding initdb, pg_ctl and postgres`)
  }
  const asRoot = process.getuid?.() === 0
  if (asRoot && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && !existsSync('/usr/bin/runuser')) {
    throw new Error('running as root, PostgreSQL must run as the postgres user: runuser (util-linux) is missing')
  }
  const command = async (name: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, name), ...args]] : [join(BIN, name), args]
    await run(file, argv, { timeout: 60_000 })
  }

  const dir = await mkdtemp(join(tmpdir(), 'bff-pg-'))
  if (asRoot) {
    try {
      await run('chown', ['postgres:', dir])
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(`running as root, the cluster must belong to the postgres OS user (apt-get install postgresql creates it): ${(error as Error).message}`)
    }
  }
  const data = join(dir, 'data')
  const log = join(dir, 'server.log')
  const port = await freePort()
  let running = false

  const start = async (): Promise<void> => {
    try {
      // -l: the server's output goes to a file, so pg_ctl returns once it is up instead of holding our pipes.
      await command('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`, 'start'])
    } catch (error) {
      const serverLog = await readFile(log, 'utf8').catch(() => '')
      throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${serverLog}`)
    }
    running = true
  }
  const stop = async (): Promise<void> => {
    if (!running) return
    await command('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'])
    running = false
  }

  t.teardown(async () => {
    await stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })
  // --no-sync: the cluster is thrown away; fsync stays on for the server itself.
  await command('initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '-D', data])
  await start()
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, start }
}
