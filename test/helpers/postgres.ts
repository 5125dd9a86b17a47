import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
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
  /**
   * SIGSTOP to the server and every backend: connections stay open and nothing answers, as in a
   * storage stall or a failover. `thaw` (SIGCONT) lets it go on where it stopped.
   */
  freeze: () => Promise<void>
  thaw: () => Promise<void>
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

  // The postmaster first, so that it starts no backend once the list of its children is read.
  const signalAll = async (signal: NodeJS.Signals): Promise<void> => {
    const postmaster = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0])
    process.kill(postmaster, signal)
    for (const pid of await childrenOf(postmaster)) process.kill(pid, signal)
  }
  let frozen = false
  const freeze = async (): Promise<void> => { await signalAll('SIGSTOP'); frozen = true }
  const thaw = async (): Promise<void> => { await signalAll('SIGCONT'); frozen = false }

  t.teardown(async () => {
    if (frozen) await thaw().catch(() => {})
    await stop().catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })
  // --no-sync: the cluster is thrown away; fsync stays on for the server itself.
  await command('initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '-D', data])
  await start()
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, start, freeze, thaw }
}

/** The processes whose parent is `pid` (Linux /proc). */
async function childrenOf (pid: number): Promise<number[]> {
  const children: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (parent === pid) children.push(Number(entry))
  }
  return children
}
