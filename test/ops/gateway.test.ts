import t from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { loadConfig } from '../../src/config.ts'

const GATEWAY = '10.0.0.5'

t.test('GET /healthz ...should keep the x-request-id of a trusted gateway and return it', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '10.0.0.0/24' })
  const response = await app.inject({ url: '/healthz', remoteAddress: GATEWAY, headers: { 'x-request-id': 'gw-7f3a.42' } })
  t.equal(response.headers['x-request-id'], 'gw-7f3a.42')
})

t.test('GET /healthz ...should replace an x-request-id from an untrusted address, or one that is not plain', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '10.0.0.0/24' })
  const direct = await app.inject({ url: '/healthz', remoteAddress: '192.0.2.9', headers: { 'x-request-id': 'forged-id' } })
  t.not(direct.headers['x-request-id'], 'forged-id')
  t.match(direct.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const odd = await app.inject({ url: '/healthz', remoteAddress: GATEWAY, headers: { 'x-request-id': 'has spaces\tand tabs' } })
  t.match(odd.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const { app: untrusting } = await buildTestApp(t)
  const noTrust = await untrusting.inject({ url: '/healthz', remoteAddress: GATEWAY, headers: { 'x-request-id': 'gw-1' } })
  t.not(noTrust.headers['x-request-id'], 'gw-1', 'without TRUST_PROXY no hop is trusted')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should audit the rightmost untrusted X-Forwarded-For address as the client IP', async t => {
  const { app } = await buildTestApp(t, { TRUST_PROXY: '10.0.0.0/24' })
  const editor = await login(app, 'editor')
  const forwarded = { 'x-forwarded-for': '203.0.113.66, 198.51.100.7, 10.0.0.4' }
  await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: true }, remoteAddress: GATEWAY, headers: { ...editor.headers, ...forwarded } })
  await app.inject({ method: 'PUT', url: '/api/clients/portal/lock', payload: { locked: false }, remoteAddress: '192.0.2.9', headers: { ...editor.headers, ...forwarded } })
  const { records } = await app.auditTrail.query({ limit: 2 })
  t.same(records.map(record => record.clientIp), ['192.0.2.9', '198.51.100.7'], 'a forged header sent straight to the replica is ignored; through the gateway, the first untrusted hop counts')
})

t.test('loadConfig ...should refuse TRUST_PROXY values that are not addresses or ranges', async t => {
  for (const value of ['true', '1', '2', '10.0.0.0/33', 'gateway.internal', '10.0.0.1, true']) {
    t.throws(() => loadConfig({ TRUST_PROXY: value }), /TRUST_PROXY/, value)
  }
  t.doesNotThrow(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, ::1, fd00::/8' }))
})

t.test('GET /readyz ...should fail, and new API requests be refused with 503, once the instance is draining', async t => {
  const { app } = await buildTestApp(t)
  const viewer = await login(app, 'viewer')
  app.draining = true
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().code, 'BFF_DRAINING')
  const api = await app.inject({ url: '/api/clients', headers: viewer.headers })
  t.equal(api.statusCode, 503)
  t.equal(api.headers['retry-after'], '1')
  t.equal(api.headers.connection, 'close')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'liveness still answers')
})

t.test('GET /api/clients ...should answer 503 with Retry-After while the event loop is overloaded, and /healthz still 200', async t => {
  const { app } = await buildTestApp(t, { MAX_EVENT_LOOP_DELAY_MS: '50', OVERLOAD_WARMUP_SECONDS: '0' })
  const viewer = await login(app, 'viewer')
  // Block the event loop well past the limit, as a CPU-bound burst would.
  const until = Date.now() + 1200
  while (Date.now() < until) { /* busy */ }
  // under-pressure samples the delay once a second: the block may show up only in the sample after
  // next, so wait for the refusal with a deadline of several samples rather than a fixed count.
  let overloaded
  for (const deadline = Date.now() + 5000; Date.now() < deadline && overloaded === undefined;) {
    await new Promise(resolve => setTimeout(resolve, 25))
    const response = await app.inject({ url: '/api/clients', headers: viewer.headers })
    if (response.statusCode === 503) overloaded = response
  }
  t.ok(overloaded, 'a request was refused while overloaded')
  t.equal(overloaded?.json().code, 'BFF_OVERLOADED')
  t.equal(overloaded?.headers['retry-after'], '10')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
})

t.test('GET /api/clients ...should not answer 503 BFF_OVERLOADED in a replica\'s first seconds, whatever its start-up work stalled', async t => {
  const STALL_MS = 1500
  const { app, config } = await buildTestApp(t, { MAX_EVENT_LOOP_DELAY_MS: '50' }, {
    // Start-up work under CPU contention: the event loop stalls between the overload check's
    // registration and the app being ready, as module loading and schema compilation do.
    extend: () => { for (const until = Date.now() + STALL_MS; Date.now() < until;) { /* busy */ } }
  })
  const ready = Date.now()
  // Asked without a session: 401 when served, 503 when the overload check refuses. Long enough for
  // the start-up stall to reach two of under-pressure's one-second samples.
  const statuses = new Set<number>()
  while (Date.now() - ready < 2500) {
    statuses.add((await app.inject({ url: '/api/clients' })).statusCode)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  t.ok(Date.now() - ready < config.OVERLOAD_WARMUP_SECONDS * 1000, 'every request was sent within the warm-up')
  t.same([...statuses], [401], 'every request was served (401: no session), none refused as overloaded')
})
