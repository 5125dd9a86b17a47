import { test } from 'tap'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { liveApp, upstreamCalls } from './support.ts'

const DYNAMIC = '26837717140341'

async function problemOf (response: Response): Promise<{ text: string, body: Record<string, any> }> {
  const text = await response.text()
  return { text, body: JSON.parse(text) }
}

test('POST /api/clients ...should answer 413 problem+json above BODY_LIMIT, and 16 KiB for /auth/*', async t => {
  const live = await liveApp(t, { BODY_LIMIT: String(64 * 1024) })
  const big = JSON.stringify({ clientName: 'x'.repeat(70 * 1024) })
  const api = await live.send('editor', 'POST', '/api/clients', big)
  t.equal(api.status, 413)
  t.match(api.headers.get('content-type'), /^application\/problem\+json/)
  t.match((await problemOf(api)).body, { status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })
  t.equal((await live.send('editor', 'POST', '/api/clients', JSON.stringify({ clientName: 'x'.repeat(60 * 1024) }))).status, 400, 'under the limit: read and validated (clientName is too long)')

  const login = await live.send(null, 'POST', '/auth/login', { username: 'admin', password: 'x'.repeat(17 * 1024) })
  t.equal(login.status, 413, '/auth/login: 16 KiB')
  t.ok((await login.text()).length < 1024, 'and a small answer')
  const token = await live.send('admin', 'POST', '/auth/tokens', { name: 'x'.repeat(17 * 1024), roles: ['viewer'] })
  t.equal(token.status, 413, '/auth/tokens: 16 KiB')
})

test('POST /api/clients ...should list at most 20 validation errors, each once, in an answer under 16 KiB', async t => {
  const live = await liveApp(t)
  const before = upstreamCalls(live.app)
  // About 800 KB: unknown properties with long names (as many as an answer lists: more are refused by
  // their count, test/security/validation-stall.test.ts), and wrongly typed known ones.
  const body: Record<string, unknown> = { clientName: 42, redirectUris: 'not an array', grantTypes: ['MAGIC'] }
  for (let i = 0; i < 20; i++) body[`unknown_${i}_${'n'.repeat(38_000)}`] = i
  const text = JSON.stringify(body)
  t.ok(text.length > 750_000, `${text.length} bytes sent`)
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const started = performance.now()
  const response = await live.send('editor', 'POST', '/api/clients', text)
  const elapsed = performance.now() - started
  delay.disable()
  const { text: answer, body: problem } = await problemOf(response)
  t.equal(response.status, 400)
  t.ok(answer.length < 16 * 1024, `the answer is ${answer.length} bytes`)
  t.ok(problem.errors.length <= 20, `${problem.errors.length} errors listed`)
  const listed = problem.errors.map((error: { path: string, message: string }) => `${error.path} ${error.message}`)
  t.equal(new Set(listed).size, listed.length, 'each listed once')
  t.match(problem.detail, /; 19 more in errors \(the first 20 are listed\)$/, 'the detail names the first and counts the others')
  t.equal(before(), 0, 'nothing forwarded')
  t.comment(`answered in ${elapsed.toFixed(0)} ms; event loop delay max ${(delay.max / 1e6).toFixed(0)} ms`)
})

test('POST /api/clients ...should refuse an anonymous body by the session check, before it is validated or read', async t => {
  const live = await liveApp(t)
  const body = JSON.stringify(Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`bad_${i}_${'x'.repeat(200)}`, i])))
  const response = await live.send(null, 'POST', '/api/clients', body)
  t.equal(response.status, 401)
  const { text } = await problemOf(response)
  t.ok(text.length < 1024)
  t.notMatch(text, /bad_/)
  const login = await live.send(null, 'POST', '/auth/login', JSON.stringify({ username: 'a', ...Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`bad_${i}_${'x'.repeat(200)}`, i])) }))
  t.equal(login.status, 413, 'an anonymous 880 KB login is refused by its size')
})

test('PUT /api/clients/:clientId ...should answer 400 to a property given twice, naming it, and forward nothing', async t => {
  const live = await liveApp(t)
  const before = upstreamCalls(live.app)
  const response = await live.send('editor', 'POST', '/api/clients', '{"clientName":"shown in the audit","redirectUris":["https://a.example/cb"],"clientName":"sent upstream"}')
  const { body } = await problemOf(response)
  t.equal(response.status, 400)
  t.match(body, { code: 'BFF_JSON_DUPLICATE_PROPERTY', detail: /"clientName" twice/ })
  const nested = await live.send('editor', 'PATCH', '/api/clients/26478243745571', '{"extension":{"accessTokenDuration":1,"access\\u0054okenDuration":2}}', { 'content-type': 'application/merge-patch+json' })
  t.equal(nested.status, 400, 'also one level down, and through escapes')
  t.match((await problemOf(nested)).body.detail, /"accessTokenDuration" twice/)
  const fine = await live.send('editor', 'POST', '/api/clients', '{"clientName":"a","attributes":[{"key":"k","value":"v"},{"key":"k2","value":"v"}],"description":"\\"clientName\\":"}')
  t.equal(fine.status, 201, 'the same name in sibling objects, or inside a string, is not a duplicate')
  t.equal(before(), 1, 'only the valid one was forwarded')
})

test('PUT /api/clients/:clientId/registration ...should answer 400 to metadata nested deeper than 32, never a 500', async t => {
  const live = await liveApp(t)
  const before = upstreamCalls(live.app)
  const deep = `{"registrationAccessToken":"t","metadata":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`
  const response = await live.send('editor', 'PUT', `/api/clients/${DYNAMIC}/registration`, deep)
  t.equal(response.status, 400)
  t.match((await problemOf(response)).body, { code: 'BFF_JSON_TOO_DEEP', detail: /deeper than 32/ })
  t.equal(before(), 0, 'nothing was forwarded for it')
  const ok = `{"registrationAccessToken":"t","metadata":{"x":${'['.repeat(30)}${']'.repeat(30)}}}`
  t.not((await live.send('editor', 'PUT', `/api/clients/${DYNAMIC}/registration`, ok)).status, 400, '32 levels are accepted')
  t.equal(before(), 2, 'only that one was forwarded: the read of the client that an editor\'s update needs, then the update')
})
