import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { Pool } from 'undici'
import { buildTestApp, login } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

// A call whose deadline passed while it waited in the pool's queue for a connection has been answered
// 504: sending it afterwards, once a connection frees up, would change Authlete behind the caller's
// back (a client created after "timed out"). Every connection is held by calls the upstream never
// answers; the queued calls' deadlines pass before any of them frees up.

const TIMEOUT_MS = 1500
const CONNECTIONS = 2

interface Dispatched { method: string, path: string, at: number }

/**
 * Each call the proxy hands to undici's pool, the moment it does (undici's own request:create event
 * comes only once the pool gives a call a connection). A spy: every call goes on to the pool unchanged.
 */
function watchDispatches (t: Test): Dispatched[] {
  const dispatched: Dispatched[] = []
  const dispatch = Pool.prototype.dispatch
  Pool.prototype.dispatch = function (this: Pool, options, handler) {
    dispatched.push({ method: options.method, path: options.path, at: performance.now() })
    return dispatch.call(this, options, handler)
  }
  t.teardown(() => { Pool.prototype.dispatch = dispatch })
  return dispatched
}

/**
 * Stalls this process's event loop (the proxy's and the upstream's) until `until`: every deadline due
 * by then expires in one go, before the pool can hand a freed connection to anyone. A busy machine
 * does the same, less predictably.
 */
function stallUntil (until: number): void {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) Atomics.wait(flag, 0, 0, left)
}

t.test(`POST /api/clients ...should never send a write (nor a read) whose deadline passed while it waited for one of AUTHLETE_CONNECTIONS=${CONNECTIONS}`, async t => {
  const fault = await startFaultUpstream(t)
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url,
    AUTHLETE_SERVICE_ID: '9',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-queued',
    AUTHLETE_TIMEOUT_MS: String(TIMEOUT_MS),
    AUTHLETE_CONNECTIONS: String(CONNECTIONS),
    AUTHLETE_RETRIES: '0',
    // Timeouts are upstream faults: the circuit must stay closed for the check call at the end.
    AUTHLETE_CIRCUIT_THRESHOLD: '1000'
  })
  const admin = await login(app, 'admin')
  const dispatched = watchDispatches(t)
  fault.answer(() => {})

  const heldFrom = performance.now()
  const held = Array.from({ length: CONNECTIONS }, (_, i) => app.inject({ url: `/api/clients/${i + 1}`, headers: admin.headers }))
  await waitFor('every connection busy at the upstream', () => fault.requests.length === CONNECTIONS)
  const queued = [
    app.inject({ method: 'POST', url: '/api/clients', headers: admin.headers, payload: { clientName: 'Created after its 504?' } }),
    app.inject({ url: '/api/clients/77', headers: admin.headers })
  ]
  await waitFor('the write and the read queued in the pool', () => dispatched.length === CONNECTIONS + 2)
  // Deadlines start before a call reaches the pool: by the last dispatch plus TIMEOUT_MS, every one has passed.
  t.comment(`joined the pool at ${dispatched.map(({ method, path, at }) => `${method} ${path} +${Math.round(at - heldFrom)} ms`).join(', ')}`)
  const lastQueued = dispatched.at(-1)!.at
  t.ok(performance.now() < heldFrom + TIMEOUT_MS, 'the held calls still hold their connections when the queued calls join the pool')
  stallUntil(lastQueued + TIMEOUT_MS + 5)

  for (const answer of await Promise.all([...held, ...queued])) {
    t.equal(answer.statusCode, 504, `${answer.json().code}`)
    t.equal(answer.json().code, 'BFF_UPSTREAM_TIMEOUT')
  }
  const answeredAt = performance.now()
  t.equal(fault.requests.length, CONNECTIONS, 'when the 504s were given, the upstream had only the held calls')

  // The pool is free again: a call made now goes through, behind whatever the queue still held.
  fault.answer((_request, response) => json(response, 200, { clientId: 5, clientName: 'After' }))
  const after = await app.inject({ url: '/api/clients/5', headers: admin.headers })
  t.equal(after.statusCode, 200, 'a call after the 504s is sent and answered')
  // And long enough for a late send to arrive: a new connection takes at most AUTHLETE_TIMEOUT_MS to open.
  await waitFor('AUTHLETE_TIMEOUT_MS after the 504s', () => performance.now() > answeredAt + TIMEOUT_MS)
  t.same(fault.requests.slice(CONNECTIONS).map(({ method, url }) => `${method} ${url}`), ['GET /api/9/client/get/5'], 'after the pool freed up, the upstream got only the new call')
  t.notOk(fault.requests.some(request => request.method === 'POST'), 'the write was never sent')
})

async function waitFor (what: string, condition: () => boolean, timeoutMs = 10 * TIMEOUT_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
