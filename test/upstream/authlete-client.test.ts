import t, { type Test } from 'tap'
import diagnosticsChannel from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import { createAuthleteClient, type AuthleteClientOptions, type UpstreamCall } from '../../src/upstream/authlete-client.ts'
import type { UpstreamCallEvent } from '../../src/ops/channels.ts'
import { json, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts'

// The upstream client on its own, over a real HTTP hop to a fault server: what it sends, what it
// records of each call, and what it reports to the metrics (the channel they listen on).
const TOKEN = 'tok-client-test-5f2a'

const DEFAULTS: AuthleteClientOptions = { baseUrl: '', apiVersion: 'v3', serviceId: '715948317', accessToken: TOKEN, timeoutMs: 5000, maxResponseBytes: 1_000_000, connections: 4, retries: 0, circuitThreshold: 1000, circuitCooldownMs: 1000 }

function client (t: Test, fault: FaultUpstream, options: Partial<AuthleteClientOptions> = {}) {
  const created = createAuthleteClient({ ...DEFAULTS, baseUrl: fault.url, ...options })
  t.teardown(() => created.close())
  return created
}

function outcomes (t: Test): UpstreamCallEvent[] {
  const seen: UpstreamCallEvent[] = []
  const listener = (event: unknown) => { seen.push(event as UpstreamCallEvent) }
  diagnosticsChannel.subscribe('authlete-bff:upstream-call', listener)
  t.teardown(() => { diagnosticsChannel.unsubscribe('authlete-bff:upstream-call', listener) })
  return seen
}

t.test('createAuthleteClient ...should send the service credential and accept, content-type only with a body, under the base URL\'s own path', async t => {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => json(response, 200, { clientId: 1 }))
  for (const prefix of ['/authlete', '/authlete/', '/authlete//']) {
    const { call } = client(t, { ...fault, url: `${fault.url}${prefix}` })
    await call([], 'getClient', { params: { clientId: '1' } })
    await call([], 'createClient', { body: { clientName: 'x' } })
  }
  const [read, write] = fault.requests
  t.equal(read!.url, '/authlete/api/715948317/client/get/1')
  t.same([read!.method, read!.headers.authorization, read!.headers.accept, read!.headers['content-type']], ['GET', `Bearer ${TOKEN}`, 'application/json', undefined])
  t.same([write!.method, write!.url, write!.headers['content-type'], write!.body], ['POST', '/authlete/api/715948317/client/create', 'application/json', '{"clientName":"x"}'])
  t.same(fault.requests.map(request => request.url), Array.from({ length: 3 }, () => ['/authlete/api/715948317/client/get/1', '/authlete/api/715948317/client/create']).flat(), 'one slash, whatever the base URL ends with')
})

t.test('createAuthleteClient ...should send API v2 credentials as Basic key:secret, and no service id in the path', async t => {
  const fault = await startFaultUpstream(t)
  const { call } = client(t, fault, { apiVersion: 'v2', serviceId: undefined, accessToken: undefined, apiKey: '1234567890', apiSecret: 'secret-v2-9d1e' })
  await call([], 'listClients', { query: { start: 0, end: 5 } })
  t.equal(fault.requests[0]!.headers.authorization, `Basic ${Buffer.from('1234567890:secret-v2-9d1e').toString('base64')}`)
  t.equal(fault.requests[0]!.url, '/api/client/get/list?start=0&end=5')
})

t.test('createAuthleteClient ...should record each call\'s status, result code and duration, the result of a mutation too, and report its outcome', async t => {
  const fault = await startFaultUpstream(t)
  const seen = outcomes(t)
  const { call } = client(t, fault)
  const calls: UpstreamCall[] = []
  fault.answer((_request, response) => json(response, 200, { resultCode: 'A053001', resultMessage: 'created', clientId: 7 }))
  const before = performance.now()
  const created = await call<{ clientId: number }>(calls, 'createClient', { body: {} })
  const took = performance.now() - before
  t.equal(calls[0]!.resultCode, 'A053001', 'a mutation\'s result code is recorded before anything reads the answer')
  t.ok(calls[0]!.durationMs! > 0 && calls[0]!.durationMs! <= took + 1, `the call's duration in ms (${calls[0]!.durationMs} of ${took})`)
  t.equal(created.data.clientId, 7)
  fault.answer((_request, response) => json(response, 200, { resultCode: 'A001101', clientId: 7 }))
  await call(calls, 'getClient', { params: { clientId: '7' } })
  fault.answer((_request, response) => json(response, 404, { resultCode: 'A001202', resultMessage: `Not found (token ${TOKEN})` }))
  const rejected = await call(calls, 'getClient', { params: { clientId: '8' } }).catch((error: unknown) => error) as { statusCode: number, upstreamResult: { resultMessage: string } }
  t.equal(rejected.statusCode, 404)
  t.equal(rejected.upstreamResult.resultMessage, 'Not found (token [redacted])', 'the credential is redacted from the message')
  t.match(calls, [
    { operation: 'createClient', status: 200, resultCode: 'A053001' },
    { operation: 'getClient', status: 200 },
    { operation: 'getClient', status: 404, resultCode: 'A001202' }
  ])
  t.equal(calls[1]!.resultCode, undefined, 'a read\'s answer is not parsed until used')
  t.equal(calls[2]!.maybeReceived, undefined, 'a rejection was received: its outcome is known')
  for (const record of calls) t.ok(typeof record.durationMs === 'number' && record.durationMs >= 0 && record.durationMs < 5000, 'a duration in ms')
  t.match(seen, [
    { operation: 'createClient', outcome: 'ok', status: 200 },
    { operation: 'getClient', outcome: 'ok', status: 200 },
    { operation: 'getClient', outcome: 'rejected', status: 404 }
  ])
})

