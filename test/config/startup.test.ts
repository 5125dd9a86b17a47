import { spawn } from 'node:child_process'
import { copyFile, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { freePort } from '../helpers/server-process.ts'

// The server as an operator starts it: npm start, a port already taken, a terminal.

const repo = join(import.meta.dirname, '..', '..')

t.setTimeout(240_000)

/** A command until `done(output)` holds or it exits; then it is stopped. */
async function watch (command: string, args: string[], options: { cwd: string, env: Record<string, string> }, done: (output: string) => boolean) {
  const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  let output = ''
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  child.stdout.on('data', chunk => { output += String(chunk) })
  child.stderr.on('data', chunk => { output += String(chunk) })
  const running = () => child.exitCode === null && child.signalCode === null
  for (let waited = 0; running() && !done(output) && waited < 90_000; waited += 100) await new Promise(resolve => setTimeout(resolve, 100))
  if (!running()) return { output, code: await exited }
  process.kill(-child.pid!, 'SIGTERM')
  await exited
  return { output, code: undefined }
}

/** A working directory for npm start: package.json, the sources and node_modules of the checkout. */
async function appDir (): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'bff-start-')))
  await copyFile(join(repo, 'package.json'), join(dir, 'package.json'))
  await symlink(join(repo, 'src'), join(dir, 'src'))
  await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'))
  // npm start builds the console first (prestart).
  await symlink(join(repo, 'scripts'), join(dir, 'scripts'))
  return dir
}

t.test('npm start ...should load .env from the working directory, and print the resolved SQLite paths', async t => {
  const dir = await appDir()
  const port = await freePort()
  await writeFile(join(dir, '.env'), `PORT=${port}\nLOG_LEVEL=info\n# a comment\nAPI_TOKEN_STORE=sqlite:./state/tokens.db\n`)
  const { output } = await watch('npm', ['start'], { cwd: dir, env: { PATH: process.env.PATH!, HOME: process.env.HOME! } }, text => text.includes('Server listening'))
  t.match(output, `http://127.0.0.1:${port}`, 'PORT came from .env')
  t.match(output, `SQLite files: AUDIT_STORE ${join(dir, 'data', 'audit.db')}, API_TOKEN_STORE ${join(dir, 'state', 'tokens.db')}`, 'absolute paths, from the working directory')
})

t.test('node src/server.ts ...should say in one line that the port is in use, and exit 1', async t => {
  const blocker = createServer()
  const port = await freePort()
  await new Promise<void>(resolve => blocker.listen(port, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const { output, code } = await watch(process.execPath, ['src/server.ts'], { cwd: repo, env: { PATH: process.env.PATH!, PORT: String(port), LOG_LEVEL: 'warn', AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' } }, () => false)
  t.equal(code, 1)
  t.match(output, `authlete-bff failed to start: 127.0.0.1:${port} is already in use (another server is listening there: stop it, or set PORT or HOST)\n`)
  t.notMatch(output, /\n\s+at /, 'no stack trace')
  t.notMatch(output, /EADDRINUSE/)
})

t.test('node src/server.ts ...should pretty-print its logs on a terminal outside production, and write JSON otherwise', async t => {
  const port = await freePort()
  const env = { PATH: process.env.PATH!, TERM: 'dumb', PORT: String(port), AUDIT_STORE: 'sqlite::memory:', API_TOKEN_STORE: 'memory' }
  // script(1) runs the server on a pseudo-terminal.
  const terminal = await watch('script', ['-qec', `${process.execPath} src/server.ts`, '/dev/null'], { cwd: repo, env }, text => text.includes('Server listening'))
  t.match(terminal.output, /\bINFO\b.*Server listening/, 'pino-pretty lines')
  // script(1) gives the server a session of its own, so stopping script's group leaves it running
  // (its SIGHUP only reloads the users file): stop it by the pid its pretty line shows.
  const pid = Number(/INFO \((\d+)\)/.exec(terminal.output)?.[1])
  t.ok(pid > 0, 'the pretty line names the pid')
  process.kill(pid, 'SIGTERM')
  t.notMatch(terminal.output, /\{"level":/, 'no JSON lines')
  const piped = await watch(process.execPath, ['src/server.ts'], { cwd: repo, env: { ...env, PORT: String(await freePort()) } }, text => text.includes('Server listening'))
  t.match(piped.output, /\{"level":30,.*"msg":"Server listening/, 'JSON when stdout is a pipe')
})
