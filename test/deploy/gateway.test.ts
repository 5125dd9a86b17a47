import t from 'tap'
import { Agent, request, type Dispatcher } from 'undici'
import { startPostgres } from '../helpers/postgres.ts'
import { startRedis } from '../helpers/redis.ts'
import { startServerProcess } from '../helpers/server-process.ts'
import { PASSWORDS, testUsersFile } from '../helpers/users.ts'
import { startGateway } from './nginx-gateway.ts'

// The deployment of deploy/nginx/authlete-bff.conf and compose.yaml, on loopback: Debian's nginx
// terminating TLS (throwaway certificate) in front of two `node src/server.ts` replicas that share
// sessions in Redis and the audit trail in PostgreSQL, and trust only the gateway (127.0.0.1).
// Clients connect from other loopback addresses: 127.0.0.2 through the gateway, 127.0.0.3 straight
// to a replica, so "the real client IP" is an address the gateway is not.
const THROUGH_GATEWAY = '127.0.0.2'
const STRAIGHT_TO_REPLICA = '127.0.0.3'
const FORGED_IP = '203.0.113.66'

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

async function call (dispatcher: Dispatcher, url: string, options: { method?: Dispatcher.HttpMethod, headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
  const response = await request(url, { dispatcher, method: options.method ?? 'GET', headers: options.headers, body: options.body })
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const header = (answer: Answer, name: string): string => String(answer.headers[name] ?? '')
const setCookie = (answer: Answer): string => [answer.headers['set-cookie'] ?? []].flat()[0] ?? ''

t.test('POST /auth/login through the nginx gateway ...should set a Secure __Host- cookie that works on both replicas, audit the real client IP and keep the gateway request id', async t => {
  const redis = await startRedis(t)
  const postgres = await startPostgres(t)
  const env = {
    SESSION_STORE: 'redis',
    REDIS_URL: redis.url,
    AUDIT_STORE: postgres.url,
    TRUST_PROXY: '127.0.0.1',
    SESSION_SECRET: 'one-session-secret-shared-by-both-replicas',
    BFF_USERS_FILE: await testUsersFile(),
    LOG_LEVEL: 'info',
    RATE_LIMIT_READ: '100000/1m',
    RATE_LIMIT_WRITE: '100000/1m'
  }
  // One after the other: the first creates the audit tables in PostgreSQL.
  const replicas = [await startServerProcess(t, env), await startServerProcess(t, env)] as const
  const gateway = await startGateway(t, [replicas[0].url, replicas[1].url])
  const browser = new Agent({ localAddress: THROUGH_GATEWAY, connect: { ca: gateway.ca } })
  const direct = new Agent({ localAddress: STRAIGHT_TO_REPLICA })
  t.teardown(async () => { await browser.close(); await direct.close() })

  const plain = await call(browser, `${gateway.plainUrl}/auth/login`)
  t.equal(plain.status, 308, 'plain HTTP is sent to HTTPS')
  t.match(header(plain, 'location'), /^https:\/\/127\.0\.0\.1\/auth\/login$/)

  const login = await call(browser, `${gateway.url}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  t.equal(login.status, 200, 'login through TLS termination')
  const cookie = setCookie(login)
  t.match(cookie, /^__Host-bff_session=[^;]+;/, 'the __Host- prefixed cookie, as the gateway says X-Forwarded-Proto: https')
  t.match(cookie, /; Secure/i)
  t.match(cookie, /; HttpOnly/i)
  t.match(cookie, /; Path=\//i)
  t.notMatch(cookie, /Domain=/i, '__Host- cookies carry no Domain')
  const session = { cookie: cookie.split(';')[0]!, 'x-csrf-token': (JSON.parse(login.body) as { csrfToken: string }).csrfToken }

  const mark = replicas.map(replica => replica.output().length)
  const reads = await Promise.all(Array.from({ length: 6 }, () => call(browser, `${gateway.url}/api/clients?limit=2`, { headers: session })))
  t.same(reads.map(read => read.status), [200, 200, 200, 200, 200, 200], 'the session is honoured whichever replica answers')
  const served = () => replicas.map((replica, index) => replica.output().slice(mark[index]).split('\n')
    .filter(line => line.includes('"msg":"request completed"') && line.includes('/api/clients?limit=2')).length)
  // A replica's log line can reach us through its stdout pipe a moment after its answer did.
  for (let waited = 0; served().reduce((sum, count) => sum + count) < 6 && waited < 3000; waited += 50) await sleep(50)
  const [first, second] = served()
  t.comment(`round robin: replica 1 served ${first} reads, replica 2 served ${second}`)
  t.ok(first! > 0 && second! > 0, 'both replicas served the one session (sessions shared through Redis)')

  // Through the gateway, with a forged X-Forwarded-For and a request id of the client's choosing.
  const viaGateway = await call(browser, `${gateway.url}/api/clients/portal/lock`, {
    method: 'PUT',
    headers: { ...session, 'content-type': 'application/json', 'x-forwarded-for': FORGED_IP, 'x-request-id': 'chosen-by-the-client' },
    body: '{"locked":true}'
  })
  t.equal(viaGateway.status, 200, 'a mutation through the gateway')
  const gatewayId = header(viaGateway, 'x-request-id')
  t.match(gatewayId, /^[0-9a-f]{32}$/, 'the answer carries nginx\'s $request_id (the client\'s id is replaced at the edge)')
  t.match(await gateway.accessLog(), `rid=${gatewayId}`, 'the same id is in nginx\'s access log')

  // Straight to a replica, bypassing the gateway: the forwarding headers are not believed.
  const directLogin = await call(direct, `${replicas[0].url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': FORGED_IP },
    body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin })
  })
  t.equal(directLogin.status, 200)
  t.match(setCookie(directLogin), /^bff_session=/, 'a forged X-Forwarded-Proto from an untrusted address gives no __Host- cookie')
  t.notMatch(setCookie(directLogin), /; Secure/i)
  const directSession = { cookie: setCookie(directLogin).split(';')[0]!, 'x-csrf-token': (JSON.parse(directLogin.body) as { csrfToken: string }).csrfToken }
  const straight = await call(direct, `${replicas[0].url}/api/clients/portal/lock`, {
    method: 'PUT',
    headers: { ...directSession, 'content-type': 'application/json', 'x-forwarded-for': FORGED_IP, 'x-request-id': 'forged-request-id' },
    body: '{"locked":false}'
  })
  t.equal(straight.status, 200)
  const straightId = header(straight, 'x-request-id')
  t.not(straightId, 'forged-request-id', 'an untrusted x-request-id is replaced')

  // The lock through the gateway and the unlock straight to a replica (client.unlock), sign-ins besides.
  const audit = await call(browser, `${gateway.url}/api/audit?limit=100`, { headers: session })
  t.equal(audit.status, 200)
  const records = (JSON.parse(audit.body) as { records: Array<{ requestId: string, callerRequestId?: string | null, clientIp: string, actor: string }> }).records
  t.match(records.find(record => record.callerRequestId === gatewayId), { clientIp: THROUGH_GATEWAY, actor: 'admin' },
    'through the gateway: the audit record has nginx\'s request id (as callerRequestId) and the client\'s real address, not the forged one')
  t.match(records.find(record => record.requestId === straightId), { clientIp: STRAIGHT_TO_REPLICA },
    'straight to a replica: the forged X-Forwarded-For is ignored, the peer address is recorded')
  t.notOk(records.some(record => record.clientIp === FORGED_IP), 'the forged address is recorded nowhere')
})
