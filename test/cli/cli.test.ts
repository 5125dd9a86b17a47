import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { verifyPassword } from '../../src/auth/passwords.ts'
import { readUsersFile } from '../../src/auth/users.ts'
import { openSqliteAuditStore } from '../../src/audit/stores/sqlite-audit-store.ts'
import { repo, runCli as cli } from '../helpers/cli.ts'

// Each command is a Node process of its own, a second or more on a loaded machine.
t.setTimeout(300_000)

const tempDir = () => mkdtemp(join(tmpdir(), 'bff-cli-'))

t.test('authlete-bff --help ...should print help at every level and exit 0', async t => {
  const levels = [[], ['serve'], ['users'], ['users', 'add'], ['users', 'remove'], ['users', 'passwd'], ['users', 'roles'], ['users', 'teams'], ['users', 'list'], ['audit'], ['audit', 'verify'], ['audit', 'export'], ['openapi'], ['emulator']]
  const results = await Promise.all(levels.map(level => cli([...level, '--help'])))
  for (const [index, level] of levels.entries()) {
    const result = results[index]!
    t.equal(result.code, 0, `${level.join(' ')} --help`)
    t.match(result.stdout, /^Usage: authlete-bff/, `${level.join(' ')} --help prints its usage`)
  }
  t.match((await cli(['--help'])).stdout, /Exit codes: 0 ok; 1 .*; 2 a usage or\s+configuration error/)
  t.match((await cli(['users', 'teams', '--help'])).stdout, /ACCESS_MODEL=teams/, 'teams says when teams restrict anything')
  const badApi = await cli(['emulator', '--api', 'v4'])
  t.equal(badApi.code, 2, 'emulator --api v4: a usage error')
  t.match(badApi.stderr, /--api must be v3 or v2, not v4/)
})

t.test('authlete-bff ...should answer a usage mistake with one line, a pointer to --help and exit 2', async t => {
  const mistakes = [[], ['users'], ['bogus'], ['users', 'bogus'], ['users', 'add', '--bogus', 'x'], ['users', 'add'], ['users', 'add', 'bad name!'], ['users', 'add', '--role', 'root', 'alice'], ['openapi', 'extra']]
  const results = await Promise.all(mistakes.map(args => cli(args)))
  for (const [index, args] of mistakes.entries()) {
    const result = results[index]!
    t.equal(result.code, 2, args.join(' '))
    t.notMatch(result.stderr, /\n\s+at /, `${args.join(' ')}: no stack trace`)
    if (args.length > 1) t.match(result.stderr, /^authlete-bff [^\n]+\nRun 'authlete-bff [a-z ]+--help' for usage\.\n$/, `${args.join(' ')}: ${result.stderr}`)
  }
})

