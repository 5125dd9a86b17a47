import t from 'tap'
import { assertNamesProperty, assertProblem, harness, DYNAMIC, PORTAL } from './support.ts'

// Many harnesses (an app and three logins each): on a loaded machine, more than tap's default minute.
t.setTimeout(180_000)

const WRITES = [
  { method: 'POST', url: '/api/clients' },
  { method: 'PUT', url: `/api/clients/${PORTAL}` },
  { method: 'PATCH', url: `/api/clients/${PORTAL}` }
] as const

for (const { method, url } of WRITES) {
  const route = method === 'POST' ? '/api/clients' : '/api/clients/:clientId'

  // PUT takes them back when they equal the current values (put-round-trip.test.ts): to compare, it reads.
  const sentFor = method === 'PUT' ? 'nothing but the read of the current client sent upstream' : 'nothing sent upstream'
  t.test(`${method} ${route} ...should answer 400 naming each server-owned property sent${method === 'PUT' ? ' with another value than the current one' : ''}, with ${sentFor}`, async t => {
    const h = await harness(t)
    const log = h.mark()
    const values = { clientId: 1, number: 2, serviceNumber: 3, createdAt: 4, modifiedAt: 5, clientSecret: 'x', dynamicallyRegistered: true }
    for (const [name, value] of Object.entries(values)) {
      const problem = assertProblem(t, await h.call('admin', method, url, { clientName: 'ok', [name]: value }), 400)
      assertNamesProperty(t, problem, `/body/${name}`)
    }
    t.same(log.sent().filter(request => request.method !== 'GET'), [], 'nothing changed upstream')
    t.equal(log.sent().length, method === 'PUT' ? Object.keys(values).length : 0, sentFor)
  })

  t.test(`${method} ${route} ...should answer 400 naming unknown properties, at any depth, instead of stripping them`, async t => {
    const h = await harness(t)
    const log = h.mark()
    const top = assertProblem(t, await h.call('editor', method, url, { clientName: 'ok', clientNmae: 'typo' }), 400)
    assertNamesProperty(t, top, '/body/clientNmae')
    const nested = assertProblem(t, await h.call('editor', method, url, { extension: { accessTokenDuration: 5, tokenTtl: 1 } }), 400)
    assertNamesProperty(t, nested, '/body/extension/tokenTtl')
    const inArray = assertProblem(t, await h.call('editor', method, url, { attributes: [{ key: 'k', value: 'v', secret: true }] }), 400)
    assertNamesProperty(t, inArray, '/body/attributes/0/secret')
    const two = assertProblem(t, await h.call('editor', method, url, { clientName: 1, foo: 2 }), 400)
    t.same(two.errors.map((error: { path: string }) => error.path).sort(), ['/body/clientName', '/body/foo'], 'every offending property is named')
    t.same(log.sent(), [], 'nothing sent upstream')
  })

  t.test(`${method} ${route} ...should answer 400 to values of the wrong type instead of coercing them`, async t => {
    const h = await harness(t)
    const log = h.mark()
    for (const body of [{ clientIdAliasEnabled: 'true' }, { defaultMaxAge: '5' }, { clientName: 5 }, { contacts: 'a@example.com' }, { clientType: 'public' }, { extension: { accessTokenDuration: '60' } }]) {
      const problem = assertProblem(t, await h.call('editor', method, url, body), 400)
      t.ok(problem.errors.length > 0, JSON.stringify(body))
    }
    t.same(log.sent(), [], 'nothing sent upstream')
  })
}

