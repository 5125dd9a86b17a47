import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import t from 'tap'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { loadConfig } from '../../src/config.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

const TOKEN = 'tok-errors-transport-9a3e71'

function env (baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { AUTHLETE_BASE_URL: baseUrl, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN, AUTHLETE_TIMEOUT_MS: '300', AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '1000', ...extra }
}

async function setup (t: Test, extra: Record<string, string> = {}) {
  const fault = await startFaultUpstream(t)
  const built = await buildTestApp(t, env(fault.url, extra))
  return { ...built, fault, user: await login(built.app, 'viewer') }
}

/** A port nothing listens on: bound, then released. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** A 5xx problem: the generic shape, and nothing of undici, sockets, the upstream address or a stack. */
function assertOpaqueProblem (t: Test, response: LightMyRequestResponse, status: number, code: string, upstreamUrl: string): void {
  t.equal(response.statusCode, status)
  t.match(response.headers['content-type'], /^application\/problem\+json/)
  const body = response.json()
  t.match(body, { type: String, title: String, status, detail: String, code, requestId: response.headers['x-request-id'] })
  const port = new URL(upstreamUrl).port
  for (const leak of [upstreamUrl, `:${port}`, port, '127.0.0.1', 'undici', 'UND_ERR', 'ECONN', 'socket', 'stack', '    at ', 'Error:']) {
    t.notOk(response.body.includes(leak), `no '${leak}' in the answer`)
  }
}

t.test('GET /api/clients ...should answer 504 when the upstream never answers, within about AUTHLETE_TIMEOUT_MS', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer(() => { /* hangs: no status line, ever */ })
  const started = performance.now()
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  const elapsed = performance.now() - started
  assertOpaqueProblem(t, response, 504, 'BFF_UPSTREAM_TIMEOUT', fault.url)
  t.ok(elapsed >= 250 && elapsed < 3000, `answered after ${elapsed.toFixed(0)} ms`)
})

t.test('GET /api/clients ...should answer 504 when the upstream stops in the middle of its body', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    response.write('{"clients": [')
  })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  assertOpaqueProblem(t, response, 504, 'BFF_UPSTREAM_TIMEOUT', fault.url)
})

t.test('GET /api/clients ...should answer 503 when the upstream refuses the connection', async t => {
  const url = `http://127.0.0.1:${await closedPort()}`
  const { app } = await buildTestApp(t, env(url))
  const user = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  assertOpaqueProblem(t, response, 503, 'BFF_UPSTREAM_UNAVAILABLE', url)
})

t.test('GET /api/clients ...should answer 502 when the upstream resets the connection', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer(request => { request.socket.destroy() })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  assertOpaqueProblem(t, response, 502, 'BFF_UPSTREAM_FAILED', fault.url)
})

t.test('POST /api/clients ...should answer 502 to a reset on a mutation and not send it twice, with retries on', async t => {
  const { app, fault } = await setup(t, { AUTHLETE_RETRIES: '2' })
  const editor = await login(app, 'editor')
  fault.answer(request => { request.socket.destroy() })
  const read = await app.inject({ url: '/api/clients', headers: editor.headers })
  t.equal(read.statusCode, 502)
  t.equal(fault.requests.length, 3, 'retries are on: the same reset on a read is sent again twice')
  const response = await app.inject({ method: 'POST', url: '/api/clients', headers: editor.headers, payload: { clientName: 'once' } })
  assertOpaqueProblem(t, response, 502, 'BFF_UPSTREAM_FAILED', fault.url)
  t.equal(fault.requests.filter(request => request.method === 'POST').length, 1, 'the creation reached the upstream once')
})

t.test('GET /api/clients ...should answer 502 to a body cut short by a closed connection', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
    response.write('{"clients": [{"clientId": 1', () => response.socket?.destroy())
  })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  assertOpaqueProblem(t, response, 502, 'BFF_UPSTREAM_FAILED', fault.url)
})

t.test('GET /api/clients ...should answer 502 to an answer bigger than AUTHLETE_MAX_RESPONSE_BYTES, declared or streamed', async t => {
  const { app, fault, user } = await setup(t, { AUTHLETE_MAX_RESPONSE_BYTES: '1024' })
  const big = JSON.stringify({ clients: [], totalCount: 0, padding: 'x'.repeat(4000) })
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) })
    response.end(big)
  })
  assertOpaqueProblem(t, await app.inject({ url: '/api/clients', headers: user.headers }), 502, 'BFF_UPSTREAM_TOO_LARGE', fault.url)
  // Chunked: no length to check up front, the cap applies while reading.
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    for (let i = 0; i < 8; i++) response.write(big.slice(i * 500, (i + 1) * 500))
    response.end(big.slice(4000))
  })
  assertOpaqueProblem(t, await app.inject({ url: '/api/clients', headers: user.headers }), 502, 'BFF_UPSTREAM_TOO_LARGE', fault.url)
})

