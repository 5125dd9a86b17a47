import argon2 from 'argon2'
import { mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { hashIsCurrent, hashPassword, verifyPassword } from '../../src/auth/passwords.ts'
import { readUsersFile } from '../../src/auth/users.ts'
import { buildTestApp } from '../helpers/app.ts'
import { listen } from '../helpers/http.ts'

// A hash made with other argon2 parameters takes another time to check, so login timing told its user
// apart (issue 21, item 13): it is re-hashed at the next successful login, and the server warns at load.

const OLD = 'old-parameters-password'
const CURRENT = 'current-parameters-password'
const QUIET = { MAX_EVENT_LOOP_DELAY_MS: '0' }

async function usersWithAnOldHash (): Promise<{ dir: string, path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-rehash-'))
  const path = join(dir, 'users.json')
  const oldHash = await argon2.hash(OLD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 3, parallelism: 1 })
  await writeFile(path, JSON.stringify([
    { username: 'carol', passwordHash: oldHash, roles: ['editor'], teams: ['acme'] },
    { username: 'dave', passwordHash: await hashPassword(CURRENT), roles: ['viewer'] }
  ]), { mode: 0o640 })
  return { dir, path }
}

const warnings = (logs: string[]) => logs.map(line => JSON.parse(line)).filter(line => /other argon2 parameters/.test(line.msg))

t.test('POST /auth/login ...should re-hash a password with other argon2 parameters at its next successful login, in the users file, and warn of it at load', async t => {
  const { path } = await usersWithAnOldHash()
  const { app, logs } = await buildTestApp(t, { BFF_USERS_FILE: path, ...QUIET })
  const [warning] = warnings(logs)
  t.match(warning, { level: 40, users: ['carol'], count: 1, msg: /1 password hash\(es\) use other argon2 parameters than m=19456,t=2,p=1/ }, 'the load names the user, not the hash')
  t.notMatch(JSON.stringify(warning), /argon2id\$/)
  const http = await listen(app)

  t.equal((await http.request('/auth/login', { json: { username: 'carol', password: 'wrong-password' } })).status, 401)
  t.notOk(hashIsCurrent((await readUsersFile(path))[0]!.passwordHash), 'a wrong password re-hashes nothing')
  const login = await http.request('/auth/login', { json: { username: 'carol', password: OLD } })
  t.equal(login.status, 200)
  const [carol, dave] = await readUsersFile(path)
  t.ok(hashIsCurrent(carol!.passwordHash), 'the file now holds a hash of the current parameters')
  t.same(/^\$argon2id\$v=19\$([^$]+)\$/.exec(carol!.passwordHash)?.[1]?.split(',').sort(), ['m=19456', 'p=1', 't=2'])
  t.ok(await verifyPassword(carol!.passwordHash, OLD), 'of the same password')
  t.match(carol, { username: 'carol', roles: ['editor'], teams: ['acme'] }, 'the rest of the user as it was')
  t.ok(await verifyPassword(dave!.passwordHash, CURRENT), 'other users untouched')
  t.equal((await stat(path)).mode & 0o777, 0o600, 'written owner-only')
  t.equal((await http.request('/auth/login', { json: { username: 'carol', password: OLD } })).status, 200, 'and the next login uses it')
  t.ok(logs.some(line => /password re-hashed with m=19456,t=2,p=1 and written to the users file/.test(line)))
  t.notOk(logs.some(line => line.includes(carol!.passwordHash) || line.includes(OLD)), 'no hash or password in the logs')
})

t.test('POST /auth/login ...should still sign the user in when the users file cannot be written (a symbolic link), and log why', async t => {
  const { dir, path } = await usersWithAnOldHash()
  const link = join(dir, 'users-link.json')
  await symlink(path, link)
  const before = await readFile(path, 'utf8')
  const { app, logs } = await buildTestApp(t, { BFF_USERS_FILE: link, ...QUIET })
  const http = await listen(app)
  t.equal((await http.request('/auth/login', { json: { username: 'carol', password: OLD } })).status, 200)
  t.equal(await readFile(path, 'utf8'), before, 'nothing written through the link')
  t.ok(logs.some(line => /re-hashed for this process only: the users file could not be written/.test(line) && /symbolic link/.test(line)))
  t.equal((await http.request('/auth/login', { json: { username: 'carol', password: OLD } })).status, 200)
})
