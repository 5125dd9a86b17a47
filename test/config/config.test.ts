import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, isSandbox, loadConfig } from '../../src/config.ts'

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('loadConfig ...should default to sandbox mode on port 3000 of 127.0.0.1 with API 3.0', async t => {
  const config = loadConfig({})
  t.match(config, { PORT: 3000, HOST: '127.0.0.1', AUTHLETE_API_VERSION: 'v3', AUTHLETE_TIMEOUT_MS: 10000 })
  t.ok(isSandbox(config))
  t.ok(config.SESSION_SECRET!.length >= 32, 'a random session secret outside production')
})

t.test('loadConfig ...should name every bad variable', async t => {
  const problems = problemsOf({ PORT: 'eighty', AUTHLETE_API_VERSION: 'v4', SESSION_SECRET: 'too-short', AUTHLETE_TIMEOUT_MS: '0', TRUST_PROXY: 'true' })
  t.match(problems.join('\n'), /PORT/)
  t.match(problems.join('\n'), /AUTHLETE_API_VERSION: must be one of v3, v2/)
  t.match(problems.join('\n'), /SESSION_SECRET/)
  t.match(problems.join('\n'), /AUTHLETE_TIMEOUT_MS/)
  t.match(problems.join('\n'), /TRUST_PROXY/)
  t.notMatch(problems.join('\n'), /too-short/, 'a secret value is never echoed')
})

t.test('loadConfig ...should refuse production without upstream, users, session secret and a guard on /metrics', async t => {
  const problems = problemsOf({ NODE_ENV: 'production' })
  t.same(problems.map(problem => problem.split(':')[0]).sort(), ['AUTHLETE_BASE_URL', 'BFF_USERS_FILE', 'METRICS_TOKEN', 'SESSION_SECRET'])
})

t.test('loadConfig ...should require the credentials of the chosen API generation', async t => {
  const base = { AUTHLETE_BASE_URL: 'https://us.authlete.com' }
  t.same(problemsOf(base).map(problem => problem.split(':')[0]), ['AUTHLETE_SERVICE_ID', 'AUTHLETE_SERVICE_ACCESS_TOKEN'])
  t.same(problemsOf({ ...base, AUTHLETE_API_VERSION: 'v2' }).map(problem => problem.split(':')[0]), ['AUTHLETE_SERVICE_API_KEY', 'AUTHLETE_SERVICE_API_SECRET'])
  t.notOk(isSandbox(loadConfig({ ...base, AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 'x' })))
})

t.test('loadConfig ...should read secrets from NAME_FILE, and refuse both forms at once', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-config-'))
  await writeFile(join(dir, 'token'), 'token-from-file\n')
  await writeFile(join(dir, 'session'), 's'.repeat(40))
  const config = loadConfig({
    AUTHLETE_BASE_URL: 'https://us.authlete.com',
    AUTHLETE_SERVICE_ID: '42',
    AUTHLETE_SERVICE_ACCESS_TOKEN_FILE: join(dir, 'token'),
    SESSION_SECRET_FILE: join(dir, 'session')
  })
  t.equal(config.AUTHLETE_SERVICE_ACCESS_TOKEN, 'token-from-file', 'the trailing newline is dropped')
  t.equal(config.SESSION_SECRET, 's'.repeat(40))
  t.match(problemsOf({ SESSION_SECRET: 'x'.repeat(40), SESSION_SECRET_FILE: join(dir, 'session') }).join(), /SESSION_SECRET_FILE: set either/)
  t.match(problemsOf({ SESSION_SECRET_FILE: join(dir, 'missing') }).join(), /SESSION_SECRET_FILE: cannot read/)
})

t.test('node src/server.ts ...should stop with exit code 2 and the variable named when the configuration is bad', async t => {
  const { execFile } = await import('node:child_process')
  const result = await new Promise<{ code: number | null, stderr: string }>(resolve => {
    execFile(process.execPath, ['src/server.ts'], { cwd: new URL('../..', import.meta.url), env: { PATH: process.env.PATH, NODE_ENV: 'production' } }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error as { code?: number }).code ?? null, stderr })
    })
  })
  t.equal(result.code, 2)
  t.match(result.stderr, /AUTHLETE_BASE_URL: required when NODE_ENV=production/)
})

t.test('loadConfig ...should default SHUTDOWN_DELAY to 5 s in production and outside it, and refuse one not shorter than SHUTDOWN_TIMEOUT', async t => {
  t.equal(loadConfig({}).SHUTDOWN_DELAY, 5)
  const production = { NODE_ENV: 'production', AUTHLETE_BASE_URL: 'https://us.authlete.com', AUTHLETE_SERVICE_ID: '1', AUTHLETE_SERVICE_ACCESS_TOKEN: 't', SESSION_SECRET: 'a'.repeat(32), GATEWAY_JWT_HEADER: 'x-jwt', GATEWAY_PUBLIC_KEY: 'k', GATEWAY_ISSUER: 'i', GATEWAY_AUDIENCE: 'a', METRICS_PORT: '9100' }
  t.equal(loadConfig(production).SHUTDOWN_DELAY, 5)
  t.equal(loadConfig({ SHUTDOWN_DELAY: '2' }).SHUTDOWN_DELAY, 2)
  t.match(problemsOf({ SHUTDOWN_DELAY: '30', SHUTDOWN_TIMEOUT: '25' }).join('\n'), /SHUTDOWN_DELAY: must be shorter than SHUTDOWN_TIMEOUT/)
  t.equal(loadConfig({}).AUDIT_WRITE_TIMEOUT_MS, 2000)
})

t.test('loadConfig ...should read every variable the docs list as accepting NAME_FILE from its file', async t => {
  const { readFile } = await import('node:fs/promises')
  const { FILE_VARIABLES } = await import('../../src/config.ts')
  const deploying = await readFile(new URL('../../docs/deploying.md', import.meta.url), 'utf8')
  const paragraph = deploying.split('**Secrets via `_FILE`.**')[1]!.split('\n\n')[0]!
  const listed = [...paragraph.split('each accept')[0]!.matchAll(/`([A-Z_]+)`/g)].map(match => match[1]!)
  t.same([...listed].sort(), [...FILE_VARIABLES].sort(), 'docs/deploying.md names exactly the variables that accept _FILE')
  const configuration = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8')
  const intro = configuration.split('| variable |')[0]!
  for (const name of FILE_VARIABLES) t.match(intro, `\`${name}\``, `docs/configuration.md names ${name}`)

  const dir = await mkdtemp(join(tmpdir(), 'bff-config-files-'))
  const values: Record<string, string> = {
    AUTHLETE_SERVICE_ID: '715948317',
    AUDIT_STORE: 'sqlite:/var/lib/bff/audit.db',
    REDIS_URL: 'redis://:pw@redis.internal:6379',
    SESSION_SECRET: 's'.repeat(40),
    METRICS_TOKEN: 'm'.repeat(20)
  }
  for (const name of FILE_VARIABLES) {
    const value = values[name] ?? `value-of-${name.toLowerCase()}`
    await writeFile(join(dir, name), `${value}\n`)
    const config = loadConfig({ [`${name}_FILE`]: join(dir, name) }) as unknown as Record<string, unknown>
    t.equal(config[name], value, `${name}_FILE`)
  }
})
