import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { repo, runCli as cli } from '../helpers/cli.ts'

// bin/authlete-bff (docs/cli.md): the command line without npm's start-up. Each run is a process
// of its own, seconds on a loaded machine: no timing is asserted here (docs/cli.md has the figures).
t.setTimeout(300_000)

const tempDir = () => mkdtemp(join(tmpdir(), 'bff-launcher-'))

/** A program run as a shell runs it (its #! line), with only `env`. */
function launch (program: string, args: string[], options: { cwd: string, env: Record<string, string> }): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += String(chunk) })
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  return new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr })))
}

t.test('bin/authlete-bff --help ...should answer as the command does, from any folder and through a link, with the project\'s Node whatever PATH holds', async t => {
  const dir = await tempDir()
  const link = join(dir, 'authlete-bff')
  await symlink(join(repo, 'bin', 'authlete-bff'), link)
  // The machine's own Node (20, no type stripping) first on PATH: the launcher must not use it.
  const env = { PATH: '/usr/bin:/bin', HOME: dir }
  for (const args of [['--help'], ['serve', '--help'], ['users', 'add', '--help']]) {
    const expected = await cli(args)
    for (const launcher of [join(repo, 'bin', 'authlete-bff'), link]) {
      const launched = await launch(launcher, args, { cwd: dir, env })
      t.equal(launched.code, 0, `${launcher} ${args.join(' ')}: ${launched.stderr}`)
      t.equal(launched.stdout, expected.stdout, `${launcher} ${args.join(' ')} prints the same help`)
      t.equal(launched.stderr, '', 'and nothing on stderr (no word about a missing .env)')
    }
  }
  t.ok(existsSync(join(dir, '.cache', 'authlete-bff', 'node-compile-cache')), 'Node\'s compile cache in the caller\'s ~/.cache, not in the checkout')
  const usage = await launch(join(repo, 'bin', 'authlete-bff'), ['users', 'bogus'], { cwd: dir, env })
  t.equal(usage.code, 2, 'exit codes pass through')
  await writeFile(join(dir, '.env'), 'PORT=not-a-port\n')
  const served = await launch(join(repo, 'bin', 'authlete-bff'), ['serve'], { cwd: dir, env })
  t.equal(served.code, 2, 'serve reads ./.env as npm start does')
  t.match(served.stderr, /PORT: must be integer/)
})
