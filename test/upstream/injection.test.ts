import t, { type Test } from 'tap'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { harness, type Harness, DYNAMIC, PORTAL } from '../clients/support.ts'

// Path and query injection: no caller value may reach another upstream path, add a query parameter
// or split one. Paths are sent byte for byte over a real socket (app.inject would normalise `..`).

interface RawAnswer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

async function start (t: Test, env: Record<string, string> = {}) {
  const h = await harness(t, env)
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = h.app.server.address() as AddressInfo
  const send = (method: string, path: string, body?: unknown): Promise<RawAnswer> => new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string> = { ...h.sessions.admin.headers }
    if (payload !== undefined) headers['content-type'] = 'application/json'
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, response => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', chunk => { text += chunk })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
    })
    outgoing.on('error', reject)
    outgoing.end(payload)
  })
  return { h, send }
}

const h3 = await start(t)
const prefix = (h: Harness) => `/api/${h.upstream.credentials.serviceId}/`

// Routes with :clientId, and a body each would accept.
const CLIENT_ID_ROUTES = [
  { method: 'GET', path: (id: string) => `/api/clients/${id}` },
  { method: 'PUT', path: (id: string) => `/api/clients/${id}`, body: { clientName: 'x' } },
  { method: 'PATCH', path: (id: string) => `/api/clients/${id}`, body: { clientName: 'x' } },
  { method: 'DELETE', path: (id: string) => `/api/clients/${id}` },
  { method: 'PUT', path: (id: string) => `/api/clients/${id}/authorizations/john`, body: {} },
  { method: 'DELETE', path: (id: string) => `/api/clients/${id}/authorizations/john` },
  { method: 'GET', path: (id: string) => `/api/clients/${id}/granted-scopes/john` },
  { method: 'DELETE', path: (id: string) => `/api/clients/${id}/granted-scopes/john` },
  { method: 'PUT', path: (id: string) => `/api/clients/${id}/registration`, body: { registrationAccessToken: 't', metadata: {} } }
]

const CLIENT_IDENTIFIER_ROUTES = [
  { method: 'PUT', path: (id: string) => `/api/clients/${id}/lock`, body: { locked: true } },
  { method: 'POST', path: (id: string) => `/api/clients/${id}/secret/refresh` },
  { method: 'PUT', path: (id: string) => `/api/clients/${id}/secret`, body: { clientSecret: 'a'.repeat(32) } }
]

// Values sent raw in the path (already percent-encoded where shown).
const BAD_CLIENT_IDS = ['..', '.', '%2e%2e', '%2F', '1%2F..%2Fdelete', `${PORTAL}%2F..%2F..%2Fcreate`, '1%3Fx=1', `${PORTAL}%3Fsubject=x`, '%23', `${PORTAL}%23`,
  '%C3%BC', '%EF%BC%91', '1%00', '1%20', '%201', '-1', '+1', '1.0', '0x1', 'portal', '1'.repeat(20)]
const BAD_CLIENT_IDENTIFIERS = ['..', '.', '%2e%2e', '%2E%2E', '%2e', '.%2e', 'a%2Fb', '%2F', 'a%3Fb', 'a%3Fx=1', 'a%23b', 'a%20b', '%C3%BC', 'a%00b', 'a%0Ab', 'a'.repeat(129)]
// Longer than the router's parameter limit (1024): see the framework-error tests below.
const TOO_LONG_FOR_ROUTER = ['1'.repeat(10_000), 'a'.repeat(2000)]

async function assertRefused (t: Test, h: Harness, answer: RawAnswer, statuses: number[], label: string, before: number): Promise<void> {
  t.ok(statuses.includes(answer.status), `${label}: answered ${answer.status}`)
  t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${label}: a problem`)
  t.equal(answer.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`)
  t.equal(h.upstream.requests.length, before, `${label}: nothing sent upstream`)
}

for (const value of BAD_CLIENT_IDS) {
  t.test(`GET|PUT|PATCH|DELETE /api/clients/:clientId[/...] ...should answer 400 or 404 to clientId ${JSON.stringify(value)} and send nothing upstream`, async t => {
    const { h, send } = h3
    for (const route of CLIENT_ID_ROUTES) {
      const before = h.upstream.requests.length
      await assertRefused(t, h, await send(route.method, route.path(value), route.body), [400, 404], `${route.method} ${route.path(value)}`, before)
    }
  })
}

for (const value of BAD_CLIENT_IDENTIFIERS) {
  t.test(`PUT|POST /api/clients/:clientIdentifier/(lock|secret[/refresh]) ...should answer 400 to ${JSON.stringify(value)} and send nothing upstream`, async t => {
    const { h, send } = h3
    for (const route of CLIENT_IDENTIFIER_ROUTES) {
      const before = h.upstream.requests.length
      await assertRefused(t, h, await send(route.method, route.path(value), route.body), [400], `${route.method} ${route.path(value)}`, before)
    }
  })
}

