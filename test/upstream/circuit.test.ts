import type { ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login, type Login } from '../helpers/app.ts'
import { json, startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts'

// The half-open probe, whatever it meets, must settle the breaker: a probe left unsettled kept the
// circuit half-open (every call 503 BFF_UPSTREAM_CIRCUIT_OPEN, 0 upstream calls) until a restart,
// while bff_circuit_open read 0.

const CLIENT = { clientId: 1234, clientName: 'Probed' }
const COOLDOWN_MS = 300
const TIMEOUT_MS = 400
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function setup (t: Test, threshold = 2) {
  const fault = await startFaultUpstream(t)
  const { app } = await buildTestApp(t, {
    AUTHLETE_BASE_URL: fault.url,
    AUTHLETE_SERVICE_ID: '9',
    AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-circuit',
    AUTHLETE_TIMEOUT_MS: String(TIMEOUT_MS),
    AUTHLETE_MAX_RESPONSE_BYTES: '65536',
    AUTHLETE_RETRIES: '0',
    AUTHLETE_CIRCUIT_THRESHOLD: String(threshold),
    AUTHLETE_CIRCUIT_COOLDOWN_MS: String(COOLDOWN_MS)
  })
  return { app, fault, admin: await login(app, 'admin') }
}

async function circuitGauge (app: FastifyInstance): Promise<number> {
  const metrics = (await app.inject({ url: '/metrics' })).body
  const value = /^bff_circuit_open (\S+)$/m.exec(metrics)?.[1]
  if (value === undefined) throw new Error('no bff_circuit_open in /metrics')
  return Number(value)
}

const getClient = (app: FastifyInstance, admin: Login) => app.inject({ url: '/api/clients/1234', headers: admin.headers })

/** Two upstream faults open the circuit; then the cooldown passes, so the next call is the probe. */
async function openThenCool (t: Test, app: FastifyInstance, fault: FaultUpstream, admin: Login): Promise<void> {
  fault.answer((_request, response) => json(response, 500, { resultCode: 'A001101', resultMessage: 'down' }))
  for (let i = 0; i < 2; i++) t.equal((await getClient(app, admin)).statusCode, 502, `fault ${i + 1}`)
  const refused = await getClient(app, admin)
  t.equal(refused.json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN', 'the circuit is open')
  t.equal(await circuitGauge(app), 1, 'bff_circuit_open reads 1 while open')
  await sleep(COOLDOWN_MS + 50)
}

type Answer = (response: ServerResponse) => void

const FAULTY_PROBES: Array<{ name: string, answer: Answer, status: number, code: string }> = [
  { name: 'a 500', answer: response => json(response, 500, { resultCode: 'A001101', resultMessage: 'down' }), status: 502, code: 'BFF_UPSTREAM_FAILED' },
  {
    name: 'a 200 HTML maintenance page',
    answer: response => { response.writeHead(200, { 'content-type': 'text/html' }); response.end('<html><body>Down for maintenance</body></html>') },
    status: 502,
    code: 'BFF_UPSTREAM_UNREADABLE'
  },
  {
    name: 'a 200 with truncated JSON',
    answer: response => { response.writeHead(200, { 'content-type': 'application/json' }); response.end('{"clientId":1234,"clientName":"Pro') },
    status: 502,
    code: 'BFF_UPSTREAM_UNREADABLE'
  },
  { name: 'a 200 JSON list', answer: response => json(response, 200, [CLIENT]), status: 502, code: 'BFF_UPSTREAM_UNREADABLE' },
  { name: 'no answer (timeout)', answer: () => {}, status: 504, code: 'BFF_UPSTREAM_TIMEOUT' },
  {
    name: 'an answer cut mid-body',
    answer: response => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
      response.write('{"clientId":1234,')
      setTimeout(() => response.socket?.destroy(), 20)
    },
    status: 502,
    code: 'BFF_UPSTREAM_FAILED'
  },
  {
    name: 'an answer over AUTHLETE_MAX_RESPONSE_BYTES (an exception inside the HTTP client)',
    answer: response => json(response, 200, { clientId: 1234, clientName: 'x'.repeat(100_000) }),
    status: 502,
    code: 'BFF_UPSTREAM_TOO_LARGE'
  }
]

for (const probe of FAULTY_PROBES) {
  t.test(`GET /api/clients/:clientId ...should open the circuit again when the half-open probe meets ${probe.name}, and close it at the next good probe`, async t => {
    const { app, fault, admin } = await setup(t)
    await openThenCool(t, app, fault, admin)
    // Held a moment, so that the gauge is read while the probe is in flight.
    fault.answer((_request, response) => { setTimeout(() => probe.answer(response), 100) })
    const before = fault.requests.length
    const answered = getClient(app, admin)
    await waitFor(() => fault.requests.length > before)
    t.equal(await circuitGauge(app), 0.5, 'bff_circuit_open reads 0.5 while the probe is in flight')
    const probed = await answered
    t.equal(probed.statusCode, probe.status, 'the probe\'s own answer')
    t.equal(probed.json().code, probe.code)

    const after = fault.requests.length
    const refused = await getClient(app, admin)
    t.equal(refused.statusCode, 503, 'the failed probe opened the circuit again')
    t.equal(refused.json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN')
    t.equal(fault.requests.length, after, 'without calling the upstream')
    t.equal(await circuitGauge(app), 1, 'bff_circuit_open reads 1')

    await sleep(COOLDOWN_MS + 50)
    fault.answer((_request, response) => json(response, 200, CLIENT))
    t.equal((await getClient(app, admin)).statusCode, 200, 'the next probe, after the cooldown, went through')
    t.equal(await circuitGauge(app), 0, 'and closed the circuit')
    t.equal((await getClient(app, admin)).statusCode, 200)
  })
}

const HEALTHY_PROBES: Array<{ name: string, answer: Answer, status: number }> = [
  { name: 'a success', answer: response => json(response, 200, CLIENT), status: 200 },
  { name: 'a rejection of the request (404 with a result code)', answer: response => json(response, 404, { resultCode: 'A051201', resultMessage: 'no such client' }), status: 404 }
]

for (const probe of HEALTHY_PROBES) {
  t.test(`GET /api/clients/:clientId ...should close the circuit when the half-open probe meets ${probe.name}`, async t => {
    const { app, fault, admin } = await setup(t)
    await openThenCool(t, app, fault, admin)
    fault.answer((_request, response) => probe.answer(response))
    t.equal((await getClient(app, admin)).statusCode, probe.status, 'the probe\'s own answer')
    t.equal(await circuitGauge(app), 0, 'bff_circuit_open reads 0')
    const before = fault.requests.length
    t.equal((await getClient(app, admin)).statusCode, probe.status, 'the next call goes upstream')
    t.equal(fault.requests.length, before + 1)
  })
}

// Counting: only faults in a row open the circuit. A success in between, or the probe that closed it,
// starts the count again from zero.
const THRESHOLD = 3
const FAULT: Answer = response => json(response, 500, { resultCode: 'A001101', resultMessage: 'down' })
const SUCCESS: Answer = response => json(response, 200, CLIENT)

/** The upstream answers each request with the next of `answers`, in order. */
function answerInTurn (fault: FaultUpstream, answers: Answer[]): void {
  const queue = [...answers]
  fault.answer((_request, response) => {
    const next = queue.shift()
    if (next === undefined) throw new Error('the upstream was called more often than the test expected')
    next(response)
  })
}

t.test(`GET /api/clients/:clientId ...should never open the circuit on faults separated by successes, however many (AUTHLETE_CIRCUIT_THRESHOLD=${THRESHOLD})`, async t => {
  const { app, fault, admin } = await setup(t, THRESHOLD)
  const rounds = 4
  const round = [...Array<Answer>(THRESHOLD - 1).fill(FAULT), SUCCESS]
  answerInTurn(fault, Array.from({ length: rounds }, () => round).flat())
  const statuses: number[] = []
  for (let i = 0; i < rounds * round.length; i++) statuses.push((await getClient(app, admin)).statusCode)
  const expected = Array.from({ length: rounds }, () => [...Array<number>(THRESHOLD - 1).fill(502), 200]).flat()
  t.same(statuses, expected, `${rounds * (THRESHOLD - 1)} faults, never ${THRESHOLD} in a row: every call answered by the upstream`)
  t.equal(fault.requests.length, rounds * round.length, 'every call went upstream')
  t.equal(await circuitGauge(app), 0, 'bff_circuit_open reads 0')
})

t.test(`GET /api/clients/:clientId ...should open a circuit that a good probe closed only after AUTHLETE_CIRCUIT_THRESHOLD new faults in a row (${THRESHOLD})`, async t => {
  const { app, fault, admin } = await setup(t, THRESHOLD)
  answerInTurn(fault, Array<Answer>(THRESHOLD).fill(FAULT))
  for (let i = 0; i < THRESHOLD; i++) t.equal((await getClient(app, admin)).statusCode, 502, `fault ${i + 1}`)
  t.equal((await getClient(app, admin)).json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN', 'the circuit opened')
  await sleep(COOLDOWN_MS + 50)
  answerInTurn(fault, [SUCCESS, ...Array<Answer>(THRESHOLD).fill(FAULT)])
  t.equal((await getClient(app, admin)).statusCode, 200, 'the probe succeeded')
  t.equal(await circuitGauge(app), 0, 'and closed the circuit')

  for (let i = 0; i < THRESHOLD - 1; i++) {
    const answer = await getClient(app, admin)
    t.equal(answer.statusCode, 502, `new fault ${i + 1} of ${THRESHOLD}: the upstream's own answer`)
    t.equal(await circuitGauge(app), 0, `after new fault ${i + 1} of ${THRESHOLD}, the circuit is still closed`)
  }
  const last = fault.requests.length
  t.equal((await getClient(app, admin)).statusCode, 502, `new fault ${THRESHOLD}: still sent upstream`)
  t.equal(fault.requests.length, last + 1)
  const refused = await getClient(app, admin)
  t.equal(refused.json().code, 'BFF_UPSTREAM_CIRCUIT_OPEN', `${THRESHOLD} new faults in a row opened it again`)
  t.equal(fault.requests.length, last + 1, 'without calling the upstream')
})

t.test('GET /readyz ...should answer again once the upstream recovers after an unreadable probe', async t => {
  const { app, fault, admin } = await setup(t)
  await openThenCool(t, app, fault, admin)
  fault.answer((_request, response) => { response.writeHead(200, { 'content-type': 'text/html' }); response.end('<html>maintenance</html>') })
  t.match((await app.inject({ url: '/readyz' })).json().upstream, { status: 'unavailable', code: 'BFF_UPSTREAM_UNREADABLE' }, 'the probe met a maintenance page')
  await sleep(COOLDOWN_MS + 50)
  fault.answer((_request, response) => json(response, 200, { start: 0, end: 1, totalCount: 1, clients: [CLIENT] }))
  const ready = await app.inject({ url: '/readyz' })
  t.match(ready.json().upstream, { status: 'ok', code: undefined }, `ready again: ${ready.body}`)
})

async function waitFor (condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await sleep(5)
  }
}
