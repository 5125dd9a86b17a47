import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'

// AUTHLETE_TIMEOUT_MS is one deadline per upstream call: queueing for a connection, connecting, the
// headers and the whole body. undici's own timeouts are per phase (the body one per chunk), so an
// answer trickled a byte at a time passed them all: 200 after 18.5 s with 10 s configured.

const TIMEOUT_MS = 1000
const DRIP_EVERY_MS = 100
const FAST_CLIENT = '99'
const dripped = (clientId: string) => Buffer.from(JSON.stringify({ clientId: Number(clientId), clientName: 'Dripped slowly, one byte at a time' }))
// How long a dripping answer takes to arrive whole: at the earliest, what a call that is not cut at
// its deadline takes. The bounds below are this, not a guess of how fast the machine is.
const WHOLE_ANSWER_MS = dripped('1234').length * DRIP_EVERY_MS

interface DripUpstream {
  url: string
  /** Sockets the proxy opened, and whether each was closed (by either side). */
  sockets: Array<{ socket: Socket, closedAt?: number }>
  requests: string[]
}

/**
 * A real socket server that answers like Authlete, the body one byte every DRIP_EVERY_MS, except for
 * client 99, answered at once. Requests without a body only (GET), several per keep-alive connection.
 */
async function startDripUpstream (t: Test): Promise<DripUpstream> {
  const sockets: DripUpstream['sockets'] = []
  const requests: string[] = []
  const server = createServer(socket => {
    const entry: DripUpstream['sockets'][number] = { socket }
    sockets.push(entry)
    const timers = new Set<NodeJS.Timeout>()
    socket.on('close', () => {
      entry.closedAt = Date.now()
      for (const timer of timers) clearInterval(timer)
    })
    socket.on('error', () => {})
    let buffered = ''
    socket.on('data', chunk => {
      buffered += chunk.toString('latin1')
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const path = buffered.slice(0, end).split(' ')[1] ?? ''
        buffered = buffered.slice(end + 4)
        requests.push(path)
        const body = dripped(path.split('/').at(-1)!)
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`)
        if (path.endsWith(`/${FAST_CLIENT}`)) {
          socket.write(body)
          continue
        }
        let sent = 0
        const timer = setInterval(() => {
          socket.write(body.subarray(sent, sent + 1))
          if (++sent === body.length) clearInterval(timer)
        }, DRIP_EVERY_MS)
        timers.add(timer)
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    for (const { socket } of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets, requests }
}

async function setup (t: Test, env: Record<string, string> = {}) {
  const upstream = await startDripUpstream(t)
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: upstream.url,
    AUTHLETE_SERVICE_ID: '9',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-deadline',
    AUTHLETE_TIMEOUT_MS: String(TIMEOUT_MS),
    AUTHLETE_RETRIES: '0',
    ...env
  })
  return { app, upstream, admin: await login(app, 'admin') }
}

t.test('GET /api/clients/:clientId ...should answer 504 BFF_UPSTREAM_TIMEOUT at AUTHLETE_TIMEOUT_MS when the answer drips in, and destroy its socket', async t => {
  const { app, upstream, admin } = await setup(t)
  const started = Date.now()
  const response = await app.inject({ url: '/api/clients/1234', headers: admin.headers })
  const elapsed = Date.now() - started
  t.comment(`answered after ${elapsed} ms; the whole answer would take ${WHOLE_ANSWER_MS} ms`)
  t.equal(response.statusCode, 504)
  t.equal(response.json().code, 'BFF_UPSTREAM_TIMEOUT')
  t.ok(elapsed >= TIMEOUT_MS - 50 && elapsed < WHOLE_ANSWER_MS, `at the deadline (${elapsed} ms), not when the answer ended`)
  await waitFor('the upstream socket to be closed', () => upstream.sockets[0]?.closedAt !== undefined, WHOLE_ANSWER_MS)
  t.ok(upstream.sockets[0]!.closedAt! - started < WHOLE_ANSWER_MS, 'the socket was destroyed at the deadline, not when the answer ended')
})

t.test('GET /api/clients/:clientId ...should not hold an unrelated call in the pool queue behind dripping answers (AUTHLETE_CONNECTIONS=4)', async t => {
  const { app, upstream, admin } = await setup(t, { AUTHLETE_CONNECTIONS: '4' })
  const dripping = [1, 2, 3, 4].map(id => app.inject({ url: `/api/clients/${id}`, headers: admin.headers }))
  await waitFor('the four calls at the upstream', () => upstream.requests.length === 4)
  // Queued behind the four: every connection of the pool is taken.
  await new Promise(resolve => setTimeout(resolve, TIMEOUT_MS / 2))
  const started = Date.now()
  const unrelated = await app.inject({ url: `/api/clients/${FAST_CLIENT}`, headers: admin.headers })
  const elapsed = Date.now() - started
  t.comment(`the unrelated call was answered ${unrelated.statusCode} after ${elapsed} ms in all`)
  t.equal(unrelated.statusCode, 200, 'answered once the dripping calls hit their deadline and freed their connections')
  t.ok(elapsed < WHOLE_ANSWER_MS - TIMEOUT_MS / 2, `within its own deadline (${elapsed} ms), not after the dripping answers (${WHOLE_ANSWER_MS} ms)`)
  for (const response of await Promise.all(dripping)) t.equal(response.json().code, 'BFF_UPSTREAM_TIMEOUT')
})

t.test('GET /api/clients/:clientId ...should count the wait for a connection in the deadline (AUTHLETE_CONNECTIONS=1)', async t => {
  const { app, upstream, admin } = await setup(t, { AUTHLETE_CONNECTIONS: '1' })
  const started = Date.now()
  // One connection: the second and third calls wait in the pool's queue, the third past its deadline.
  const answers = await Promise.all([1, 2, 3].map(id => app.inject({ url: `/api/clients/${id}`, headers: admin.headers }).then(response => ({ response, at: Date.now() - started }))))
  t.comment(`answered after ${answers.map(({ at }) => `${at} ms`).join(', ')}`)
  for (const { response, at } of answers) {
    t.equal(response.json().code, 'BFF_UPSTREAM_TIMEOUT')
    // Were the wait not counted, the second call would end its own deadline after the first's.
    t.ok(at < 2 * TIMEOUT_MS, `within the deadline of a call sent at once (${at} ms)`)
  }
  t.ok(upstream.requests.length <= 2, `the call whose deadline passed in the queue was never sent (${upstream.requests.length} sent)`)
})

async function waitFor (what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