t.test('GET /api/clients/:clientId ...should send nothing upstream for values longer than the router allows, or not valid percent-encoding', async t => {
  const { h, send } = h3
  const before = h.upstream.requests.length
  for (const value of [...TOO_LONG_FOR_ROUTER, '%zz', '%E0%A4%A']) {
    for (const route of [...CLIENT_ID_ROUTES, ...CLIENT_IDENTIFIER_ROUTES]) {
      const answer = await send(route.method, route.path(value), route.body)
      t.ok(answer.status >= 400 && answer.status < 500, `${route.method} ${value.slice(0, 12)}: ${answer.status}`)
    }
  }
  t.equal(h.upstream.requests.length, before, 'nothing sent upstream')
})

// Fastify refuses these before routing (over-long parameter, bad percent-encoding); the answer must
// still be a problem with the API headers.
function assertProblem (t: Test, answer: RawAnswer, statuses: number[], label: string): void {
  t.ok(statuses.includes(answer.status), `${label}: answered ${answer.status}`)
  t.match(String(answer.headers['content-type']), /^application\/problem\+json/, `${label}: a problem`)
  t.equal(answer.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`)
  t.equal(answer.headers['cache-control'], 'no-store', `${label}: no-store`)
}

t.test('GET /api/clients/:clientId ...should answer a 400 or 404 problem to a 10,000-character clientId', async t => {
  const { send } = h3
  assertProblem(t, await send('GET', `/api/clients/${'1'.repeat(10_000)}`), [400, 404], 'long clientId')
  assertProblem(t, await send('PUT', `/api/clients/${'a'.repeat(2000)}/lock`, { locked: true }), [400], 'long clientIdentifier')
})

t.test('GET /api/clients/:clientId ...should answer a 400 problem to a clientId that is not valid percent-encoding', async t => {
  const { send } = h3
  assertProblem(t, await send('GET', '/api/clients/%zz'), [400], '%zz')
})

t.test('PUT /api/clients/:clientIdentifier/lock ...should send an alias of 128 characters from [A-Za-z0-9._~-] upstream as one path segment', async t => {
  const { h, send } = h3
  for (const alias of ['a'.repeat(128), 'a.b~c_d-e', '...', '.a', 'a..']) {
    const before = h.upstream.requests.length
    const answer = await send('PUT', `/api/clients/${alias}/lock`, { locked: true })
    t.equal(answer.status, 404, `${alias.slice(0, 12)}: the emulator knows no such alias`)
    // The history looks the alias up in the list first (its version needs the ID): the write is what is checked here.
    const sent = h.upstream.requests.slice(before).filter(request => !request.path.includes('/client/get/'))
    t.equal(sent.length, 1)
    t.equal(sent[0]?.path, `${prefix(h)}client/lock_flag/update/${alias}`)
    t.equal(sent[0]?.query, '')
  }
})

// Subjects travel in the upstream query (or body): each must arrive as exactly one `subject` value.
const SUBJECTS = ['a&subject=b', 'x#y', 'x%23y', '../..', '..', '.', 'ü', 'a b', 'a+b', 'a=b', 'john?x=1', '%', 'x/y', '\'"<>', '日本語', '😀', 's'.repeat(256)]

const SUBJECT_ROUTES = [
  { name: 'GET /api/subjects/:subject/clients', method: 'GET', path: (s: string) => `/api/subjects/${s}/clients`, upstream: 'client/authorization/get/list', query: ['subject', 'start', 'end'] },
  { name: 'DELETE /api/clients/:clientId/authorizations/:subject', method: 'DELETE', path: (s: string) => `/api/clients/${PORTAL}/authorizations/${s}`, upstream: `client/authorization/delete/${PORTAL}`, query: ['subject'] },
  { name: 'GET /api/clients/:clientId/granted-scopes/:subject', method: 'GET', path: (s: string) => `/api/clients/${PORTAL}/granted-scopes/${s}`, upstream: `client/granted_scopes/get/${PORTAL}`, query: ['subject'] },
  { name: 'DELETE /api/clients/:clientId/granted-scopes/:subject', method: 'DELETE', path: (s: string) => `/api/clients/${PORTAL}/granted-scopes/${s}`, upstream: `client/granted_scopes/delete/${PORTAL}`, query: ['subject'] }
]

for (const route of SUBJECT_ROUTES) {
  for (const subject of SUBJECTS) {
    t.test(`${route.name} ...should send the subject ${JSON.stringify(subject.slice(0, 20))} as exactly one query value on ${route.upstream}`, async t => {
      const { h, send } = h3
      const before = h.upstream.requests.length
      // `..` and `.` go raw: the router must take them as a value, never as a dot segment.
      const answer = await send(route.method, route.path(subject === '..' || subject === '.' ? subject : encodeURIComponent(subject)))
      t.equal(answer.status, 200, answer.body.slice(0, 200))
      const sent = h.upstream.requests.slice(before)
      t.equal(sent.length, 1, 'one upstream call')
      t.equal(sent[0]?.path, prefix(h) + route.upstream, 'the expected path')
      const query = new URLSearchParams(sent[0]?.query)
      t.same(query.getAll('subject'), [subject], 'exactly one subject, equal to the input')
      t.same([...new Set(query.keys())].sort(), [...route.query].sort(), 'no other parameter')
      if (route.query.includes('start')) t.same([query.getAll('start'), query.getAll('end')], [['0'], ['20']])
    })
  }
}

t.test('PUT /api/clients/:clientId/authorizations/:subject ...should send the subject as the body\'s subject, whatever it holds', async t => {
  const { h, send } = h3
  for (const subject of SUBJECTS) {
    const before = h.upstream.requests.length
    const answer = await send('PUT', `/api/clients/${PORTAL}/authorizations/${subject === '..' || subject === '.' ? subject : encodeURIComponent(subject)}`, { scopes: ['openid'] })
    t.equal(answer.status, 200, subject.slice(0, 20))
    const sent = h.upstream.requests.slice(before)
    t.equal(sent.length, 1)
    t.equal(sent[0]?.path, `${prefix(h)}client/authorization/update/${PORTAL}`)
    t.equal(sent[0]?.query, '')
    t.same(JSON.parse(sent[0]?.body ?? '{}'), { subject, scopes: ['openid'] })
  }
})

t.test('GET /api/subjects/:subject/clients ...should answer 400 to a subject over 256 characters or with control characters, sending nothing upstream', async t => {
  const { h, send } = h3
  for (const subject of ['s'.repeat(257), 's'.repeat(1000), 'a%00b', 'a%0Ab', 'a%0D%0AX-Injected:%201', '%7F']) {
    const routes = [...SUBJECT_ROUTES.map(route => ({ method: route.method, path: route.path(subject) })), { method: 'PUT', path: `/api/clients/${PORTAL}/authorizations/${subject}` }]
    for (const route of routes) {
      const before = h.upstream.requests.length
      await assertRefused(t, h, await send(route.method, route.path, route.method === 'PUT' ? {} : undefined), [400], `${route.method} ${route.path.slice(0, 50)}`, before)
    }
  }
})

t.test('GET /api/clients ...should send developer=a%26start%3D0 upstream as one developer value', async t => {
  const { h, send } = h3
  for (const [path, upstream] of [['/api/clients', 'client/get/list'], ['/api/subjects/john/clients', 'client/authorization/get/list']] as const) {
    for (const developer of ['a&start=0', 'a&end=99999', 'a#b', 'a=b', 'ü b']) {
      const before = h.upstream.requests.length
      const answer = await send('GET', `${path}?developer=${encodeURIComponent(developer)}`)
      t.equal(answer.status, 200, `${path} ${developer}`)
      const sent = h.upstream.requests.slice(before)
      t.equal(sent[0]?.path, prefix(h) + upstream)
      const query = new URLSearchParams(sent[0]?.query)
      t.same(query.getAll('developer'), [developer])
      t.same([query.getAll('start'), query.getAll('end')], [['0'], ['20']], 'paging untouched')
    }
  }
})

t.test('GET /api/clients ...should answer 400 to a developer with control characters or over 100 characters, sending nothing upstream', async t => {
  const { h, send } = h3
  const before = h.upstream.requests.length
  for (const developer of ['a%00', 'a%0Ab', 'd'.repeat(101)]) {
    const answer = await send('GET', `/api/clients?developer=${developer}`)
    t.equal(answer.status, 400, developer.slice(0, 12))
  }
  t.equal(h.upstream.requests.length, before)
})

t.test('GET /api/subjects/:subject/clients ...should send an awkward subject as one query value to the 2.x API too', async t => {
  const { h, send } = await start(t, { AUTHLETE_API_VERSION: 'v2' })
  const subject = 'a&subject=b#c d/../e'
  const before = h.upstream.requests.length
  t.equal((await send('GET', `/api/subjects/${encodeURIComponent(subject)}/clients?developer=acme`)).status, 200)
  const sent = h.upstream.requests.slice(before)
  t.equal(sent.length, 1)
  t.equal(sent[0]?.path, '/api/client/authorization/get/list')
  const query = new URLSearchParams(sent[0]?.query)
  t.same(query.getAll('subject'), [subject])
  t.same(query.getAll('developer'), ['acme'])
})

t.test('PUT /api/clients/:clientId/registration ...should send the clientId in the body and nothing in the path or query', async t => {
  const { h, send } = h3
  const before = h.upstream.requests.length
  await send('PUT', `/api/clients/${DYNAMIC}/registration`, { registrationAccessToken: 'x&clientId=1', metadata: { client_id: '1?x' } })
  // The reads around it (the policy's before, the history's after) are checked by the read tests above.
  const sent = h.upstream.requests.slice(before).filter(request => !request.path.includes('/client/get/'))
  t.equal(sent.length, 1)
  t.equal(sent[0]?.path, `${prefix(h)}client/registration/update`)
  t.equal(sent[0]?.query, '')
  const body = JSON.parse(sent[0]?.body ?? '{}')
  t.same(body, { clientId: DYNAMIC, token: 'x&clientId=1', json: '{"client_id":"1?x"}' })
})
