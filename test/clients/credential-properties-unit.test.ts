import t from 'tap'
import type { AuthleteClient } from '../../src/upstream/authlete-api.ts'
import { CREATE_CHOICES, CREDENTIAL_PROPERTIES, checkCreate, checkRegistrationMetadata, keepCredentials, withCurrentCredentials } from '../../src/clients/credential-properties.ts'

const TLS = { tlsClientAuthSubjectDn: 'CN=portal', tlsClientAuthSanDns: 'portal.example', tlsClientAuthSanUri: 'https://portal.example', tlsClientAuthSanIp: '192.0.2.1', tlsClientAuthSanEmail: 'ops@portal.example' }
const CREDENTIALS = {
  clientType: 'CONFIDENTIAL',
  tokenAuthMethod: 'PRIVATE_KEY_JWT',
  tokenAuthSignAlg: 'ES256',
  jwks: '{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]}',
  jwksUri: 'https://portal.example/jwks',
  selfSignedCertificateKeyId: 'k1',
  registrationAccessTokenHash: 'hash',
  ...TLS
}
const CURRENT = { clientId: 1234, clientName: 'Portal', ...CREDENTIALS } as unknown as AuthleteClient
// Another value of each credential property.
const OTHER: Record<string, string> = { clientType: 'PUBLIC', tokenAuthMethod: 'NONE', jwks: '{"keys":[]}' }
const otherValue = (name: string): string => OTHER[name] ?? `other-${name}`

