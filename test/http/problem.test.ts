import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { SEEDED_CLIENT_IDS } from '../../src/sandbox/seed.ts'

// The problem writer turns every error into an RFC 9457 problem. The routes throw the catalogue's
// errors and Fastify refuses bad requests with its own; the faulty routes below throw the other kinds
// a library or a bug can throw, which must be answered as safely.
const INTERNAL = 'internal text from db-host:5432'
const GENERIC = 'An unexpected error occurred; the request id identifies it in the logs'

function faultyRoutes (app: FastifyInstance): void {
  app.get<{ Params: { status: string } }>('/faulty/status/:status', async request => {
    const status = request.params.status === 'none' ? undefined : Number(request.params.status)
    throw Object.assign(new Error(INTERNAL), { statusCode: status })
  })
  app.get<{ Params: { code: string, status: string } }>('/faulty/code/:code/:status', async request => {
    throw Object.assign(new Error(`${INTERNAL} (${request.params.code})`), { code: request.params.code, statusCode: Number(request.params.status) })
  })
  // The policy step's refusal carries its findings (src/policy/policy-plugin.ts).
  app.get('/faulty/policy', async () => {
    throw Object.assign(new Error('redirect-uri-https'), { code: 'BFF_POLICY_VIOLATION', statusCode: 422, policyFindings: { violations: [{ id: 'redirect-uri-https' }], warnings: [] } })
  })
  // A validator of its own (as a plugin could run in a hook): issues in Ajv's shape, no context.
  app.get<{ Querystring: { issues: string } }>('/faulty/validation', async request => {
    const issues = Array.from({ length: Number(request.query.issues) }, (_, index) => ({ keyword: 'type', instancePath: `/field${index}`, params: { type: 'string' }, message: 'must be string' }))
    throw Object.assign(new Error(INTERNAL), { statusCode: 400, validation: issues })
  })
}

async function setup (t: Test) {
  const { app } = await buildTestApp(t, {}, { extend: faultyRoutes })
  return app
}

t.test('toProblem ...should answer an error whose status is not an error status (none, 2xx, 3xx, 600 and above) as a 500 with a generic detail', async t => {
  const app = await setup(t)
  for (const status of ['none', '200', '302', '399', '600', '700']) {
    const response = await app.inject({ url: `/faulty/status/${status}` })
    t.equal(response.statusCode, 500, status)
    t.same(response.json(), { type: 'urn:authlete-bff:problem:internal', title: 'Internal Server Error', status: 500, detail: GENERIC, requestId: response.json().requestId }, status)
  }
})

t.test('toProblem ...should keep a 4xx or 5xx status of an unknown error, with its message only below 500', async t => {
  const app = await setup(t)
  const client = await app.inject({ url: '/faulty/status/400' })
  t.equal(client.statusCode, 400)
  t.same(client.json(), { type: 'urn:authlete-bff:problem:request', title: 'Bad Request', status: 400, detail: INTERNAL, requestId: client.json().requestId })
  const server = await app.inject({ url: '/faulty/status/500' })
  t.equal(server.statusCode, 500)
  t.match(server.json(), { type: 'urn:authlete-bff:problem:internal', status: 500, detail: GENERIC })
  // 599 has no name: the title says Error.
  const unnamed = await app.inject({ url: '/faulty/status/599' })
  t.equal(unnamed.statusCode, 599)
  t.same(unnamed.json(), { type: 'urn:authlete-bff:problem:internal', title: 'Error', status: 599, detail: GENERIC, requestId: unnamed.json().requestId })
})

t.test('toProblem ...should give no code and no message of an error whose code is neither the proxy\'s (BFF_) nor Fastify\'s (FST_)', async t => {
  const app = await setup(t)
  for (const code of ['ERR_INVALID_ARG_TYPE', 'ECONNREFUSED', 'SQLITE_BUSY', 'XBFF_NOT_OURS', 'bff_lowercase']) {
    const server = await app.inject({ url: `/faulty/code/${code}/503` })
    t.equal(server.statusCode, 503, code)
    t.same(server.json(), { type: 'urn:authlete-bff:problem:internal', title: 'Service Unavailable', status: 503, detail: GENERIC, requestId: server.json().requestId }, code)
    const client = await app.inject({ url: `/faulty/code/${code}/409` })
    t.same(client.json(), { type: 'urn:authlete-bff:problem:request', title: 'Conflict', status: 409, detail: `${INTERNAL} (${code})`, requestId: client.json().requestId }, code)
  }
})

