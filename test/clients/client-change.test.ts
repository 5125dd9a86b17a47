import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Role } from '../../src/auth/roles.ts'
import type { AuthleteClient } from '../../src/upstream/authlete-api.ts'
import { createClientEtag } from '../../src/clients/etag.ts'
import clientChanges, { clientChangeSteps, registrationMetadata, type ClientChange } from '../../src/clients/client-change.ts'

const CLIENT_ID = '1234'
const CURRENT = {
  number: 7,
  clientId: 1234,
  clientSecret: 'current-secret',
  createdAt: 1700000000000,
  modifiedAt: 1700000001000,
  clientName: 'Portal',
  description: 'the portal',
  logoUri: 'https://portal.example/logo.png',
  clientType: 'CONFIDENTIAL',
  tokenAuthMethod: 'PRIVATE_KEY_JWT',
  jwksUri: 'https://portal.example/jwks',
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN']
}
const CREDENTIALS = { clientType: 'CONFIDENTIAL', tokenAuthMethod: 'PRIVATE_KEY_JWT', jwksUri: 'https://portal.example/jwks' }
const WRITABLE = { clientName: 'Portal', description: 'the portal', logoUri: 'https://portal.example/logo.png', ...CREDENTIALS, grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] }
const etagOf = createClientEtag('etag key')

/**
 * The steps over a tiny app: Authlete's getClient answering CURRENT (counted), and auditRefusals
 * keeping each refusal it saw (the real one records the intent, then rethrows).
 */
function steps () {
  const bytes = Buffer.from(JSON.stringify(CURRENT))
  const reads: string[] = []
  const audited: unknown[] = []
  const app = {
    authlete: {
      getClient: async (_calls: unknown, clientId: string) => {
        reads.push(clientId)
        return { status: 200, data: JSON.parse(bytes.toString()) as AuthleteClient, bytes }
      }
    },
    auditRefusals: async <T>(_request: FastifyRequest, _reply: FastifyReply, work: () => T | Promise<T>): Promise<T> => {
      try {
        return await work()
      } catch (refusal) {
        audited.push(refusal)
        throw refusal
      }
    }
  }
  return { ...clientChangeSteps(app as unknown as FastifyInstance, etagOf), reads, audited, currentTag: etagOf(bytes) }
}

function newRequest (roles: Role[] | null, body: Record<string, unknown>, headers: Record<string, string> = {}): FastifyRequest {
  return {
    params: { clientId: CLIENT_ID },
    body,
    headers,
    identity: roles === null ? null : { roles },
    upstreamCalls: [],
    server: {},
    clientChange: null
  } as unknown as FastifyRequest
}
const reply = {} as FastifyReply
const changeOf = (request: FastifyRequest): ClientChange | null => request.clientChange

async function refusal (t: Test, work: Promise<void>, statusCode: number, code: string, message?: string): Promise<void> {
  const error = await work.then(() => undefined, (error: unknown) => error as { statusCode: number, code: string, message: string })
  t.equal(error?.code, code, 'refused')
  t.equal(error?.statusCode, statusCode)
  if (message !== undefined) t.equal(error?.message, message)
}
const forbidden = (name: string): string => `Changing ${name} needs the admin role: it decides how the client authenticates`

t.test('create ...should set the new client as sent (a copy), with nothing before it, and read nothing', async t => {
  const s = steps()
  const body = { clientName: 'new', clientType: 'PUBLIC', tokenAuthMethod: 'NONE' }
  const request = newRequest(['editor'], body)
  await s.create(request, reply)
  t.strictSame(changeOf(request), { before: null, after: body })
  t.not(changeOf(request)?.after, body, 'a copy')
  t.strictSame(s.reads, [])
  t.strictSame(s.audited, [])
})

