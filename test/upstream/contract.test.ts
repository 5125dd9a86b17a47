import t, { type Test } from 'tap'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RecordedRequest } from '../../src/sandbox/emulator.ts'
import { harness, writablePart, type Harness, type Role, DYNAMIC, MOBILE, PORTAL, REPORTS } from '../clients/support.ts'

// The exact upstream request each route makes, for both API generations, as the emulator recorded
// it: method, raw path, raw query, JSON body and headers. One upstream call per route; two (read
// then update) for PATCH, and for PUT with If-Match.

type Version = 'v3' | 'v2'

interface Expected { method: string, path: string, query?: string, body?: unknown }

interface Exchange {
  role: Role
  method: string
  url: string
  body?: unknown
  headers?: Record<string, string>
  status: number
  upstream: Expected[]
}

interface Row { route: string, should: string, prepare: (h: Harness) => Promise<Exchange> }

// What a caller might try to pass through; none of it may reach Authlete.
const CALLER_HEADERS = {
  // Basic: a Bearer value would be taken for an API token.
  authorization: 'Basic Y2FsbGVyOnNlY3JldA==',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  forwarded: 'for=203.0.113.7',
  'x-real-ip': '203.0.113.7',
  connection: 'authorization'
}
const LEAKABLE = ['cookie', 'x-csrf-token', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip']
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' }

const NEW_CLIENT = { clientName: 'Contract', developer: 'acme', redirectUris: ['https://c.example/cb'], extension: { accessTokenDuration: 60 } }
const MOBILE_REPLACEMENT = { clientName: 'Acme Mobile', clientType: 'PUBLIC', grantTypes: ['AUTHORIZATION_CODE'], pkceRequired: true, pkceS256Required: true }
const METADATA = { client_name: 'Contract', contacts: ['x@initech.example'] }

const ROWS: Row[] = [
  {
    route: 'GET /api/clients',
    should: 'send GET client/get/list with developer, start=offset and end=offset+limit',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: '/api/clients?developer=acme&offset=20&limit=10', status: 200, upstream: [{ method: 'GET', path: 'client/get/list', query: 'developer=acme&start=20&end=30' }] })
  },
  {
    route: 'GET /api/clients',
    should: 'send start=0&end=20 when offset and limit are left out',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: '/api/clients', status: 200, upstream: [{ method: 'GET', path: 'client/get/list', query: 'start=0&end=20' }] })
  },
  {
    route: 'POST /api/clients',
    should: 'send POST client/create with the body as given',
    prepare: async () => ({ role: 'editor', method: 'POST', url: '/api/clients', body: NEW_CLIENT, status: 201, upstream: [{ method: 'POST', path: 'client/create', body: NEW_CLIENT }] })
  },
  {
    route: 'GET /api/clients/:clientId',
    should: 'send GET client/get/{clientId}',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: `/api/clients/${PORTAL}`, status: 200, upstream: [{ method: 'GET', path: `client/get/${PORTAL}` }] })
  },
  {
    route: 'PUT /api/clients/:clientId',
    should: 'send POST client/update/{clientId} with the body as given',
    // An admin's PUT is sent as given; below admin credential properties are carried over (credential-properties.test.ts).
    prepare: async () => ({ role: 'admin', method: 'PUT', url: `/api/clients/${MOBILE}`, body: MOBILE_REPLACEMENT, status: 200, upstream: [{ method: 'POST', path: `client/update/${MOBILE}`, body: MOBILE_REPLACEMENT }] })
  },
  {
    route: 'PUT /api/clients/:clientId',
    should: 'send GET client/get/{clientId} then POST client/update/{clientId} when If-Match is given',
    prepare: async h => {
      const etag = (await h.call('viewer', 'GET', `/api/clients/${MOBILE}`)).headers.etag as string
      return {
        role: 'admin',
        method: 'PUT',
        url: `/api/clients/${MOBILE}`,
        body: MOBILE_REPLACEMENT,
        headers: { 'if-match': etag },
        status: 200,
        upstream: [{ method: 'GET', path: `client/get/${MOBILE}` }, { method: 'POST', path: `client/update/${MOBILE}`, body: MOBILE_REPLACEMENT }]
      }
    }
  },
  {
    route: 'PATCH /api/clients/:clientId',
    should: 'send GET client/get/{clientId} then POST client/update/{clientId} with the merged writable properties',
    prepare: async h => {
      const current = (await h.call('admin', 'GET', `/api/clients/${REPORTS}`)).json()
      const merged: Record<string, unknown> = { ...writablePart(current), description: 'patched' }
      delete merged.attributes
      return {
        role: 'editor',
        method: 'PATCH',
        url: `/api/clients/${REPORTS}`,
        body: JSON.stringify({ description: 'patched', attributes: null }),
        headers: MERGE_PATCH,
        status: 200,
        upstream: [{ method: 'GET', path: `client/get/${REPORTS}` }, { method: 'POST', path: `client/update/${REPORTS}`, body: merged }]
      }
    }
  },
  {
    route: 'DELETE /api/clients/:clientId',
    should: 'send DELETE client/delete/{clientId}',
    prepare: async h => {
      const id = String((await h.call('editor', 'POST', '/api/clients', { clientName: 'Doomed' })).json().clientId)
      return { role: 'admin', method: 'DELETE', url: `/api/clients/${id}`, status: 204, upstream: [{ method: 'DELETE', path: `client/delete/${id}` }] }
    }
  },
  {
    route: 'PUT /api/clients/:clientIdentifier/lock',
    should: 'send POST client/lock_flag/update/{clientIdentifier} with {clientLocked}',
    prepare: async () => ({ role: 'editor', method: 'PUT', url: '/api/clients/portal/lock', body: { locked: true }, status: 200, upstream: [{ method: 'POST', path: 'client/lock_flag/update/portal', body: { clientLocked: true } }] })
  },
  {
    route: 'POST /api/clients/:clientIdentifier/secret/refresh',
    should: 'send GET client/secret/refresh/{clientIdentifier} without a body',
    prepare: async () => ({ role: 'admin', method: 'POST', url: '/api/clients/portal/secret/refresh', status: 200, upstream: [{ method: 'GET', path: 'client/secret/refresh/portal' }] })
  },
  {
    route: 'PUT /api/clients/:clientIdentifier/secret',
    should: 'send POST client/secret/update/{clientIdentifier} with {clientSecret}',
    prepare: async () => ({ role: 'admin', method: 'PUT', url: `/api/clients/${REPORTS}/secret`, body: { clientSecret: 'Contract_secret-1_of_32_characters' }, status: 200, upstream: [{ method: 'POST', path: `client/secret/update/${REPORTS}`, body: { clientSecret: 'Contract_secret-1_of_32_characters' } }] })
  },
  {
    route: 'GET /api/subjects/:subject/clients',
    should: 'send GET client/authorization/get/list with subject, developer, start and end',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: '/api/subjects/john/clients?developer=acme&offset=1&limit=5', status: 200, upstream: [{ method: 'GET', path: 'client/authorization/get/list', query: 'subject=john&developer=acme&start=1&end=6' }] })
  },
  {
    route: 'GET /api/subjects/:subject/clients',
    should: 'send subject, start=0 and end=20 when nothing else is given',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: '/api/subjects/john/clients', status: 200, upstream: [{ method: 'GET', path: 'client/authorization/get/list', query: 'subject=john&start=0&end=20' }] })
  },
  {
    route: 'PUT /api/clients/:clientId/authorizations/:subject',
    should: 'send POST client/authorization/update/{clientId} with {subject, scopes}',
    prepare: async () => ({ role: 'editor', method: 'PUT', url: `/api/clients/${PORTAL}/authorizations/john`, body: { scopes: ['openid', 'profile'] }, status: 200, upstream: [{ method: 'POST', path: `client/authorization/update/${PORTAL}`, body: { subject: 'john', scopes: ['openid', 'profile'] } }] })
  },
  {
    route: 'PUT /api/clients/:clientId/authorizations/:subject',
    should: 'send {subject} alone when scopes are left out',
    prepare: async () => ({ role: 'editor', method: 'PUT', url: `/api/clients/${PORTAL}/authorizations/john`, body: {}, status: 200, upstream: [{ method: 'POST', path: `client/authorization/update/${PORTAL}`, body: { subject: 'john' } }] })
  },
  {
    route: 'DELETE /api/clients/:clientId/authorizations/:subject',
    should: 'send DELETE client/authorization/delete/{clientId}?subject',
    prepare: async () => ({ role: 'editor', method: 'DELETE', url: `/api/clients/${PORTAL}/authorizations/alice`, status: 200, upstream: [{ method: 'DELETE', path: `client/authorization/delete/${PORTAL}`, query: 'subject=alice' }] })
  },
  {
    route: 'GET /api/clients/:clientId/granted-scopes/:subject',
    should: 'send GET client/granted_scopes/get/{clientId}?subject',
    prepare: async () => ({ role: 'viewer', method: 'GET', url: `/api/clients/${MOBILE}/granted-scopes/john`, status: 200, upstream: [{ method: 'GET', path: `client/granted_scopes/get/${MOBILE}`, query: 'subject=john' }] })
  },
  {
    route: 'DELETE /api/clients/:clientId/granted-scopes/:subject',
    should: 'send DELETE client/granted_scopes/delete/{clientId}?subject',
    prepare: async () => ({ role: 'editor', method: 'DELETE', url: `/api/clients/${MOBILE}/granted-scopes/john`, status: 200, upstream: [{ method: 'DELETE', path: `client/granted_scopes/delete/${MOBILE}`, query: 'subject=john' }] })
  },
  registrationRow('admin', 'send POST client/registration/update with {clientId, token, json} where json is the metadata as a string (an admin\'s as given)',
    token => [{ method: 'POST', path: 'client/registration/update', body: { clientId: DYNAMIC, token, json: JSON.stringify(METADATA) } }]),
  registrationRow('editor', 'read the client, then send an editor\'s metadata with the client\'s current credential metadata added', token => [
    { method: 'GET', path: `client/get/${DYNAMIC}` },
    { method: 'POST', path: 'client/registration/update', body: { clientId: DYNAMIC, token, json: JSON.stringify({ ...METADATA, token_endpoint_auth_method: 'client_secret_basic' }) } }
  ])
]

