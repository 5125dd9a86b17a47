import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { Pool } from 'undici'
import { exchange } from '../../src/upstream/exchange.ts'

// exchange() against a real local HTTP server, started once for the file (no app): each test gives
// its own path an answer. test/upstream/deadline.test.ts, deadline-queued.test.ts and
// errors-transport.test.ts show the same through the app.

type Answer = (request: IncomingMessage, response: ServerResponse) => void
const answers = new Map<string, Answer>()
const received: string[] = []
const server = createServer((request, response) => {
  received.push(request.url ?? '')
  const answer = answers.get(request.url ?? '')
  if (answer === undefined) response.writeHead(404).end()
  else answer(request, response)
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
t.teardown(() => { server.closeAllConnections(); server.close() })

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function poolFor (t: Test, connections = 4): Pool {
  const pool = new Pool(origin, { connections })
  t.teardown(() => pool.destroy())
  return pool
}

/** exchange() of GET `path`, due `ms` from now. */
const get = (pool: Pool, path: string, ms = 10_000) => exchange(pool, { method: 'GET', path }, performance.now() + ms)

interface Failure { statusCode: number, code: string, retryable: boolean, maybeReceived: boolean, cause: { name: string, code: string, message: string } }
async function failure (promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise
  } catch (error) {
    return error as Failure
  }
  throw new Error('the exchange did not fail')
}

async function waitFor (what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

t.test('exchange ...should give the status and the whole body, in one chunk or many, and an empty body as empty', async t => {
  const pool = poolFor(t)
  answers.set('/one', (_request, response) => { response.writeHead(201, { 'content-type': 'application/json' }).end('{"a":1}') })
  const large = Buffer.from(Array.from({ length: 200_000 }, (_, i) => String(i % 10)).join(''))
  answers.set('/large', (_request, response) => { response.writeHead(200).end(large) })
  answers.set('/trickled', (_request, response) => {
    response.writeHead(200)
    response.write('first,')
    setTimeout(() => { response.write('second,') }, 30)
    setTimeout(() => { response.end('third') }, 60)
  })
  answers.set('/empty', (_request, response) => { response.writeHead(204).end() })

  const one = await get(pool, '/one')
  t.same({ status: one.status, body: one.bytes.toString(), retryAfter: one.retryAfter }, { status: 201, body: '{"a":1}', retryAfter: undefined })
  const whole = await get(pool, '/large')
  t.equal(whole.bytes.length, large.length, 'every byte of a body read in many chunks')
  t.ok(whole.bytes.equals(large), 'in order')
  t.equal((await get(pool, '/trickled')).bytes.toString(), 'first,second,third', 'chunks written apart')
  const empty = await get(pool, '/empty')
  t.same({ status: empty.status, length: empty.bytes.length }, { status: 204, length: 0 })
  t.ok(Buffer.isBuffer(empty.bytes), 'an empty Buffer')
})

t.test('exchange ...should give the first Retry-After of an answer from 300 up, in any case, and none for a success', async t => {
  const pool = poolFor(t)
  const withHeaders = (status: number, headers: string[]): Answer => (_request, response) => { response.writeHead(status, headers).end('{}') }
  answers.set('/503', withHeaders(503, ['Retry-Aftex', '1', 'X-Retry-After', '2', 'RETRY-AFTER', '7', 'Retry-After', '9']))
  answers.set('/429', withHeaders(429, ['retry-after', 'Wed, 21 Oct 2026 07:28:00 GMT']))
  answers.set('/300', withHeaders(300, ['Retry-After', '3']))
  answers.set('/299', withHeaders(299, ['Retry-After', '4']))
  answers.set('/200', withHeaders(200, ['Retry-After', '5']))
  answers.set('/502', withHeaders(502, ['Content-Type', 'application/json', 'Retry-Aftex', '1']))
  t.equal((await get(pool, '/503')).retryAfter, '7', 'the first Retry-After, whatever its case; not a header of the same length')
  t.equal((await get(pool, '/429')).retryAfter, 'Wed, 21 Oct 2026 07:28:00 GMT', 'a date, whole')
  t.equal((await get(pool, '/300')).retryAfter, '3', '300')
  t.equal((await get(pool, '/299')).retryAfter, undefined, '299')
  t.equal((await get(pool, '/200')).retryAfter, undefined, '200')
  const none = await get(pool, '/502')
  t.same({ status: none.status, retryAfter: none.retryAfter }, { status: 502, retryAfter: undefined }, 'none given')
})

t.test('exchange ...should skip an interim 1xx answer and give the final one', async t => {
  const pool = poolFor(t)
  answers.set('/hints', (_request, response) => {
    response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
    response.writeHead(200).end('final')
  })
  const answer = await get(pool, '/hints')
  t.same({ status: answer.status, body: answer.bytes.toString() }, { status: 200, body: 'final' })
})

t.test('exchange ...should answer 504 at the deadline when the upstream never answers, and cut its connection', async t => {
  const pool = poolFor(t)
  let closed = false
  answers.set('/silent', (request) => { request.socket.on('close', () => { closed = true }) })
  const from = performance.now()
  const error = await failure(get(pool, '/silent', 300))
  const took = performance.now() - from
  t.ok(took >= 299, `not before the deadline (${Math.round(took)} ms)`)
  t.same({ statusCode: error.statusCode, code: error.code, retryable: error.retryable, maybeReceived: error.maybeReceived },
    { statusCode: 504, code: 'BFF_UPSTREAM_TIMEOUT', retryable: false, maybeReceived: true }, 'it was sent: perhaps received')
  t.same({ name: error.cause.name, code: error.cause.code, message: error.cause.message },
    { name: 'TimeoutError', code: 'BFF_DEADLINE', message: 'the upstream call did not complete within AUTHLETE_TIMEOUT_MS' })
  await waitFor('the upstream to see its connection closed', () => closed)
  t.pass('the request was aborted, its socket destroyed')
})

t.test('exchange ...should answer 504 at the deadline when the body trickles in slower than that', async t => {
  const pool = poolFor(t)
  let closed = false
  answers.set('/trickle', (request, response) => {
    request.socket.on('close', () => { closed = true })
    response.writeHead(200)
    const drip = setInterval(() => { if (!response.destroyed) response.write('x') }, 20)
    response.on('close', () => { clearInterval(drip) })
  })
  const error = await failure(get(pool, '/trickle', 300))
  t.same({ statusCode: error.statusCode, code: error.code, maybeReceived: error.maybeReceived }, { statusCode: 504, code: 'BFF_UPSTREAM_TIMEOUT', maybeReceived: true })
  await waitFor('the upstream to see its connection closed', () => closed)
})

t.test('exchange ...should let a cut before any answer (an interim 1xx is none) be retried, not a cut mid-answer; both perhaps received', async t => {
  const pool = poolFor(t)
  answers.set('/cut-before', (request) => { request.socket.destroy() })
  answers.set('/cut-during', (request, response) => {
    response.writeHead(200, { 'content-length': '100' })
    response.write('{"partial":')
    setTimeout(() => { request.socket.destroy() }, 20)
  })
  const before = await failure(get(pool, '/cut-before'))
  t.same({ statusCode: before.statusCode, code: before.code, retryable: before.retryable, maybeReceived: before.maybeReceived },
    { statusCode: 502, code: 'BFF_UPSTREAM_FAILED', retryable: true, maybeReceived: true })
  answers.set('/cut-after-hints', (request, response) => {
    response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
    setTimeout(() => { request.socket.destroy() }, 20)
  })
  const afterHints = await failure(get(pool, '/cut-after-hints'))
  t.same({ code: afterHints.code, retryable: afterHints.retryable }, { code: 'BFF_UPSTREAM_FAILED', retryable: true }, 'an interim 1xx is no answer yet')
  const during = await failure(get(pool, '/cut-during'))
  t.same({ statusCode: during.statusCode, code: during.code, retryable: during.retryable, maybeReceived: during.maybeReceived },
    { statusCode: 502, code: 'BFF_UPSTREAM_FAILED', retryable: false, maybeReceived: true })
})

t.test('exchange ...should tell a refused connection retryable and certainly not received', async t => {
  const closedServer = createServer()
  await new Promise<void>(resolve => closedServer.listen(0, '127.0.0.1', resolve))
  const port = (closedServer.address() as AddressInfo).port
  await new Promise(resolve => closedServer.close(resolve))
  const pool = new Pool(`http://127.0.0.1:${port}`)
  t.teardown(() => pool.destroy())
  const error = await failure(exchange(pool, { method: 'GET', path: '/' }, performance.now() + 10_000))
  t.same({ statusCode: error.statusCode, code: error.code, retryable: error.retryable, maybeReceived: error.maybeReceived },
    { statusCode: 503, code: 'BFF_UPSTREAM_UNAVAILABLE', retryable: true, maybeReceived: false })
})

t.test('exchange ...should never send a call whose deadline passed while it waited for a connection', async t => {
  const pool = poolFor(t, 1)
  let release: (() => void) | undefined
  answers.set('/held', (_request, response) => { release = () => response.writeHead(200).end('held') })
  answers.set('/after', (_request, response) => { response.writeHead(200).end('after') })
  answers.set('/queued-write', (_request, response) => { response.writeHead(201).end('created') })
  const start = received.length
  const held = get(pool, '/held')
  await waitFor('the only connection busy', () => release !== undefined)
  const queued = exchange(pool, { method: 'POST', path: '/queued-write', body: '{}' }, performance.now() + 200)
  const error = await failure(queued)
  t.same({ statusCode: error.statusCode, code: error.code, maybeReceived: error.maybeReceived, retryable: error.retryable },
    { statusCode: 504, code: 'BFF_UPSTREAM_TIMEOUT', maybeReceived: false, retryable: false }, 'answered at its deadline, never sent')
  release!()
  t.equal((await held).bytes.toString(), 'held')
  // The pool serves its queue in order: once a call made after the expired one is answered, that one
  // was either sent before it or dropped.
  t.equal((await get(pool, '/after')).bytes.toString(), 'after')
  t.same(received.slice(start), ['/held', '/after'], 'the upstream never got the expired call')
})

t.test('exchange ...should leave no deadline timer behind once answered', async t => {
  const pool = poolFor(t)
  answers.set('/quick', (_request, response) => { response.writeHead(200).end('ok') })
  await get(pool, '/quick', 60_000)
  const timers = () => process.getActiveResourcesInfo().filter(name => name === 'Timeout').length
  const before = timers()
  await get(pool, '/quick', 60_000)
  await get(pool, '/quick', 60_000)
  t.equal(timers(), before, 'the deadline timers were cleared')
})