t.test('create ...should refuse a credential property below admin (403, audited), and let an admin give it', async t => {
  for (const roles of [['editor'], null] as const) {
    const s = steps()
    const request = newRequest(roles === null ? null : [...roles], { clientName: 'x', jwksUri: 'https://evil.example' })
    await refusal(t, s.create(request, reply), 403, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN', forbidden('jwksUri'))
    t.equal(s.audited.length, 1, 'audited')
    t.equal(changeOf(request), null, 'no change set')
  }
  const s = steps()
  const request = newRequest(['admin'], { clientName: 'x', jwksUri: 'https://a.example' })
  await s.create(request, reply)
  t.strictSame(changeOf(request)?.after, { clientName: 'x', jwksUri: 'https://a.example' })
})

t.test('replace ...should take an admin\'s PUT without If-Match or echoed properties as it is, without a read', async t => {
  const s = steps()
  const body = { clientName: 'replaced', tokenAuthMethod: 'NONE' }
  const request = newRequest(['admin'], body)
  await s.replace(request, reply)
  t.equal(changeOf(request)?.before, null)
  t.equal(changeOf(request)?.after, body, 'the body itself')
  t.strictSame(s.reads, [])
})

t.test('replace ...should read the client for an admin\'s PUT with If-Match, and answer 412 (audited) when the tag is stale', async t => {
  for (const stale of [() => '"stale"', (tag: string) => `W/${tag}`]) {
    const s = steps()
    const request = newRequest(['admin'], { clientName: 'x' }, { 'if-match': stale(s.currentTag) })
    await refusal(t, s.replace(request, reply), 412, 'BFF_PRECONDITION_FAILED', `If-Match does not match the current ETag of client ${CLIENT_ID}`)
    t.strictSame(s.reads, [CLIENT_ID])
    t.equal(s.audited.length, 1, 'audited')
    t.equal(changeOf(request), null)
  }
  for (const ifMatch of ['current', '*']) {
    const s = steps()
    const body = { clientName: 'x', tokenAuthMethod: 'NONE' }
    const request = newRequest(['admin'], body, { 'if-match': ifMatch === 'current' ? s.currentTag : ifMatch })
    await s.replace(request, reply)
    t.strictSame(changeOf(request), { before: CURRENT, after: { clientName: 'x', tokenAuthMethod: 'NONE' } }, ifMatch)
    t.strictSame(s.reads, [CLIENT_ID])
  }
})

t.test('replace ...should read the client for echoed server-owned properties: drop them when they are current, answer 400 (not audited) when not', async t => {
  const s = steps()
  const body = { ...CURRENT, clientName: 'edited' }
  const request = newRequest(['admin'], body)
  await s.replace(request, reply)
  t.strictSame(changeOf(request), { before: CURRENT, after: { ...WRITABLE, clientName: 'edited' } })
  t.strictSame(s.reads, [CLIENT_ID])

  const differing = steps()
  const stale = newRequest(['admin'], { ...CURRENT, modifiedAt: 1 })
  await refusal(t, differing.replace(stale, reply), 400, 'BFF_READ_ONLY_CHANGED', 'Read-only properties differ from the client\'s current values: modifiedAt')
  t.strictSame(differing.audited, [], 'bad input, not audited')
  t.equal(changeOf(stale), null)
})

t.test('replace ...should answer 412 to a stale If-Match before comparing echoed properties', async t => {
  const s = steps()
  const request = newRequest(['admin'], { ...CURRENT, modifiedAt: 1 }, { 'if-match': '"stale"' })
  await refusal(t, s.replace(request, reply), 412, 'BFF_PRECONDITION_FAILED')
  t.equal(s.audited.length, 1)
})

t.test('replace ...should read the client for an editor\'s PUT and carry its credential properties over', async t => {
  for (const roles of [['editor'], null] as const) {
    const s = steps()
    const request = newRequest(roles === null ? null : [...roles], { clientName: 'editor\'s' })
    await s.replace(request, reply)
    t.strictSame(changeOf(request), { before: CURRENT, after: { clientName: 'editor\'s', ...CREDENTIALS } })
    t.strictSame(s.reads, [CLIENT_ID], 'read once')
  }
  const s = steps()
  const request = newRequest(['editor'], { clientName: 'x', tokenAuthMethod: 'NONE' })
  await refusal(t, s.replace(request, reply), 403, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN', forbidden('tokenAuthMethod'))
  t.equal(s.audited.length, 1, 'audited')
})

t.test('patch ...should merge the patch into the client\'s writable properties, keep credentials an editor leaves alone, and read once', async t => {
  const s = steps()
  const request = newRequest(['editor'], { clientName: 'patched', description: null, grantTypes: ['AUTHORIZATION_CODE'] })
  await s.patch(request, reply)
  t.strictSame(changeOf(request), { before: CURRENT, after: { clientName: 'patched', logoUri: 'https://portal.example/logo.png', ...CREDENTIALS, grantTypes: ['AUTHORIZATION_CODE'] } })
  t.strictSame(s.reads, [CLIENT_ID])
  const current = steps()
  const tagged = newRequest(['editor'], {}, { 'if-match': current.currentTag })
  await current.patch(tagged, reply)
  t.strictSame(changeOf(tagged)?.after, WRITABLE, 'an empty patch changes nothing, server-owned properties left out')
})

t.test('patch ...should refuse an editor\'s patch that removes or changes a credential property (403), and let an admin', async t => {
  for (const patch of [{ tokenAuthMethod: null }, { jwksUri: 'https://evil.example' }, { clientType: 'PUBLIC' }]) {
    const s = steps()
    const request = newRequest(['editor'], patch)
    await refusal(t, s.patch(request, reply), 403, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN', forbidden(Object.keys(patch)[0]!))
    t.equal(s.audited.length, 1, 'audited')
    t.equal(changeOf(request), null)
  }
  const s = steps()
  const request = newRequest(['admin'], { tokenAuthMethod: null, clientType: 'PUBLIC' })
  await s.patch(request, reply)
  const { tokenAuthMethod: _removed, ...rest } = WRITABLE
  t.strictSame(changeOf(request)?.after, { ...rest, clientType: 'PUBLIC' })
})

t.test('patch ...should answer 412 (audited) to a stale If-Match', async t => {
  const s = steps()
  const request = newRequest(['admin'], { clientName: 'x' }, { 'if-match': '"stale"' })
  await refusal(t, s.patch(request, reply), 412, 'BFF_PRECONDITION_FAILED')
  t.equal(s.audited.length, 1)
  t.equal(changeOf(request), null)
})

t.test('registration ...should refuse credential metadata below admin (403, audited) before reading the client', async t => {
  const s = steps()
  const request = newRequest(['editor'], { registrationAccessToken: 't', metadata: { client_name: 'x', jwks_uri: 'https://evil.example' } })
  await refusal(t, s.registration(request, reply), 403, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN', forbidden('jwks_uri'))
  t.strictSame(s.reads, [], 'no read')
  t.equal(s.audited.length, 1)
})

t.test('registration ...should make the client an editor\'s update would: the metadata replaces the client\'s, its credential metadata kept', async t => {
  const s = steps()
  const request = newRequest(['editor'], { registrationAccessToken: 't', metadata: { client_name: 'registered', grant_types: ['authorization_code'] } })
  await s.registration(request, reply)
  const change = changeOf(request)!
  t.strictSame(change.before, CURRENT)
  t.strictSame(s.reads, [CLIENT_ID])
  t.match(change.after, { clientName: 'registered', grantTypes: ['AUTHORIZATION_CODE'], tokenAuthMethod: 'PRIVATE_KEY_JWT', jwksUri: 'https://portal.example/jwks', clientSecret: 'current-secret', number: 7 })
  t.notOk('logoUri' in change.after, 'metadata it leaves out is dropped')
  t.equal(change.after.description, 'the portal', 'what is not RFC 7591 metadata stays')
})

t.test('registration ...should make the client an admin\'s update would: what it leaves out goes back to the defaults', async t => {
  const s = steps()
  const request = newRequest(['admin'], { registrationAccessToken: 't', metadata: { client_name: 'registered' } })
  await s.registration(request, reply)
  const { after } = changeOf(request)!
  t.match(after, { clientName: 'registered', tokenAuthMethod: 'CLIENT_SECRET_BASIC', grantTypes: ['AUTHORIZATION_CODE'], clientType: 'CONFIDENTIAL' })
  t.notOk('jwksUri' in after, 'removed, not set to undefined')
  t.notOk('jwks' in after)
})

t.test('registration ...should leave the client as it is when Authlete would refuse the metadata, and let any other error through', async t => {
  const s = steps()
  const request = newRequest(['admin'], { registrationAccessToken: 't', metadata: { grant_types: ['no_such_grant'] } })
  await s.registration(request, reply)
  t.strictSame(changeOf(request), { before: CURRENT, after: CURRENT })
  t.not(changeOf(request)?.after, changeOf(request)?.before, 'a copy')
  const broken = new TypeError('metadata unreadable')
  const metadata = Object.defineProperty({}, 'client_name', { enumerable: true, get () { throw broken } })
  await t.rejects(steps().registration(newRequest(['admin'], { registrationAccessToken: 't', metadata }), reply), broken)
})

t.test('registrationMetadata ...should send an admin\'s metadata as it is, and add the current credential metadata to anyone else\'s', async t => {
  const given = { client_name: 'x' }
  const withCredentials = { client_name: 'x', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://portal.example/jwks' }
  const before = CURRENT as unknown as AuthleteClient
  t.equal(registrationMetadata(newRequest(['admin'], { metadata: given }), before), given)
  t.strictSame(registrationMetadata(newRequest(['editor'], { metadata: given }), before), withCredentials)
  t.strictSame(registrationMetadata(newRequest(null, { metadata: given }), before), withCredentials, 'no identity')
})

t.test('clientChanges ...should declare request.clientChange as null for every route, as the client-changes plugin', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(clientChanges)
  app.get('/', async request => ({ change: request.clientChange, declared: 'clientChange' in request }))
  t.strictSame((await app.inject('/')).json(), { change: null, declared: true })
  t.ok(app.hasPlugin('client-changes'))
})