// RFC 7592 with the seeded registration access token: `upstream` gets the token.
function registrationRow (role: Exchange['role'], should: string, upstream: (token: string) => Expected[]): Row {
  return {
    route: 'PUT /api/clients/:clientId/registration',
    should,
    prepare: async h => {
      const token = h.upstream.seed.registrationAccessToken
      return { role, method: 'PUT', url: `/api/clients/${DYNAMIC}/registration`, body: { registrationAccessToken: token, metadata: METADATA }, status: 200, upstream: upstream(token) }
    }
  }
}

function credentialOf (h: Harness, version: Version): string {
  const { accessToken, apiKey, apiSecret } = h.upstream.credentials
  return version === 'v3' ? `Bearer ${accessToken}` : `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`
}

function assertSent (t: Test, h: Harness, version: Version, actual: RecordedRequest | undefined, expected: Expected): void {
  if (actual === undefined) {
    t.fail(`no upstream request for ${expected.method} ${expected.path}`)
    return
  }
  const prefix = version === 'v3' ? `/api/${h.upstream.credentials.serviceId}/` : '/api/'
  t.equal(actual.method, expected.method, 'method')
  t.equal(actual.path, prefix + expected.path, 'raw path')
  t.equal(actual.query, expected.query ?? '', 'raw query')
  if (expected.body === undefined) t.equal(actual.body, '', 'no body')
  else t.same(JSON.parse(actual.body), expected.body, 'JSON body')
  t.equal(actual.headers.authorization, credentialOf(h, version), 'the service credential, not the caller\'s')
  t.equal(actual.headers['content-type'], expected.body === undefined ? undefined : 'application/json', 'content-type')
  t.equal(actual.headers.accept, 'application/json', 'accept')
  t.equal(actual.headers.host, new URL(h.upstream.url).host, 'host is the upstream\'s')
  for (const name of LEAKABLE) t.notOk(name in actual.headers, `no ${name} upstream`)
  const allowed = ['host', 'connection', 'authorization', 'accept', 'content-type', 'content-length']
  t.same(Object.keys(actual.headers).filter(name => !allowed.includes(name)), [], 'no other header upstream')
}

