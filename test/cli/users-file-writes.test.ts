import { chmod, lstat, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { runCli } from '../helpers/cli.ts'
import { listen } from '../helpers/http.ts'

// The CLI writes the users file through a temporary file of its own (issue 21, item 14): a fixed
// `<file>.tmp` left by someone else kept its mode (the users file became world-writable) or, as a
// link, took the hashes wherever it pointed.

t.setTimeout(300_000)

const PASSWORD = 'correct-horse-battery\n'

t.test('authlete-bff users add ...should write an owner-only users file beside whatever <file>.tmp holds, and the server signs the user in over HTTP', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-users-write-'))
  const file = join(dir, 'users.json')
  const planted = join(dir, 'planted.txt')
  await writeFile(planted, 'not yours\n')
  await writeFile(`${file}.tmp`, '')
  await chmod(`${file}.tmp`, 0o666)
  const added = await runCli(['users', 'add', '--file', file, '--role', 'editor', 'alice'], { input: PASSWORD })
  t.equal(added.code, 0, added.stderr)
  t.equal((await stat(file)).mode & 0o777, 0o600, 'a world-writable <file>.tmp does not lend its mode')
  t.equal(await readFile(`${file}.tmp`, 'utf8'), '', 'nor is it written')

  await writeFile(`${file}.tmp`, '')
  const linked = join(dir, 'linked.json')
  await symlink(planted, `${linked}.tmp`)
  t.equal((await runCli(['users', 'add', '--file', linked, 'bob'], { input: PASSWORD })).code, 0)
  t.equal(await readFile(planted, 'utf8'), 'not yours\n', 'a <file>.tmp link is not followed')
  t.same((await readdir(dir)).filter(name => name.endsWith('.tmp')).sort(), ['linked.json.tmp', 'users.json.tmp'], 'no temporary file of the CLI is left behind')

  const { app } = await buildTestApp(t, { BFF_USERS_FILE: file })
  const http = await listen(app)
  const login = await http.request('/auth/login', { json: { username: 'alice', password: PASSWORD.trim() } })
  t.equal(login.status, 200, 'the file the CLI wrote is the one the server reads')
  t.same(login.json().roles, ['editor'])
})

t.test('authlete-bff users passwd ...should refuse a users file that is a symbolic link, with a clear error, and change nothing', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-users-link-'))
  const real = join(dir, 'real.json')
  t.equal((await runCli(['users', 'add', '--file', real, 'alice'], { input: PASSWORD })).code, 0)
  const before = await readFile(real, 'utf8')
  const link = join(dir, 'users.json')
  await symlink(real, link)
  for (const args of [['passwd', link, 'alice'], ['roles', link, 'alice', 'admin'], ['add', link, 'bob']]) {
    const [command, file, ...rest] = args as [string, string, ...string[]]
    const run = await runCli(['users', command, '--file', file, ...rest], { input: 'another-long-password\n' })
    t.equal(run.code, 1, `users ${command}: the command could not do what was asked`)
    t.equal(run.stderr, `authlete-bff users ${command}: ${link} is a symbolic link: not written through it; give the file it points to\n`)
  }
  t.ok((await lstat(link)).isSymbolicLink(), 'the link is still a link')
  t.equal(await readFile(real, 'utf8'), before, 'and what it points to is unchanged')
})