t.test('authlete-bff users ...should add, list, set roles, teams and passwords, and remove users in a file the server reads', async t => {
  const file = join(await tempDir(), 'users.json')
  const added = await cli(['users', 'add', '--file', file, '--role', 'editor', 'alice'], { input: 'correct-horse-battery\n' })
  t.equal(added.code, 0, added.stderr)
  t.equal((await stat(file)).mode & 0o777, 0o600, 'the file is the owner\'s only')
  t.equal((await cli(['users', 'add', '--file', file, 'alice'], { input: 'correct-horse-battery\n' })).code, 1, 'adding a user twice fails')
  t.equal((await cli(['users', 'add', '--file', file, 'bob'], { input: 'short\n' })).code, 2, 'a short password is a usage error')
  t.equal((await cli(['users', 'roles', '--file', file, 'alice', 'admin'])).code, 0)
  t.equal((await cli(['users', 'teams', '--file', file, 'alice', 'payments', 'web'])).code, 0)

  const list = await cli(['users', 'list', '--file', file])
  t.equal(list.stdout, 'alice\tadmin\tpayments,web\n')
  t.same(JSON.parse((await cli(['users', 'list', '--file', file, '--json'])).stdout), [{ username: 'alice', roles: ['admin'], teams: ['payments', 'web'] }])
  t.notMatch(list.stdout + (await readFile(file, 'utf8')).replace(/"passwordHash": "[^"]+"/, ''), /argon2/, 'list shows no hash')

  const [before] = await readUsersFile(file)
  t.ok(await verifyPassword(before!.passwordHash, 'correct-horse-battery'))
  t.equal((await cli(['users', 'passwd', '--file', file, 'alice'], { input: 'another-long-password\n' })).code, 0)
  const [after] = await readUsersFile(file)
  t.ok(await verifyPassword(after!.passwordHash, 'another-long-password'), 'the new password works')
  t.match(after, { username: 'alice', roles: ['admin'], teams: ['payments', 'web'] }, 'the file still loads as the server loads it')

  t.equal((await cli(['users', 'remove', '--file', file, 'carol'])).code, 1, 'an unknown user is a failure')
  t.equal((await cli(['users', 'remove', '--file', file, 'alice'])).code, 0)
  t.same(await readUsersFile(file), [])
  const missing = await cli(['users', 'list', '--file', join(tmpdir(), 'no-such-users.json')])
  t.equal(missing.code, 2)
  t.match(missing.stderr, /no users file at/)
})

interface Terminal {
  /** Sends bytes as keys typed on the terminal, each chunk a write of its own. */
  type: (...chunks: Array<string | Buffer>) => void
  /** Waits until the terminal shows `text` after position `from`; answers the position after it. */
  waitFor: (text: string, from: number) => Promise<number>
  /** Everything the terminal showed. */
  shown: () => string
  exit: Promise<number | null>
}

/** `node src/cli.ts ...args` on a real pseudo-terminal: script(1) gives it one; what it prints is what the terminal showed. */
function onTerminal (args: string[]): Terminal {
  const child = spawn('script', ['-qec', [process.execPath, 'src/cli.ts', ...args].join(' '), '/dev/null'], { cwd: repo, env: { PATH: process.env.PATH, TERM: 'dumb' } })
  let shown = ''
  child.stdout.on('data', chunk => { shown += String(chunk) })
  return {
    type: (...chunks) => { for (const chunk of chunks) child.stdin.write(chunk) },
    waitFor: async (text, from) => {
      for (let waited = 0; shown.indexOf(text, from) === -1; waited += 50) {
        if (waited > 20_000) throw new Error(`no '${text}' in ${JSON.stringify(shown)}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      return shown.indexOf(text, from) + text.length
    },
    shown: () => shown,
    exit: new Promise(resolve => child.on('close', resolve))
  }
}

/** `users add` on a terminal: the password typed as `keys`, twice; answers the user written. */
async function addOnTerminal (t: Test, keys: Array<string | Buffer>) {
  const file = join(await tempDir(), 'users.json')
  const terminal = onTerminal(['users', 'add', '--file', file, 'alice'])
  const asked = await terminal.waitFor('password for alice: ', 0)
  terminal.type(...keys, '\r')
  await terminal.waitFor('again: ', asked)
  terminal.type(...keys, '\r')
  t.equal(await terminal.exit, 0, terminal.shown())
  t.match(terminal.shown(), /added alice \(viewer\)/)
  const [alice] = await readUsersFile(file)
  return { alice: alice!, shown: terminal.shown() }
}

t.test('authlete-bff users add ...should read the password on a terminal without echoing it', async t => {
  const password = 'typed-on-a-terminal-77'
  const { alice, shown } = await addOnTerminal(t, [password])
  t.notMatch(shown, password, 'the password is never shown')
  t.ok(await verifyPassword(alice.passwordHash, password), 'the users file verifies against it')
})

t.test('authlete-bff users add ...should keep every character typed on a terminal, spaces and non-ASCII included, one key at a time', async t => {
  const password = ' Grüße, 日本の パスワード 😀 end '
  // Key by key, as a person types; the multi-byte ü also arrives in two writes, split mid-character.
  const keys: Array<string | Buffer> = [...password].flatMap((key): Array<string | Buffer> => key === 'ü' ? [Buffer.from(key).subarray(0, 1), Buffer.from(key).subarray(1)] : [key])
  const { alice, shown } = await addOnTerminal(t, keys)
  t.ok(await verifyPassword(alice.passwordHash, password), 'the users file verifies against exactly what was typed')
  t.notOk(await verifyPassword(alice.passwordHash, password.trim()), 'not against it trimmed')
  t.notOk(await verifyPassword(alice.passwordHash, password.normalize('NFD')), 'nor against another normalisation of it')
  t.notMatch(shown, /Grüße|日本|😀/, 'nothing of it is shown')
})

t.test('authlete-bff users add ...should erase one whole character per Backspace on a terminal, whatever its size', async t => {
  const { alice } = await addOnTerminal(t, ['pass word 😀', '\u007f', '日', '\u007f', 'é', '\b', ' ok'])
  t.ok(await verifyPassword(alice.passwordHash, 'pass word  ok'), 'each Backspace erased the character before it, an emoji, a CJK or an accented letter')
})

t.test('authlete-bff audit verify ...should refuse a store that does not exist with exit 2 and create nothing', async t => {
  const file = join(await tempDir(), 'audit.db')
  const result = await cli(['audit', 'verify'], { env: { AUDIT_STORE: `sqlite:${file}` } })
  t.equal(result.code, 2)
  t.match(result.stderr, `no audit trail at ${file}`)
  t.notOk(existsSync(file), 'no empty trail was created')
  t.equal((await cli(['audit', 'verify'], { env: { AUDIT_STORE: 'nonsense' } })).code, 2, 'a bad AUDIT_STORE is a configuration error')
})

t.test('authlete-bff audit export ...should write every entry as NDJSON, in seq order, that verifies', async t => {
  const dir = await tempDir()
  const store = openSqliteAuditStore(join(dir, 'audit.db'))
  const time = new Date().toISOString()
  await store.append({ kind: 'intent', requestId: 'r1', time, data: { actor: 'alice', roles: ['admin'], action: 'client.delete', route: 'DELETE /api/clients/:clientId', clientId: '42', subject: null, clientIp: '127.0.0.1', userAgent: null, changedProperties: null } })
  await store.append({ kind: 'outcome', requestId: 'r1', time, data: { status: 204, outcome: 'success', resultCode: null, durationMs: 3 } })
  await store.close()
  const result = await cli(['audit', 'export', '--store', `sqlite:${join(dir, 'audit.db')}`])
  t.equal(result.code, 0, result.stderr)
  const lines = result.stdout.trimEnd().split('\n').map(line => JSON.parse(line) as { seq: number, kind: string, hash: string })
  t.same(lines.map(line => [line.seq, line.kind]), [[1, 'intent'], [2, 'outcome']])
  t.match(lines[0], { requestId: 'r1', data: { clientId: '42' }, prevHash: /^[0-9a-f]{64}$/, hash: /^[0-9a-f]{64}$/ })

  const out = join(dir, 'export.ndjson')
  t.equal((await cli(['audit', 'export', '--store', `sqlite:${join(dir, 'audit.db')}`, '--out', out])).code, 0)
  t.equal(await readFile(out, 'utf8'), result.stdout, '--out writes the same lines')
  t.equal((await cli(['audit', 'export', '--store', `sqlite:${join(dir, 'missing.db')}`])).code, 2)
})

t.test('authlete-bff audit export --out ...should create missing folders and name them, and refuse an unwritable file in one line with exit 1', async t => {
  const dir = await tempDir()
  const store = openSqliteAuditStore(join(dir, 'audit.db'))
  await store.append({ kind: 'outcome', requestId: 'r1', time: new Date().toISOString(), data: { status: 204, outcome: 'success', resultCode: null, durationMs: 3 } })
  await store.close()
  const spec = `sqlite:${join(dir, 'audit.db')}`
  const out = join(dir, 'archive', '2026', 'export.ndjson')
  const made = await cli(['audit', 'export', '--store', spec, '--out', out])
  t.equal(made.code, 0, made.stderr)
  t.equal(made.stderr, `exported 1 entries to ${out} (created the folder ${join(dir, 'archive')})\n`)
  t.match(await readFile(out, 'utf8'), /^\{"seq":1,"kind":"outcome"/)
  t.equal((await stat(join(dir, 'archive', '2026'))).mode & 0o777, 0o700, 'the folders are the owner\'s only')
  t.equal((await stat(out)).mode & 0o777, 0o600)

  // A folder where the file's folder should be: not creatable, whoever runs the test (root too).
  const blocked = join(dir, 'audit.db', 'sub', 'export.ndjson')
  const refused = await cli(['audit', 'export', '--store', spec, '--out', blocked])
  t.equal(refused.code, 1)
  t.match(refused.stderr, /^authlete-bff audit export: cannot write the export to \/.+\/audit\.db\/sub\/export\.ndjson: not a directory\n$/, 'one line naming the file and why')
})

t.test('authlete-bff openapi ...should write the document the routes produce', async t => {
  const out = join(await tempDir(), 'openapi.json')
  const result = await cli(['openapi', '--out', out])
  t.equal(result.code, 0, result.stderr)
  t.equal(await readFile(out, 'utf8'), await readFile(join(repo, 'openapi', 'openapi.json'), 'utf8'))
})