// Each API generation is one subtest with a plan: a generation whose rows do not all run fails.
for (const version of ['v3', 'v2'] as const) {
  t.test(`every route's upstream request (API ${version})`, async t => {
    t.plan(ROWS.length + 1)
    const h = await harness(t, { AUTHLETE_API_VERSION: version })

    for (const row of ROWS) {
      await t.test(`${row.route} ...should ${row.should} (${version})`, async t => {
        const exchange = await row.prepare(h)
        const log = h.mark()
        const response = await h.call(exchange.role, exchange.method, exchange.url, exchange.body, { ...CALLER_HEADERS, ...exchange.headers })
        t.equal(response.statusCode, exchange.status, response.body)
        const sent = log.sent()
        // The history reads the client around some writes (before a delete, after a lock or secret
        // change): the writes are compared exactly and in order, and the expected reads come first among the reads.
        const isRead = (path: string) => /(^|\/)client\/get\//.test(path)
        const writes = sent.filter(request => !isRead(request.path))
        const expectedWrites = exchange.upstream.filter(call => !isRead(call.path))
        t.equal(writes.length, expectedWrites.length, 'upstream writes')
        expectedWrites.forEach((expected, index) => assertSent(t, h, version, writes[index], expected))
        const reads = sent.filter(request => isRead(request.path))
        exchange.upstream.filter(call => isRead(call.path)).forEach((expected, index) => assertSent(t, h, version, reads[index], expected))
      })
    }

    await t.test(`GET /api/clients/:clientId ...should send only the service credential upstream over a real socket (${version})`, async t => {
      const app = h.app
      if (app.server.listening === false) await app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = app.server.address() as AddressInfo
      const log = h.mark()
      const status = await new Promise<number>((resolve, reject) => {
        const outgoing = request({
          host: '127.0.0.1',
          port,
          path: `/api/clients/${PORTAL}`,
          headers: { ...CALLER_HEADERS, cookie: `${h.sessions.viewer.cookie}; other=1`, connection: 'authorization, cookie' }
        }, response => { response.resume(); response.on('end', () => resolve(response.statusCode ?? 0)) })
        outgoing.on('error', reject)
        outgoing.end()
      })
      t.equal(status, 200)
      t.equal(log.sent().length, 1)
      assertSent(t, h, version, log.sent()[0], { method: 'GET', path: `client/get/${PORTAL}` })
    })
  })
}