t.test('createAuthleteClient ...should report timeouts, refused connections, an open circuit and other failures as their own outcomes', async t => {
  const fault = await startFaultUpstream(t)
  const seen = outcomes(t)
  fault.answer(() => {})
  const slow = client(t, fault, { timeoutMs: 200 })
  await t.rejects(slow.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_TIMEOUT' })
  fault.answer((_request, response) => json(response, 500, {}))
  const breaking = client(t, fault, { circuitThreshold: 1 })
  await t.rejects(breaking.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_FAILED' })
  await t.rejects(breaking.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_CIRCUIT_OPEN' })
  const refused = client(t, { ...fault, url: 'http://127.0.0.1:1' })
  await t.rejects(refused.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_UNAVAILABLE' })
  t.same(seen.map(event => event.outcome), ['timeout', 'failed', 'circuit-open', 'unavailable'])
})

t.test('createAuthleteClient ...should count the retries of a read, and mark a mutation cut after sending as maybe received', async t => {
  const fault = await startFaultUpstream(t)
  let answered = 0
  fault.answer((_request, response) => {
    answered++
    if (answered <= 2) json(response, 503, {})
    else json(response, 200, { clientId: 1 })
  })
  const { call } = client(t, fault, { retries: 2 })
  const calls: UpstreamCall[] = []
  await call(calls, 'getClient', { params: { clientId: '1' } })
  t.match(calls, [{ operation: 'getClient', status: 200, retries: 2 }])
  fault.answer(request => { request.socket.destroy() })
  const cut: UpstreamCall[] = []
  await t.rejects(call(cut, 'createClient', { body: {} }), { code: 'BFF_UPSTREAM_FAILED' })
  t.match(cut, [{ operation: 'createClient', maybeReceived: true }])
  t.equal(cut[0]!.retries, undefined, 'a mutation is not sent again')
})

t.test('createAuthleteClient ...should redact a numeric API v2 key from result messages, where the answer\'s bytes keep their digits', async t => {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => json(response, 400, { resultCode: 'A001215', resultMessage: "The API key '1234567890' is invalid", clientId: 1234567890 }))
  const { call } = client(t, fault, { apiVersion: 'v2', serviceId: undefined, accessToken: undefined, apiKey: '1234567890', apiSecret: 'secret-v2-9d1e' })
  const rejected = await call([], 'getClient', { params: { clientId: '1' } }).catch((error: unknown) => error) as { statusCode: number, upstreamResult: { resultMessage: string } }
  t.equal(rejected.statusCode, 400)
  t.equal(rejected.upstreamResult.resultMessage, "The API key '[redacted]' is invalid")
})

t.test('createAuthleteClient ...should refuse (502) a 300, an empty or non-JSON answer to a delete other than an empty 204, saying why in the log, and count it as a fault', async t => {
  const fault = await startFaultUpstream(t)
  const { call } = client(t, fault)
  const answers: Array<[string, number, string, string, RegExp]> = [
    ['getClient', 300, '{"clientId":1}', 'BFF_UPSTREAM_REDIRECT', /^upstream answered 300/],
    ['deleteClient', 200, '', 'BFF_UPSTREAM_UNREADABLE', /^upstream answered 200 without a JSON object$/],
    ['deleteClient', 200, 'deleted', 'BFF_UPSTREAM_UNREADABLE', /^upstream answered 200 with a body that is not JSON$/],
    ['getClient', 200, '[1]', 'BFF_UPSTREAM_UNREADABLE', /^upstream answered 200 without a JSON object$/]
  ]
  for (const [operation, status, body, code, cause] of answers) {
    fault.answer((_request, response) => { response.writeHead(status, { 'content-type': 'application/json' }); response.end(body) })
    await t.rejects(call([], operation as 'getClient', { params: { clientId: '1' } }), { code, cause: { message: cause } }, `${operation} ${status} ${JSON.stringify(body)}`)
  }
  fault.answer((_request, response) => { response.writeHead(204); response.end() })
  const deleted = await call([], 'deleteClient', { params: { clientId: '1' } })
  t.same([deleted.status, deleted.bytes.length, deleted.data], [204, 0, undefined], 'an empty 204 is a delete\'s answer, with no data')

  fault.answer((_request, response) => { response.writeHead(200, { 'content-type': 'text/html' }); response.end('<html>maintenance</html>') })
  const breaking = client(t, fault, { circuitThreshold: 1 })
  await t.rejects(breaking.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_UNREADABLE' })
  await t.rejects(breaking.call([], 'getClient', { params: { clientId: '1' } }), { code: 'BFF_UPSTREAM_CIRCUIT_OPEN' }, 'an unreadable answer is the upstream\'s fault')
})

t.test('createAuthleteClient ...should parse an answer once, giving the same object at every read, and call nothing once closed', async t => {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => json(response, 200, { clientId: 1, clientName: 'once' }))
  const { call, close } = createAuthleteClient({ ...DEFAULTS, baseUrl: fault.url })
  const answer = await call<{ clientName: string }>([], 'getClient', { params: { clientId: '1' } })
  answer.data.clientName = 'edited by a route'
  t.equal(answer.data.clientName, 'edited by a route', 'the same object')
  await close()
  const before = fault.requests.length
  await t.rejects(call([], 'getClient', { params: { clientId: '1' } }))
  t.equal(fault.requests.length, before, 'nothing sent after close')
})
