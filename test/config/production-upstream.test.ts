import t from 'tap'
import { loadConfig } from '../../src/config.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'
import { testUsersFile } from '../helpers/users.ts'

const PLAIN_HTTP = /AUTHLETE_BASE_URL: (\S+) is plain http; in production only https \(or a loopback address\) is accepted/

async function productionEnv (baseUrl: string): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    AUTHLETE_BASE_URL: baseUrl,
    AUTHLETE_SERVICE_ID: '1234',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'service-token',
    SESSION_SECRET: 's'.repeat(32),
    METRICS_TOKEN: 'm'.repeat(32),
    BFF_USERS_FILE: await testUsersFile(),
    AUDIT_STORE: 'sqlite::memory:',
    API_TOKEN_STORE: 'memory'
  }
}

t.test('node src/server.ts ...should refuse to start in production with AUTHLETE_BASE_URL=http:// on another host, and serve over http to loopback', async t => {
  await t.rejects(startServerProcess(t, await productionEnv('http://authlete.example.com')), PLAIN_HTTP, 'exits, naming the variable')
  const upstream = await startFaultUpstream(t)
  t.match(upstream.url, /^http:\/\/127\./)
  const server = await startServerProcess(t, await productionEnv(upstream.url))
  t.equal((await fetch(`${server.url}/healthz`)).status, 200, 'a sidecar on loopback is accepted')
})

t.test('loadConfig ...should accept https anywhere and http on loopback only in production, and http anywhere outside it', async t => {
  const env = await productionEnv('')
  for (const url of ['http://authlete.example.com', 'http://10.0.0.5:8080', 'http://[fd00::1]/', 'http://127.example.com', 'http://localhost.example.com']) {
    t.throws(() => loadConfig({ ...env, AUTHLETE_BASE_URL: url }), PLAIN_HTTP, url)
  }
  for (const url of ['https://us.authlete.com', 'http://127.0.0.1:4010', 'http://127.1.2.3', 'http://localhost:4010', 'http://[::1]:4010/api']) {
    t.doesNotThrow(() => loadConfig({ ...env, AUTHLETE_BASE_URL: url }), url)
  }
  t.doesNotThrow(() => loadConfig({ ...env, NODE_ENV: 'development', AUTHLETE_BASE_URL: 'http://authlete.example.com' }), 'outside production')
})
