import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { ClientSchema, SERVER_OWNED_PROPERTIES, writableClientProperties } from '../../src/clients/client-schema.ts'
import { canonicalJson } from '../../src/audit/chain.ts'
import { canonicalHash, jwkThumbprint, STORAGE, STORED_EXTENSION_PROPERTIES, storedJwks, storedState, upstreamJwks } from '../../src/history/stored-state.ts'
import { authleteDocument } from '../helpers/authlete-documents.ts'

// RFC 7638 §3.1: the example key and its SHA-256 thumbprint.
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29'
}
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'

// Every property a client can have: the proxy's schema (writable, server-owned, answered) and both of
// Authlete's published Client schemas. Each must have an explicit decision.
const clientProperties = (): string[] => [...new Set([
  ...Object.keys(writableClientProperties),
  ...SERVER_OWNED_PROPERTIES,
  ...Object.keys(ClientSchema.properties),
  ...Object.keys(authleteDocument('v2').components.schemas.Client.properties),
  ...Object.keys(authleteDocument('v3').components.schemas.Client.properties)
])].sort()

const MUST_DROP = ['clientSecret', 'registrationAccessTokenHash']
const marker = (name: string): string => `marker-of-${name}-7f3a`

t.test('storedState ...should have an explicit decision for every property of the client schema, keep the kept ones as they are, and never store a dropped one', async t => {
  const decisions = STORAGE as Record<string, unknown>
  for (const name of clientProperties()) {
    t.test(name, async t => {
      const decision = decisions[name]
      t.not(decision, undefined, `${name} has a decision in STORAGE`)
      if (MUST_DROP.includes(name)) t.equal(typeof decision, 'object', 'a secret-bearing property is dropped')
      const state = storedState({ [name]: marker(name) })
      if (typeof decision === 'object') {
        t.notOk(name in state, 'not stored')
        t.notOk(canonicalJson(state).includes(marker(name)), 'its value is nowhere in the stored state')
      } else if (decision === 'kept') {
        t.equal(state[name], marker(name), 'stored as it is')
      } else {
        t.not(state[name], marker(name), 'stored only through its own allow-list')
      }
    })
  }
})

t.test('storedState ...should drop the secret-bearing properties, Authlete\'s internal numbers and any property the schema does not know', async t => {
  const client: Record<string, unknown> = Object.fromEntries(clientProperties().map(name => [name, marker(name)]))
  client.futureSecretProperty = marker('futureSecretProperty')
  const text = canonicalJson(storedState(client))
  for (const name of [...MUST_DROP, 'number', 'serviceNumber', 'futureSecretProperty']) {
    t.notOk(text.includes(marker(name)), `${name} is not stored`)
    t.same((STORAGE as Record<string, unknown>)[name] === undefined || typeof (STORAGE as Record<string, unknown>)[name] === 'object', true, `${name} is not allowed`)
  }
  t.ok(text.includes(marker('clientName')), 'a kept property is there')
})

t.test('storedState ...should leave out null and absent properties, and keep only the extension\'s known properties', async t => {
  const extension = { requestableScopes: ['read'], accessTokenDuration: 600, refreshTokenDuration: null, apiKey: marker('apiKey') }
  t.same(storedState({ clientName: null, clientId: 5, extension }), { clientId: 5, extension: { requestableScopes: ['read'], accessTokenDuration: 600 } })
  t.same(storedState({ extension: 'not an object' }), { extension: {} }, 'a malformed extension keeps nothing of it')
  t.same([...STORED_EXTENSION_PROPERTIES].sort(), Object.keys(writableClientProperties.extension.properties).sort(), 'every extension property of the schema is decided')
})

t.test('storedJwks ...should keep public keys as they are and reduce a key with private members to kid, kty, use, alg and its RFC 7638 thumbprint', async t => {
  t.equal(jwkThumbprint(RFC7638_KEY), RFC7638_THUMBPRINT, 'RFC 7638 §3.1\'s example thumbprint')
  const privateRsa = { ...RFC7638_KEY, use: 'sig', d: 'PRIVATE-D', p: 'PRIVATE-P', q: 'PRIVATE-Q', dp: 'PRIVATE-DP', dq: 'PRIVATE-DQ', qi: 'PRIVATE-QI' }
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ecPrivate = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1' }
  const ecPublic = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' }
  const okp = generateKeyPairSync('ed25519')
  const okpPublic = { ...okp.publicKey.export({ format: 'jwk' }), kid: 'ed', use: 'sig' }
  const oct = { kty: 'oct', kid: 'shared', k: 'PRIVATE-K' }
  const jwks = JSON.stringify({ keys: [privateRsa, ecPrivate, okpPublic, oct, { kty: 'RSA', n: 'n', e: 'AQAB', kid: 'x', extra: 'PRIVATE-EXTRA' }] })
  const stored = storedState({ jwks }).jwks
  t.same(stored, {
    keys: [
      { kid: '2011-04-29', kty: 'RSA', use: 'sig', alg: 'RS256', thumbprint: RFC7638_THUMBPRINT },
      { kid: 'ec-1', kty: 'EC', thumbprint: jwkThumbprint(ecPublic) },
      okpPublic,
      { kid: 'shared', kty: 'oct', thumbprint: null },
      { kid: 'x', kty: 'RSA', thumbprint: jwkThumbprint({ kty: 'RSA', n: 'n', e: 'AQAB' }) }
    ]
  })
  t.match(jwkThumbprint(ecPublic), /^[A-Za-z0-9_-]{43}$/, 'a SHA-256 thumbprint, base64url')
  const text = canonicalJson(stored)
  for (const secret of ['PRIVATE-', String(ecPrivate.d)]) t.notOk(text.includes(secret), `no ${secret}`)
  t.equal(upstreamJwks(stored), null, 'a set with reduced keys cannot be sent back upstream')
})