t.test('GET /api/clients ...should pass an answer just under AUTHLETE_MAX_RESPONSE_BYTES', async t => {
  const { app, fault, user } = await setup(t, { AUTHLETE_MAX_RESPONSE_BYTES: '1024' })
  const body = JSON.stringify({ start: 0, end: 20, totalCount: 0, clients: [], padding: 'x'.repeat(900) })
  t.ok(Buffer.byteLength(body) < 1024)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(body)
  })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  t.equal(response.statusCode, 200)
  t.same(response.json().clients, [])
})

t.test('GET /api/clients ...should refuse to start with AUTHLETE_MAX_RESPONSE_BYTES under 1024', async t => {
  t.throws(() => loadConfig({ AUTHLETE_MAX_RESPONSE_BYTES: '1023' }), /AUTHLETE_MAX_RESPONSE_BYTES/)
  t.equal(loadConfig({ AUTHLETE_MAX_RESPONSE_BYTES: '1024' }).AUTHLETE_MAX_RESPONSE_BYTES, 1024)
})

t.test('GET /api/clients ...should recover once the upstream answers again after a fault', async t => {
  const { app, fault, user } = await setup(t)
  fault.answer(request => { request.socket.destroy() })
  t.equal((await app.inject({ url: '/api/clients', headers: user.headers })).statusCode, 502)
  fault.answer(() => {})
  t.equal((await app.inject({ url: '/api/clients', headers: user.headers })).statusCode, 504)
  fault.answer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ start: 0, end: 20, totalCount: 1, clients: [{ clientId: 7, clientName: 'back' }] }))
  })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  t.equal(response.statusCode, 200)
  t.equal(response.json().clients[0].clientName, 'back')
})

t.test('GET /api/clients ...should log transport failures at level error with the request id', async t => {
  const { app, fault, user, logs } = await setup(t)
  fault.answer(request => { request.socket.destroy() })
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  const requestId = response.json().requestId
  const lines = logs.map(line => JSON.parse(line) as { level: number, reqId?: string, err?: { code?: string } })
  t.ok(lines.some(line => line.level === 50 && line.reqId === requestId && line.err?.code === 'BFF_UPSTREAM_FAILED'))
})

t.test('GET /api/clients/:clientId ...should wait for a slow upstream that answers within AUTHLETE_TIMEOUT_MS', async t => {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => { setTimeout(() => json(response, 200, { clientId: 1234, clientName: 'Slow' }), 200) })
  const { app } = await buildTestApp(t, env(fault.url, { AUTHLETE_TIMEOUT_MS: '1000' }))
  const user = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients/1234', headers: user.headers })
  t.equal(response.statusCode, 200)
  t.equal(response.json().clientName, 'Slow')
})

t.test('GET /api/clients ...should refuse a 50 MB upstream answer without holding it in memory', async t => {
  const fault = await startFaultUpstream(t)
  const chunk = Buffer.alloc(1024 * 1024, 'a')
  let written = 0
  let hungUp!: () => void
  const upstreamClosed = new Promise<void>(resolve => { hungUp = resolve })
  fault.answer((_request, response) => {
    response.once('close', hungUp)
    response.writeHead(200, { 'content-type': 'application/json' })
    // Written as the socket drains: once the proxy hangs up, 'drain' never comes and writing stops.
    const pump = (): void => {
      while (written < 50) {
        written++
        if (!response.write(chunk)) {
          response.once('drain', pump)
          return
        }
      }
      response.end()
    }
    pump()
  })
  const { app } = await buildTestApp(t, env(fault.url))
  const user = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients', headers: user.headers })
  t.equal(response.statusCode, 502)
  t.equal(response.json().code, 'BFF_UPSTREAM_TOO_LARGE')
  // The proxy hangs up once the limit is passed: the rest is never read, so it is never held.
  await Promise.race([upstreamClosed, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the proxy kept the upstream connection open')), 10_000).unref())])
  t.ok(written < 50, `the upstream was cut off after ${written} MB of 50`)
})
