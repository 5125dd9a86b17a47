import t from 'tap'
import { creatableFrom, replacementFrom } from '../../src/history/restorable.ts'
import { storedState } from '../../src/history/stored-state.ts'
import type { StoredVersion } from '../../src/history/history-types.ts'

const CLIENT_ID = '4711'
const publicKey = { kty: 'RSA', kid: 'public', n: 'n-public', e: 'AQAB' }
const privateKey = { kty: 'RSA', kid: 'private', n: 'n-private', e: 'AQAB', d: 'PRIVATE-D' }
const jwksOf = (...keys: object[]): string => JSON.stringify({ keys })

// A version as the store keeps it: the stored state of `client`.
const versionOf = (client: Record<string, unknown>): StoredVersion => ({
  clientId: CLIENT_ID,
  version: 3,
  at: '2026-12-01T10:00:00.000Z',
  actor: 'admin',
  source: 'local',
  via: 'session',
  action: 'client.patch',
  auditId: 'audit-3',
  changed: ['clientName'],
  external: false,
  restoredFrom: null,
  modifiedAt: 1,
  client: storedState({ clientId: Number(CLIENT_ID), ...client }),
  hash: 'hash-3'
})

t.test('replacementFrom ...should put back the version\'s writable properties, clear those it lacks, and keep the registration access token\'s hash', async t => {
  const version = versionOf({ clientName: 'Then', redirectUris: ['https://then.example/cb'] })
  const current = { clientId: Number(CLIENT_ID), clientName: 'Now', description: 'added since', registrationAccessTokenHash: 'current-hash', modifiedAt: 2 }
  t.strictSame(replacementFrom(version, current), { clientName: 'Then', redirectUris: ['https://then.example/cb'], registrationAccessTokenHash: 'current-hash' })
  t.strictSame(replacementFrom(version, { ...current, registrationAccessTokenHash: null }), { clientName: 'Then', redirectUris: ['https://then.example/cb'] }, 'a null hash is not sent')
})

t.test('replacementFrom ...should send a JWK Set of public keys back as it was, and clear one the version did not have', async t => {
  const version = versionOf({ clientName: 'Then', jwks: jwksOf(publicKey) })
  t.same(JSON.parse(String(replacementFrom(version, { clientName: 'Now', jwks: jwksOf(privateKey) }).jwks)), { keys: [publicKey] })
  const body = replacementFrom(version, { clientName: 'Now', description: 'added since' })
  t.strictSame([Object.keys(body).sort(), body.clientName], [['clientName', 'jwks'], 'Then'], 'the other properties go back beside the keys, and only they')
  t.notOk('jwks' in replacementFrom(versionOf({ clientName: 'Then' }), { clientName: 'Now', jwks: jwksOf(publicKey) }), 'no jwks in the PUT: it is cleared')
})

t.test('replacementFrom ...should keep a JWK Set stored as thumbprints only when the client still has those very keys, and refuse (422) otherwise', async t => {
  const version = versionOf({ clientName: 'Then', jwks: jwksOf(privateKey) })
  t.equal(replacementFrom(version, { clientName: 'Now', jwks: jwksOf(privateKey) }).jwks, jwksOf(privateKey), 'the current keys, sent as they are')
  for (const jwks of [jwksOf({ ...privateKey, n: 'n-rotated' }), undefined]) {
    t.throws(() => replacementFrom(version, { clientName: 'Now', ...(jwks === undefined ? {} : { jwks }) }), { code: 'BFF_VERSION_NOT_RESTORABLE', statusCode: 422, message: /^Version 3 cannot be restored as it is: its JWK Set held private keys/ }, jwks === undefined ? 'keys gone' : 'keys rotated')
  }
})

t.test('creatableFrom ...should recreate from the version\'s writable properties, leave out Authlete\'s default alias and keys kept as thumbprints, and say what is not restored', async t => {
  const fixed = ['clientSecret (a new one is generated)', 'clientId (Authlete gives the new client a new one)']
  t.strictSame(creatableFrom(versionOf({ clientName: 'Gone', clientIdAlias: CLIENT_ID, jwks: jwksOf(publicKey), createdAt: 5 })), {
    body: { clientName: 'Gone', jwks: jwksOf(publicKey) },
    notRestored: fixed
  })
  t.strictSame(creatableFrom(versionOf({ clientName: 'Gone', clientIdAlias: 'shop-web', jwks: jwksOf(privateKey) })), {
    body: { clientName: 'Gone', clientIdAlias: 'shop-web' },
    notRestored: [...fixed, 'jwks (private keys are kept as thumbprints only)']
  })
})