t.test('toProblem ...should name the code of the proxy\'s and Fastify\'s errors in the type without their prefix', async t => {
  const app = await setup(t)
  const ours = await app.inject({ url: '/faulty/code/BFF_SOME_THING/502' })
  t.same(ours.json(), { type: 'urn:authlete-bff:problem:some-thing', title: 'Bad Gateway', status: 502, detail: `${INTERNAL} (BFF_SOME_THING)`, requestId: ours.json().requestId, code: 'BFF_SOME_THING' })
  const fastify = await app.inject({ url: '/faulty/code/FST_ERR_SOME_THING/400' })
  t.match(fastify.json(), { type: 'urn:authlete-bff:problem:some-thing', code: 'FST_ERR_SOME_THING' })
})

t.test('toProblem ...should carry a policy refusal\'s violations and warnings', async t => {
  const app = await setup(t)
  const refused = await app.inject({ url: '/faulty/policy' })
  t.match(refused.json(), { status: 422, code: 'BFF_POLICY_VIOLATION', violations: [{ id: 'redirect-uri-https' }], warnings: [] })
})

t.test('toProblem ...should list the issues of a validation error without a context as body problems, the first one in the detail', async t => {
  const app = await setup(t)
  const one = await app.inject({ url: '/faulty/validation?issues=1' })
  t.equal(one.statusCode, 400)
  t.same(one.json(), {
    type: 'urn:authlete-bff:problem:validation',
    title: 'Bad Request',
    status: 400,
    detail: 'Invalid request body: /body/field0 must be string',
    requestId: one.json().requestId,
    errors: [{ path: '/body/field0', message: 'must be string' }]
  })
  t.equal((await app.inject({ url: '/faulty/validation?issues=2' })).json().detail, 'Invalid request body: /body/field0 must be string; 1 more in errors')
  const many = (await app.inject({ url: '/faulty/validation?issues=30' })).json()
  t.equal(many.errors.length, 20, 'at most 20 listed')
  t.equal(many.detail, 'Invalid request body: /body/field0 must be string; 19 more in errors (the first 20 are listed)')
  const none = await app.inject({ url: '/faulty/validation?issues=0' })
  t.match(none.json(), { type: 'urn:authlete-bff:problem:validation', status: 400, detail: 'Invalid request body', errors: [] })
  t.notMatch(none.body, /internal text/)
})

t.test('GET /api/clients ...should name the querystring parameter it refuses, in errors and in the detail', async t => {
  const app = await setup(t)
  const viewer = await login(app, 'viewer')
  const response = await app.inject({ url: '/api/clients?limit=many', headers: viewer.headers })
  t.equal(response.statusCode, 400)
  const problem = response.json()
  t.match(problem, { type: 'urn:authlete-bff:problem:validation', code: 'FST_ERR_VALIDATION', errors: [{ path: '/querystring/limit' }] })
  t.match(problem.detail, /^Invalid request querystring: \/querystring\/limit must be integer/)
})

t.test('PUT /api/clients/:clientId ...should answer 415 saying no Content-Type was sent, or quoting at most 100 characters of the one sent', async t => {
  const app = await setup(t)
  const editor = await login(app, 'editor')
  const none = await app.inject({ method: 'PUT', url: '/api/clients/1', headers: editor.headers, payload: 'clientName=x' })
  t.equal(none.statusCode, 415)
  t.match(none.json(), { type: 'urn:authlete-bff:problem:ctp-invalid-media-type', code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })
  t.equal(none.json().detail, 'No Content-Type was sent; send application/json or application/merge-patch+json')
  const long = `text/${'x'.repeat(300)}`
  const quoted = await app.inject({ method: 'PUT', url: '/api/clients/1', headers: { ...editor.headers, 'content-type': long }, payload: 'clientName=x' })
  t.equal(quoted.statusCode, 415)
  t.equal(quoted.json().detail, `Content-Type "${long.slice(0, 100)}" is not accepted; send application/json or application/merge-patch+json`)
})

t.test('PUT /api/clients/:clientId ...should keep the detail the proxy wrote for its own check, beside the list of errors', async t => {
  const app = await setup(t)
  const editor = await login(app, 'editor')
  const url = `/api/clients/${SEEDED_CLIENT_IDS.portal}`
  const current = (await app.inject({ url, headers: editor.headers })).json()
  const response = await app.inject({ method: 'PUT', url, headers: editor.headers, payload: { ...current, modifiedAt: 1 } })
  t.equal(response.statusCode, 400)
  t.match(response.json(), {
    type: 'urn:authlete-bff:problem:validation',
    code: 'BFF_READ_ONLY_CHANGED',
    detail: 'Read-only properties differ from the client\'s current values: modifiedAt',
    errors: [{ path: '/body/modifiedAt', message: 'modifiedAt is read-only: send its current value or leave it out' }]
  })
})
