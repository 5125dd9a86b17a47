import t from 'tap'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'
import { liveApp } from './support.ts'

const TOKEN = 'tok-upstream-messages-7c2a9e41'
const API_KEY = '5593494639'
const API_SECRET = 'sec-upstream-messages-0b8d33f'
const NO_RESILIENCE = { AUTHLETE_RETRIES: '0', AUTHLETE_CIRCUIT_THRESHOLD: '1000' }

t.test('GET /api/clients/:clientId ...should keep Authlete\'s resultCode but never pass on the service access token in a message', async t => {
  const fault = await startFaultUpstream(t)
  const live = await liveApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN, ...NO_RESILIENCE })
  fault.answer((_request, response) => json(response, 400, { resultCode: 'A001201', resultMessage: `[A001201] The access token '${TOKEN}' (Bearer ${TOKEN}) has no permission.` }))
  const rejected = await live.send('admin', 'GET', '/api/clients/1234')
  const text = await rejected.text()
  t.equal(rejected.status, 400)
  t.match(JSON.parse(text), { resultCode: 'A001201', resultMessage: /^\[A001201\] The access token '\[redacted\]'/ })
  t.notMatch(text, TOKEN, 'not in the answer')

  fault.answer((_request, response) => json(response, 200, { resultCode: 'A004001', resultMessage: `[A004001] Locked by ${TOKEN}.` }))
  const locked = await live.send('admin', 'PUT', '/api/clients/1234/lock', { locked: true })
  const lockedText = await locked.text()
  t.equal(locked.status, 200)
  t.match(JSON.parse(lockedText), { resultCode: 'A004001' })
  t.notMatch(lockedText, TOKEN, 'nor in a success answer')
  t.notMatch(live.logs.join(''), TOKEN, 'nor in the logs')
})

t.test('GET /api/clients/:clientId ...should never pass on the v2 API key or secret in a message', async t => {
  const fault = await startFaultUpstream(t)
  const live = await liveApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_API_VERSION: 'v2', AUTHLETE_SERVICE_API_KEY: API_KEY, AUTHLETE_SERVICE_API_SECRET: API_SECRET, ...NO_RESILIENCE })
  const basic = Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')
  fault.answer((_request, response) => json(response, 400, { resultCode: 'A001202', resultMessage: `[A001202] Service ${API_KEY} with secret ${API_SECRET} (Basic ${basic}) is not allowed.` }))
  const response = await live.send('admin', 'GET', '/api/clients/1234')
  const text = await response.text()
  t.equal(response.status, 400)
  t.match(JSON.parse(text), { resultCode: 'A001202' })
  for (const secret of [API_KEY, API_SECRET, basic]) t.notMatch(text, secret)
})

t.test('PATCH /api/clients/:clientId ...should clip Authlete\'s resultMessage to 1 KB and include it once, for every role', async t => {
  const fault = await startFaultUpstream(t)
  const live = await liveApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN, ...NO_RESILIENCE })
  const huge = `[A001201] ${'<script>'.repeat(25_000)}`
  for (const [role, message, kept] of [['viewer', huge, `${huge.slice(0, 1021)}...`], ['admin', `[A1] ${'\u00e9'.repeat(600)}`, `[A1] ${'\u00e9'.repeat(508)}...`], ['editor', '[A1] short', '[A1] short'],
    // Exactly 1 KB is kept whole; a two-byte character cut at the boundary goes, one Authlete sent itself stays.
    ['viewer', `[A1] ${'y'.repeat(1019)}`, `[A1] ${'y'.repeat(1019)}`], ['admin', `[A1]${'\u00e9'.repeat(600)}`, `[A1]${'\u00e9'.repeat(508)}...`],
    ['editor', `[A1] \ufffd ${'z'.repeat(2000)}`, `[A1] \ufffd ${'z'.repeat(1012)}...`]] as const) {
    fault.answer((_request, response) => json(response, 400, { resultCode: 'A001201', resultMessage: message }))
    const response = await live.send(role, 'GET', '/api/clients/1234')
    const text = await response.text()
    t.equal(response.status, 400)
    const problem = JSON.parse(text) as { detail: string, resultCode: string, resultMessage: string }
    t.equal(problem.resultMessage, kept, `${role}: ${message.length} characters given`)
    t.ok(Buffer.byteLength(problem.resultMessage) <= 1024, 'at most 1 KB')
    t.equal(problem.detail, 'Authlete rejected the request (result A001201; its message is resultMessage)')
    t.equal(text.split(kept.slice(0, 40)).length - 1, 1, 'once in the answer')
    t.ok(text.length < 2048, `a ${text.length}-byte answer`)
  }
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should clip Authlete\'s resultMessage to 1 KB in a success answer too', async t => {
  const fault = await startFaultUpstream(t)
  const live = await liveApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: TOKEN, ...NO_RESILIENCE })
  const huge = `[A004001] ${'x'.repeat(100_000)}`
  fault.answer((_request, response) => json(response, 200, { resultCode: 'A004001', resultMessage: huge }))
  const response = await live.send('editor', 'PUT', '/api/clients/1234/lock', { locked: true })
  t.equal(response.status, 200)
  t.same(await response.json(), { resultCode: 'A004001', resultMessage: `${huge.slice(0, 1021)}...` })
})