t.test('storedJwks ...should store a set of public keys whole, rebuildable for upstream, and nothing of a string that is not a JWK Set', async t => {
  const set = { keys: [RFC7638_KEY] }
  const stored = storedJwks(JSON.stringify(set))
  t.same(stored, set)
  t.same(JSON.parse(upstreamJwks(stored) ?? 'null'), set)
  const notSets: unknown[] = ['-----BEGIN PRIVATE KEY-----', '{"keys":"x"}', '{"keys":[1]}', '[]', 'null', '{"keys":[null]}', JSON.stringify({ keys: [RFC7638_KEY, 1] }), 42, [JSON.stringify(set)]]
  for (const value of notSets) t.same(storedJwks(value), { unreadable: true }, JSON.stringify(value))
  t.equal(upstreamJwks({ unreadable: true }), null)
})

t.test('storedJwks ...should keep whole a public key with every descriptive member of RFC 7517 §4', async t => {
  const descriptive = { use: 'sig', key_ops: ['verify'], x5u: 'https://keys.example/one.pem', x5c: ['MIIBcertificate'], x5t: 'sha1-thumbprint', 'x5t#S256': 'sha256-thumbprint' }
  for (const [member, value] of Object.entries(descriptive)) {
    const key = { ...RFC7638_KEY, [member]: value }
    t.strictSame(storedJwks(JSON.stringify({ keys: [key] })), { keys: [key] }, `a key with ${member}`)
  }
  const described = { ...RFC7638_KEY, ...descriptive }
  t.strictSame(storedJwks(JSON.stringify({ keys: [described] })), { keys: [described] }, 'a key with all of them')
})

t.test('storedJwks ...should reduce a key of an unknown type, whatever it is named, and keep of kid, use and alg only strings', async t => {
  const keys = [
    ...['toString', 'constructor', '__proto__', 'hasOwnProperty'].map(kty => ({ kty, kid: kty, n: 'n', e: 'AQAB', d: 'PRIVATE-D' })),
    { kty: ['RSA'], kid: 'listed type', n: 'n', e: 'AQAB' },
    { kid: 'no type', use: 'sig', n: 'n', e: 'AQAB' },
    { kty: 'RSA', kid: 7, use: { d: 'PRIVATE-USE' }, alg: null, n: 'n', e: 'AQAB', d: 'PRIVATE-D' }
  ]
  t.strictSame(storedJwks(JSON.stringify({ keys })), {
    keys: [
      ...['toString', 'constructor', '__proto__', 'hasOwnProperty'].map(kty => ({ kty, thumbprint: null, kid: kty })),
      { kty: 'unknown', thumbprint: null, kid: 'listed type' },
      { kty: 'unknown', thumbprint: null, kid: 'no type', use: 'sig' },
      { kty: 'RSA', thumbprint: jwkThumbprint({ kty: 'RSA', n: 'n', e: 'AQAB' }) }
    ]
  })
})

t.test('jwkThumbprint ...should have none for a key lacking its required members or of an unknown type', async t => {
  t.equal(jwkThumbprint({ kty: 'RSA', n: 'n' }), null)
  t.equal(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'x', y: 7 }), null)
  t.equal(jwkThumbprint({ kty: 'xyz' }), null)
  t.equal(jwkThumbprint({ kid: 'no type' }), null)
  t.equal(jwkThumbprint({ kty: ['RSA'], n: 'n', e: 'AQAB' }), null, 'a type that is not a string')
  t.equal(jwkThumbprint({ kty: 'toString', n: 'n', e: 'AQAB' }), null, 'a type named after a member every object inherits')
  t.equal(jwkThumbprint({ ...RFC7638_KEY, kid: 'other', use: 'enc' }), RFC7638_THUMBPRINT, 'only the required members count')
})

t.test('canonicalHash ...should be stable across member order, at every depth, and change with any value', async t => {
  const one = { b: 1, a: { y: [1, { q: true, p: null }], x: 'text' } }
  const two = { a: { x: 'text', y: [1, { p: null, q: true }] }, b: 1 }
  t.equal(canonicalJson(one), '{"a":{"x":"text","y":[1,{"p":null,"q":true}]},"b":1}')
  t.equal(canonicalHash(one), canonicalHash(two))
  t.match(canonicalHash(one), /^[0-9a-f]{64}$/)
  t.not(canonicalHash(one), canonicalHash({ ...two, b: 2 }))
  t.not(canonicalHash({ list: [1, 2] }), canonicalHash({ list: [2, 1] }), 'array order is kept')
  t.equal(canonicalJson({ gone: undefined }), '{}', 'an undefined member is an absent one')
})
