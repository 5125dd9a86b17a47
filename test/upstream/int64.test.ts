import t, { type Test } from 'tap'
import { buildTestApp, login } from '../helpers/app.ts'
import { startFaultUpstream } from '../helpers/fault-upstream.ts'

// Authlete's IDs are int64; above 2^53 a JSON.parse round trip would change them.
const HUGE_ID = '9223372036854775807'
const CLIENT_TEXT = `{"clientId":${HUGE_ID},"clientName":"Huge","createdAt":1795409802634,"number":7}`

async function appBehindUpstream (t: Test, answer: string) {
  const fault = await startFaultUpstream(t)
  fault.answer((_request, response) => { response.setHeader('content-type', 'application/json'); response.end(answer) })
  const { app } = await buildTestApp(t, { AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '7', AUTHLETE_SERVICE_ACCESS_TOKEN: 'token-int64' })
  return { app, fault }
}

t.test('GET /api/clients/:clientId ...should pass an int64 client ID above 2^53 through digit for digit', async t => {
  const { app, fault } = await appBehindUpstream(t, CLIENT_TEXT)
  const admin = await login(app, 'admin')
  const response = await app.inject({ url: `/api/clients/${HUGE_ID}`, headers: admin.headers })
  t.equal(response.statusCode, 200)
  t.equal(response.body, CLIENT_TEXT)
  t.equal(fault.requests[0]?.url, `/api/7/client/get/${HUGE_ID}`)
})

t.test('POST /api/clients ...should put an int64 client ID above 2^53 in Location exactly', async t => {
  const { app } = await appBehindUpstream(t, CLIENT_TEXT)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'POST', url: '/api/clients', payload: { clientName: 'Huge' }, headers: editor.headers })
  t.equal(response.statusCode, 201)
  t.equal(response.headers.location, `/api/clients/${HUGE_ID}`)
  t.match(response.body, `"clientId":${HUGE_ID},`)
})

t.test('PATCH /api/clients/:clientId ...should keep int64 values exact in what it sends back upstream', async t => {
  const { app, fault } = await appBehindUpstream(t, `{"clientId":${HUGE_ID},"clientName":"Huge","extension":{"accessTokenDuration":9007199254740993}}`)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'PATCH', url: `/api/clients/${HUGE_ID}`, payload: { clientName: 'Renamed' }, headers: editor.headers })
  t.equal(response.statusCode, 200)
  t.equal(fault.requests[1]?.body, '{"clientName":"Renamed","extension":{"accessTokenDuration":9007199254740993}}')
})

// 16 digits is the shortest an integer above 2^53 can be written: an answer whose only long integers
// have 16 digits must be parsed as carefully as one holding a 19-digit ID.
const SIXTEEN_DIGITS = '9007199254740993'
const SIXTEEN_DIGIT_CLIENT = `{"clientId":${SIXTEEN_DIGITS},"clientName":"Edge","createdAt":1795409802634,"extension":{"accessTokenDuration":${SIXTEEN_DIGITS}},"customNumber":-${SIXTEEN_DIGITS}}`

t.test('GET /api/clients/:clientId ...should pass 16-digit integers above 2^53 through exactly to a non-admin (parsed answer)', async t => {
  const { app } = await appBehindUpstream(t, SIXTEEN_DIGIT_CLIENT)
  const viewer = await login(app, 'viewer')
  const response = await app.inject({ url: `/api/clients/${SIXTEEN_DIGITS}`, headers: viewer.headers })
  t.equal(response.statusCode, 200)
  t.equal(response.body, SIXTEEN_DIGIT_CLIENT)
})

t.test('PATCH /api/clients/:clientId ...should write 16-digit integers above 2^53 back upstream exactly', async t => {
  const { app, fault } = await appBehindUpstream(t, SIXTEEN_DIGIT_CLIENT)
  const editor = await login(app, 'editor')
  const response = await app.inject({ method: 'PATCH', url: `/api/clients/${SIXTEEN_DIGITS}`, payload: { clientName: 'Renamed' }, headers: editor.headers })
  t.equal(response.statusCode, 200)
  t.equal(fault.requests[1]?.body, `{"clientName":"Renamed","extension":{"accessTokenDuration":${SIXTEEN_DIGITS}},"customNumber":-${SIXTEEN_DIGITS}}`)
  t.equal(response.body, SIXTEEN_DIGIT_CLIENT, 'the answer, as parsed for an editor, keeps them too')
})
