import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { loadConfig } from '../../src/config.ts'
import { serverOptions } from '../../src/http/server-options.ts'
import { buildApp } from '../../src/app.ts'
import { hashPassword } from '../../src/auth/passwords.ts'
import { NO_OVERLOAD_GUARD } from '../helpers/server-process.ts'

const GOOD_HASH = await hashPassword('a-good-password')

async function usersFile (content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-users-file-'))
  const path = join(dir, 'users.json')
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

/** Starts the app as the server does (not sandbox: no emulator left listening when start-up fails). */
async function start (t: Test, path: string): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BFF_USERS_FILE: path,
    AUTHLETE_BASE_URL: 'http://127.0.0.1:9',
    AUTHLETE_SERVICE_ID: '123',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'tok-users-file',
    ...NO_OVERLOAD_GUARD
  })
  const app = Fastify(serverOptions(config))
  t.teardown(() => app.close())
  await app.register(buildApp(config, { announce: () => {} }))
  await app.ready()
  return app
}

const user = (username: string, roles: unknown = ['viewer'], passwordHash: unknown = GOOD_HASH) => ({ username, passwordHash, roles })

const BROKEN_FILES: Array<[string, unknown, RegExp?]> = [
  ['a bcrypt hash', [user('alice', ['viewer'], '$2b$10$abcdefghijklmnopqrstuuJ3sQ0cUq6rLd0U0s3yOqvF3WcM0Qe2')]],
  ['a truncated argon2id hash', [user('alice', ['viewer'], '$argon2id$garbage')]],
  ['a hash that is not a string', [user('alice', ['viewer'], 42)]],
  ['an unknown role', [user('alice', ['superuser'])], /roles/],
  ['no role', [user('alice', [])]],
  ['a user named twice', [user('alice'), user('bob'), user('alice', ['admin'])], /twice/],
  ['an unknown property', [{ ...user('alice'), isAdmin: true }]],
  ['a username with spaces', [user('alice smith')]],
  ['an object instead of a list', { alice: user('alice') }],
  ['invalid JSON', '[{"username": "alice",'],
  ['an empty file', '']
]

for (const [name, content, detail] of BROKEN_FILES) {
  t.test(`POST /auth/login ...should not start with a users file holding ${name}, naming BFF_USERS_FILE`, async t => {
    const path = await usersFile(content)
    const error = await start(t, path).then(() => undefined, (caught: unknown) => caught as Error)
    t.ok(error instanceof Error, 'start-up failed')
    t.match(error?.message, /BFF_USERS_FILE/)
    t.match(error?.message, path, 'names the file')
    if (detail !== undefined) t.match(error?.message, detail)
    t.notOk(error?.message.includes(GOOD_HASH), 'does not print a hash')
  })
}

t.test('POST /auth/login ...should not start when BFF_USERS_FILE names a missing file', async t => {
  const path = join(tmpdir(), 'no-such-dir-bff', 'users.json')
  await t.rejects(start(t, path), /BFF_USERS_FILE: cannot read/)
})

t.test('POST /auth/login ...should start with a valid users file and sign its users in', async t => {
  const path = await usersFile([user('alice', ['editor'])])
  const app = await start(t, path)
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 'a-good-password' } })
  t.equal(response.statusCode, 200)
  t.same(response.json().roles, ['editor'])
})

t.test('POST /auth/login ...should stop the real server with exit code 1 and a message naming BFF_USERS_FILE', async t => {
  const path = await usersFile([user('alice', ['root'])])
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent', BFF_USERS_FILE: path },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr, /BFF_USERS_FILE/)
  t.notMatch(stderr, /listening/i)
})
