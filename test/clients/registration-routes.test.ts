import t from 'tap'
import type { AuthleteClient, RegistrationResult } from '../../src/upstream/authlete-api.ts'
import { toRegistrationMetadata } from '../../src/upstream/rfc7591.ts'
import { RegistrationContent, registrationAnswer } from '../../src/clients/registration-routes.ts'

const CONTENT = { client_id: '1234', client_name: 'Initech', client_secret: 's3cret', registration_access_token: 'rat' }
const answer = (data: Record<string, unknown>, roles: Array<'viewer' | 'editor' | 'admin'> = ['editor']) =>
  registrationAnswer(data as unknown as RegistrationResult, '1234', roles)
const unreadable = (data: Record<string, unknown>): string => {
  try {
    answer(data)
  } catch (error) {
    const { statusCode, code, cause } = error as { statusCode: number, code: string, cause: Error }
    if (statusCode !== 502 || code !== 'BFF_UPSTREAM_UNREADABLE') throw error
    return cause.message
  }
  throw new Error(`answered: ${JSON.stringify(data)}`)
}
const rawJson = (text: string): unknown => (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON(text)

t.test('registrationAnswer ...should answer the status each action names, with Authlete\'s RFC 7592 content as it is', async t => {
  for (const [action, status] of [['UPDATED', 200], ['BAD_REQUEST', 400], ['UNAUTHORIZED', 401], ['INTERNAL_SERVER_ERROR', 502]] as const) {
    const content = { error: 'e', error_description: `for ${action}`, anything_else: [1] }
    t.strictSame(answer({ action, responseContent: JSON.stringify(content) }), { status, content }, action)
  }
})

t.test('registrationAnswer ...should leave client_secret out for anyone but an admin, and keep the registration access token', async t => {
  const data = { action: 'UPDATED', responseContent: JSON.stringify(CONTENT) }
  const { client_secret: _secret, ...withoutSecret } = CONTENT
  t.strictSame(answer(data, ['editor']).content, withoutSecret)
  t.strictSame(answer(data, []).content, withoutSecret, 'no role')
  t.strictSame(answer(data, ['editor', 'admin']).content, CONTENT, 'an admin sees it')
})

t.test('registrationAnswer ...should answer 502 BFF_UPSTREAM_UNREADABLE naming an action it does not know, an Object.prototype name among them', async t => {
  for (const action of ['CREATED', 'updated', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 200, undefined]) {
    t.equal(unreadable({ action, responseContent: '{}' }), `registration update answered action ${String(action)}`, String(action))
  }
})

t.test('registrationAnswer ...should answer 502 when the content is not a JSON object and no client makes up for it', async t => {
  for (const responseContent of [undefined, null, 'not json', '[1]', 'null', '"text"', '5', 'true', '', 3, { client_id: '1' }, ['{"client_id":"1"}']]) {
    t.equal(unreadable({ action: 'BAD_REQUEST', responseContent }), 'registration update answered action BAD_REQUEST', JSON.stringify(responseContent) ?? 'undefined')
  }
  t.strictSame(answer({ action: 'BAD_REQUEST', responseContent: '{}' }), { status: 400, content: {} }, 'an empty object is content')
})

t.test('registrationAnswer ...should make the content of an UPDATED answer from its client when the content is unreadable (the documents\' example)', async t => {
  const client = { clientId: 987, clientName: 'From the client', clientSecret: 'client-secret', tokenAuthMethod: 'CLIENT_SECRET_BASIC', createdAt: 1641735467000 }
  for (const responseContent of [undefined, 'not json', '[1]']) {
    const { status, content } = answer({ action: 'UPDATED', responseContent, client })
    t.equal(status, 200)
    t.strictSame(content, (({ client_secret: _secret, ...rest }) => rest)(toRegistrationMetadata('987', client)), 'the client\'s metadata, its own ID')
    t.equal(content.client_id, '987')
    t.equal(content.client_name, 'From the client')
    t.equal(content.client_id_issued_at, 1641735467)
    t.notOk('client_secret' in content)
  }
  t.equal(answer({ action: 'UPDATED', client }, ['admin']).content.client_secret, 'client-secret', 'an admin sees the client\'s secret')
  t.equal(answer({ action: 'UPDATED', client: { clientName: 'no ID' } }).content.client_id, '1234', 'the route\'s client ID when the client has none')
  t.equal(answer({ action: 'UPDATED', client: { clientId: rawJson('12345678901234567890') } }).content.client_id, '12345678901234567890', 'an int64 ID digit for digit')
  t.equal(answer({ action: 'UPDATED', responseContent: '{"client_id":"5"}', client }).content.client_id, '5', 'readable content wins over the client')
})

t.test('registrationAnswer ...should not make content from a client that is not an object, nor for another action', async t => {
  for (const client of [null, 'text', [1], 5]) {
    t.equal(unreadable({ action: 'UPDATED', responseContent: 'not json', client }), 'registration update answered action UPDATED', JSON.stringify(client))
  }
  const client = { clientId: 987, clientName: 'x' } as unknown as AuthleteClient
  for (const action of ['BAD_REQUEST', 'UNAUTHORIZED', 'INTERNAL_SERVER_ERROR']) {
    t.equal(unreadable({ action, client }), `registration update answered action ${action}`, action)
  }
})

t.test('RegistrationContent ...should declare every name an RFC 7592 answer may carry (what an idempotent replay keeps), and pass on any other', async t => {
  const declared = Object.keys(RegistrationContent.properties)
  for (const name of declared) t.match(name, /^[a-z][a-z_]*[a-z]$/, `${name} is a metadata name`)
  t.equal(new Set(declared).size, declared.length, 'each once')
  const made = Object.keys(toRegistrationMetadata('1', {}, { token: 't', registrationClientUri: 'u' }))
  t.strictSame(made.filter(name => !declared.includes(name)), [], 'every name the proxy itself makes of a client')
  for (const name of ['client_id', 'client_secret', 'registration_access_token', 'registration_client_uri', 'software_statement', 'error', 'error_description']) {
    t.ok(declared.includes(name), name)
  }
  t.equal((RegistrationContent as { additionalProperties?: unknown }).additionalProperties, true, 'other names are passed on')
})