const forbidden = (work: () => unknown): string | undefined => {
  try {
    work()
  } catch (error) {
    const { statusCode, code, message } = error as { statusCode: number, code: string, message: string }
    if (statusCode !== 403 || code !== 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN') throw error
    const name = /^Changing (\S+) needs the admin role: it decides how the client authenticates$/.exec(message)?.[1]
    if (name === undefined) throw error
    return name
  }
  return undefined
}

t.test('CREDENTIAL_PROPERTIES ...should be how a client authenticates: its type, method, keys, certificate key, registration token hash and every TLS client auth property', async t => {
  t.strictSame(CREDENTIAL_PROPERTIES, ['clientType', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwks', 'jwksUri', 'selfSignedCertificateKeyId', 'registrationAccessTokenHash', ...Object.keys(TLS)])
  t.strictSame(CREATE_CHOICES, ['clientType', 'tokenAuthMethod'])
})

t.test('checkCreate ...should refuse each credential property but the create choices below admin, naming it, and let an admin give any', async t => {
  for (const name of CREDENTIAL_PROPERTIES.filter(name => !CREATE_CHOICES.includes(name))) {
    const body = { clientName: 'x', [name]: otherValue(name) }
    t.equal(forbidden(() => { checkCreate(['editor'], body) }), name, `${name} from an editor`)
    t.equal(forbidden(() => { checkCreate([], body) }), name, `${name} from no role`)
    t.equal(forbidden(() => { checkCreate(['admin'], body) }), undefined, `${name} from an admin`)
  }
  t.equal(forbidden(() => { checkCreate(['editor'], { jwksUri: 'https://a.example', tokenAuthSignAlg: 'RS256' }) }), 'tokenAuthSignAlg', 'the first of several, in the list\'s order')
})

t.test('checkCreate ...should let an editor choose the client type and method, give credential properties as null, or none', async t => {
  t.equal(forbidden(() => { checkCreate(['editor'], { clientName: 'spa', clientType: 'PUBLIC', tokenAuthMethod: 'NONE' }) }), undefined)
  t.equal(forbidden(() => { checkCreate(['editor'], { clientName: 'x', jwks: null, jwksUri: null, tlsClientAuthSanDns: null }) }), undefined, 'null is Authlete\'s default')
  t.equal(forbidden(() => { checkCreate(['editor'], { clientName: 'defaults' }) }), undefined)
  t.equal(forbidden(() => { checkCreate(['editor'], {}) }), undefined)
})

t.test('keepCredentials ...should answer an admin\'s next state as it is, whatever it changes', async t => {
  const next = { clientName: 'x', clientType: 'PUBLIC', tokenAuthMethod: 'NONE', jwks: null }
  t.equal(keepCredentials(['admin'], CURRENT, next, true), next)
  t.equal(keepCredentials(['admin'], CURRENT, next, false), next)
})

t.test('keepCredentials ...should carry an editor\'s left-out credential properties over from the current client on a PUT, without changing the body', async t => {
  const next = { clientName: 'Portal v2', description: 'new' }
  const kept = keepCredentials(['editor'], CURRENT, next, true)
  t.strictSame(kept, { clientName: 'Portal v2', description: 'new', ...CREDENTIALS })
  t.strictSame(next, { clientName: 'Portal v2', description: 'new' }, 'the body is not changed')
  const bare = { clientId: 1, clientName: 'bare', tokenAuthMethod: 'CLIENT_SECRET_BASIC', jwks: null } as unknown as AuthleteClient
  const carried = keepCredentials(['editor'], bare, { clientName: 'bare v2' }, true)
  t.strictSame(carried, { clientName: 'bare v2', tokenAuthMethod: 'CLIENT_SECRET_BASIC' }, 'only what the client has: nothing set to null')
  t.strictSame(Object.keys(carried), ['clientName', 'tokenAuthMethod'])
})

t.test('keepCredentials ...should accept an editor\'s credential property given as it is, and refuse one given otherwise, naming it', async t => {
  t.strictSame(keepCredentials(['editor'], CURRENT, { clientName: 'y', ...CREDENTIALS }, true), { clientName: 'y', ...CREDENTIALS }, 'the same values')
  t.strictSame(keepCredentials(['editor'], CURRENT, { clientName: 'y', ...CREDENTIALS }, false), { clientName: 'y', ...CREDENTIALS })
  for (const carryOver of [true, false]) {
    for (const name of CREDENTIAL_PROPERTIES) {
      t.equal(forbidden(() => keepCredentials(['editor'], CURRENT, { ...CREDENTIALS, [name]: otherValue(name) }, carryOver)), name, `${name} changed (carry over: ${String(carryOver)})`)
      t.equal(forbidden(() => keepCredentials(['editor'], CURRENT, { ...CREDENTIALS, [name]: null }, carryOver)), name, `${name} reset to null`)
    }
  }
  t.equal(forbidden(() => keepCredentials(['viewer'], CURRENT, { ...CREDENTIALS, jwksUri: 'https://evil.example' }, true)), 'jwksUri')
})

t.test('keepCredentials ...should refuse a merged state (no carry over) that left a credential property out, and take absent as null', async t => {
  const { jwks: _removed, ...withoutJwks } = CREDENTIALS
  t.equal(forbidden(() => keepCredentials(['editor'], CURRENT, withoutJwks, false)), 'jwks', 'a PATCH that removed jwks')
  const bare = { clientId: 1, tokenAuthMethod: 'CLIENT_SECRET_BASIC', jwks: null } as unknown as AuthleteClient
  const next = { clientName: 'x', tokenAuthMethod: 'CLIENT_SECRET_BASIC', jwksUri: null }
  t.equal(keepCredentials(['editor'], bare, next, false).jwksUri, null, 'absent and null are the same: no change')
  t.strictSame(keepCredentials(['editor'], bare, next, false), next)
  t.equal(forbidden(() => keepCredentials(['editor'], bare, { clientName: 'x' }, false)), 'tokenAuthMethod', 'one the client has, left out')
})

t.test('keepCredentials ...should compare structured values deeply', async t => {
  const current = { clientId: 1, jwks: { keys: [{ kty: 'EC' }] } } as unknown as AuthleteClient
  t.strictSame(keepCredentials(['editor'], current, { jwks: { keys: [{ kty: 'EC' }] } }, false), { jwks: { keys: [{ kty: 'EC' }] } })
  t.equal(forbidden(() => keepCredentials(['editor'], current, { jwks: { keys: [{ kty: 'RSA' }] } }, false)), 'jwks')
})

t.test('checkRegistrationMetadata ...should refuse each credential metadata name below admin, a null value too, and let an admin give them', async t => {
  const names = ['token_endpoint_auth_method', 'token_endpoint_auth_signing_alg', 'jwks', 'jwks_uri', 'tls_client_auth_subject_dn', 'tls_client_auth_san_dns', 'tls_client_auth_san_uri', 'tls_client_auth_san_ip', 'tls_client_auth_san_email', 'tls_client_auth_anything_new']
  for (const name of names) {
    for (const value of ['x', null]) {
      t.equal(forbidden(() => { checkRegistrationMetadata(['editor'], { client_name: 'x', [name]: value }) }), name, `${name}: ${String(value)}`)
    }
    t.equal(forbidden(() => { checkRegistrationMetadata([], { [name]: 'x' }) }), name, `${name} from no role`)
    t.equal(forbidden(() => { checkRegistrationMetadata(['admin'], { [name]: 'x' }) }), undefined, `${name} from an admin`)
  }
  t.equal(forbidden(() => { checkRegistrationMetadata(['editor'], { client_name: 'x', jwks_uri: 'a', jwks: {} }) }), 'jwks_uri', 'the first given')
})

t.test('checkRegistrationMetadata ...should let an editor give any other metadata, those that only look alike included', async t => {
  const metadata = { client_name: 'x', redirect_uris: ['https://a.example/cb'], tls_client_certificate_bound_access_tokens: true, token_endpoint: 'x', my_jwks: 'x', jwks_uri_extra: 'x', x_tls_client_auth_san_dns: 'x', id_token_signed_response_alg: 'RS256' }
  t.equal(forbidden(() => { checkRegistrationMetadata(['editor'], metadata) }), undefined)
  t.equal(forbidden(() => { checkRegistrationMetadata(['editor'], {}) }), undefined)
})

t.test('withCurrentCredentials ...should add the client\'s current credential metadata to an update, over any given, keeping the rest', async t => {
  const kept = withCurrentCredentials('1234', CURRENT, { client_name: 'Portal v2', jwks_uri: 'https://evil.example/jwks', contacts: ['a@example.com'] })
  t.strictSame(kept, {
    client_name: 'Portal v2',
    jwks_uri: 'https://portal.example/jwks',
    contacts: ['a@example.com'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] },
    tls_client_auth_subject_dn: 'CN=portal',
    tls_client_auth_san_dns: 'portal.example',
    tls_client_auth_san_uri: 'https://portal.example',
    tls_client_auth_san_ip: '192.0.2.1',
    tls_client_auth_san_email: 'ops@portal.example'
  })
})

t.test('withCurrentCredentials ...should add nothing for credential metadata the client does not have, absent or null', async t => {
  const metadata = { client_name: 'x' }
  t.strictSame(withCurrentCredentials('1', { clientId: 1 } as unknown as AuthleteClient, metadata), { client_name: 'x' })
  const nulls = { clientId: 1, tokenAuthMethod: null, tokenAuthSignAlg: null, jwks: null, jwksUri: null, tlsClientAuthSubjectDn: null, tlsClientAuthSanDns: null } as unknown as AuthleteClient
  const kept = withCurrentCredentials('1', nulls, metadata)
  t.strictSame(Object.keys(kept), ['client_name'], 'no name added, not even as null or undefined')
  t.not(kept, metadata, 'a copy')
  t.strictSame(metadata, { client_name: 'x' }, 'the given metadata is not changed')
  t.strictSame(withCurrentCredentials('1', { clientId: 1, tokenAuthMethod: 'CLIENT_SECRET_POST' } as unknown as AuthleteClient, {}), { token_endpoint_auth_method: 'client_secret_post' })
})

t.test('withCurrentCredentials ...should refuse (naming jwks) when the client\'s keys cannot be carried as RFC 7591 jwks, since the update would drop them', async t => {
  const unreadable = { clientId: 1, jwks: 'not json' } as unknown as AuthleteClient
  t.equal(forbidden(() => withCurrentCredentials('1', unreadable, { client_name: 'x' })), 'jwks')
  t.strictSame(withCurrentCredentials('1', { clientId: 1, jwks: '{"keys":[]}' } as unknown as AuthleteClient, {}), { jwks: { keys: [] } })
})