t.test('PUT /api/clients/:clientId ...should answer 400 to a null property (only a merge patch may hold null)', async t => {
  const h = await harness(t)
  const log = h.mark()
  const problem = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${PORTAL}`, { clientName: 'x', description: null }), 400)
  t.match(problem.errors, [{ path: '/body/description' }])
  t.same(log.sent(), [])
})

// Every route that reads a JSON body, with a valid body.
const BODY_ROUTES = [
  { method: 'POST', url: '/api/clients', route: '/api/clients', body: { clientName: 'x' } },
  { method: 'PUT', url: `/api/clients/${PORTAL}`, route: '/api/clients/:clientId', body: { clientName: 'x' } },
  { method: 'PATCH', url: `/api/clients/${PORTAL}`, route: '/api/clients/:clientId', body: { clientName: 'x' } },
  { method: 'PUT', url: '/api/clients/portal/lock', route: '/api/clients/:clientIdentifier/lock', body: { locked: true } },
  { method: 'PUT', url: '/api/clients/portal/secret', route: '/api/clients/:clientIdentifier/secret', body: { clientSecret: 'a'.repeat(32) } },
  { method: 'PUT', url: `/api/clients/${PORTAL}/authorizations/john`, route: '/api/clients/:clientId/authorizations/:subject', body: { scopes: ['openid'] } },
  { method: 'PUT', url: `/api/clients/${DYNAMIC}/registration`, route: '/api/clients/:clientId/registration', body: { registrationAccessToken: 't', metadata: {} } }
] as const

const NOT_JSON: Array<[string, string]> = [
  ['text/plain', '{"clientName":"x"}'],
  ['text/plain; charset=utf-8', '{"locked":true}'],
  ['application/x-www-form-urlencoded', 'clientName=x&locked=true'],
  ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="clientName"\r\n\r\nx\r\n--b--\r\n'],
  ['application/xml', '<client/>'],
  ['application/jsonx', '{"clientName":"x"}']
]

for (const { method, url, route, body } of BODY_ROUTES) {
  t.test(`${method} ${route} ...should answer 415 to text, form and multipart bodies without calling upstream`, async t => {
    const h = await harness(t)
    const log = h.mark()
    for (const [type, payload] of NOT_JSON) {
      const problem = assertProblem(t, await h.call('admin', method, url, payload, { 'content-type': type }), 415)
      t.equal(problem.code, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', type)
    }
    t.same(log.sent(), [], 'nothing sent upstream')
  })

  t.test(`${method} ${route} ...should read and validate a JSON body whatever the case or spacing of the Content-Type`, async t => {
    const h = await harness(t)
    for (const type of ['Application/JSON ; charset=UTF-8', 'APPLICATION/JSON', 'application/json;charset=utf-8']) {
      // An unknown property proves the body was parsed and validated, not ignored.
      const problem = assertProblem(t, await h.call('admin', method, url, JSON.stringify({ ...body, bogus: 1 }), { 'content-type': type }), 400)
      assertNamesProperty(t, problem, '/body/bogus')
    }
    const log = h.mark()
    const ok = await h.call('admin', method, url, JSON.stringify(body), { 'content-type': 'Application/JSON ; charset=UTF-8' })
    t.not(ok.statusCode, 415)
    t.ok(ok.statusCode < 500, `answered ${ok.statusCode}`)
    t.ok(log.sent().length >= 1, 'the valid body was forwarded')
  })
}

t.test('POST /api/clients ...should answer 400 problems to malformed or empty JSON without calling upstream', async t => {
  const h = await harness(t)
  const log = h.mark()
  for (const payload of ['{"clientName":', '', 'null', '[]', '"x"', '{"a":1}{"b":2}']) {
    assertProblem(t, await h.call('editor', 'POST', '/api/clients', payload, { 'content-type': 'application/json' }), 400)
  }
  t.same(log.sent(), [])
})

t.test('POST /api/clients ...should refuse __proto__ and constructor keys with a 400', async t => {
  const h = await harness(t)
  const log = h.mark()
  for (const payload of ['{"clientName":"x","__proto__":{"clientSecret":"s"}}', '{"clientName":"x","constructor":{"prototype":{"a":1}}}']) {
    const response = await h.call('editor', 'POST', '/api/clients', payload, { 'content-type': 'application/json' })
    assertProblem(t, response, 400)
  }
  t.same(log.sent(), [])
})

t.test('POST /api/clients ...should list the allowed values of an enum it refuses', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('editor', 'POST', '/api/clients', { clientType: 'public', grantTypes: ['AUTHORIZATION_CODE', 'FOO'] }), 400)
  t.same(problem.errors, [
    { path: '/body/clientType', message: 'must be one of "PUBLIC", "CONFIDENTIAL"' },
    { path: '/body/grantTypes/1', message: 'must be one of "AUTHORIZATION_CODE", "IMPLICIT", "PASSWORD", "CLIENT_CREDENTIALS", "REFRESH_TOKEN", "CIBA", "DEVICE_CODE", "TOKEN_EXCHANGE", "JWT_BEARER"' }
  ])
  t.match(problem.detail, /clientType must be one of "PUBLIC", "CONFIDENTIAL"/)
})

t.test('PATCH /api/clients/:clientId ...should give one message per wrongly typed property, saying null is allowed', async t => {
  const h = await harness(t)
  const patch = (body: unknown) => h.call('editor', 'PATCH', `/api/clients/${PORTAL}`, body, { 'content-type': 'application/merge-patch+json' })
  const typed = assertProblem(t, await patch({ clientName: 5, clientType: 'public', applicationType: 'DESKTOP', extension: { accessTokenDuration: '60' }, grantTypes: ['FOO'] }), 400)
  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path)
  t.same([...typed.errors].sort(byPath), [
    { path: '/body/clientName', message: 'must be string, or null' },
    { path: '/body/clientType', message: 'must be one of "PUBLIC", "CONFIDENTIAL", or null' },
    { path: '/body/applicationType', message: 'must be one of "WEB", "NATIVE", or null' },
    { path: '/body/grantTypes/0', message: 'must be one of "AUTHORIZATION_CODE", "IMPLICIT", "PASSWORD", "CLIENT_CREDENTIALS", "REFRESH_TOKEN", "CIBA", "DEVICE_CODE", "TOKEN_EXCHANGE", "JWT_BEARER"' },
    { path: '/body/extension/accessTokenDuration', message: 'must be integer, or null' }
  ].sort(byPath), 'one message per property')
  t.notMatch(JSON.stringify(typed), /must be null|must match a schema in anyOf/, 'no message for the null alternative alone, nor for the union')
})

t.test('PUT /api/clients/:clientId ...should answer 415 naming the media types it accepts', async t => {
  const h = await harness(t)
  const problem = assertProblem(t, await h.call('editor', 'PUT', `/api/clients/${PORTAL}`, 'clientName=x', { 'content-type': 'text/plain' }), 415)
  t.equal(problem.code, 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
  t.equal(problem.detail, 'Content-Type "text/plain" is not accepted; send application/json or application/merge-patch+json')
})
