import { createHash, randomBytes } from 'node:crypto'
import { test } from 'tap'
import { liveApp } from './support.ts'

const PORTAL = '26478243745571'
const DYNAMIC = '26837717140341'
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' }
const KEYS = { keys: [{ kty: 'EC', crv: 'P-256', kid: 'owner', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] }
const ATTACKER_KEYS = { keys: [{ kty: 'EC', crv: 'P-256', kid: 'attacker', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM' }] }
const FORBIDDEN = /^Changing (\S+) needs the admin role: it decides how the client authenticates$/

test('PUT /api/clients/:clientId/registration ...should stop an editor taking over client authentication through RFC 7592: the token hash is admin-only, credential metadata 403, the rest keeps them', async t => {
  const live = await liveApp(t)
  const token = live.app.sandboxUpstream.seed.registrationAccessToken
  const updates = () => live.app.sandboxUpstream.requests.filter(request => request.path.endsWith('/client/registration/update')).length
  const registration = `/api/clients/${DYNAMIC}/registration`
  const client = async (id: string) => await (await live.send('admin', 'GET', `/api/clients/${id}`)).json() as Record<string, unknown>

  // Step 1 of the takeover: the editor chooses a registration access token by setting its hash.
  const chosen = randomBytes(32).toString('base64url')
  const hashBefore = (await client(PORTAL)).registrationAccessTokenHash
  for (const [method, path, body, headers] of [
    ['PATCH', `/api/clients/${PORTAL}`, { registrationAccessTokenHash: createHash('sha256').update(chosen).digest('base64url') }, MERGE_PATCH],
    ['PUT', `/api/clients/${PORTAL}`, { clientName: 'Portal', registrationAccessTokenHash: 'x' }, {}],
    ['POST', '/api/clients', { clientName: 'mine', registrationAccessTokenHash: 'x' }, {}]
  ] as const) {
    const response = await live.send('editor', method, path, body, headers)
    t.equal(response.status, 403, `${method} ${path}`)
    t.equal(FORBIDDEN.exec((await response.json() as { detail: string }).detail)?.[1], 'registrationAccessTokenHash', 'the detail names it')
  }
  t.equal((await client(PORTAL)).registrationAccessTokenHash, hashBefore, 'the hash is unchanged')
  t.equal((await live.send('editor', 'PUT', `/api/clients/${PORTAL}/registration`, { registrationAccessToken: chosen, metadata: { client_name: 'x' } })).status, 401, 'the chosen token is worth nothing')

  // Step 2: with a good registration access token, an editor still cannot change how the client authenticates.
  const before = updates()
  for (const [name, value] of [['token_endpoint_auth_method', 'none'], ['token_endpoint_auth_method', 'private_key_jwt'], ['jwks', ATTACKER_KEYS], ['jwks_uri', 'https://attacker.example/jwks'],
    ['token_endpoint_auth_signing_alg', 'ES256'], ['tls_client_auth_subject_dn', 'CN=attacker'], ['tls_client_auth_san_dns', 'attacker.example'], ['jwks', null]] as const) {
    const response = await live.send('editor', 'PUT', registration, { registrationAccessToken: token, metadata: { client_name: 'Initech', [name]: value } })
    t.equal(response.status, 403, `${name}: ${JSON.stringify(value)}`)
    const problem = await response.json() as { code: string, detail: string }
    t.equal(problem.code, 'BFF_CREDENTIAL_PROPERTY_FORBIDDEN')
    t.equal(FORBIDDEN.exec(problem.detail)?.[1], name, 'the detail names it')
  }
  t.equal(updates(), before, 'nothing forwarded')

  // An admin may; an editor's update then keeps what the admin set, although RFC 7592 replaces the metadata.
  const admin = await live.send('admin', 'PUT', registration, { registrationAccessToken: token, metadata: { client_name: 'Initech', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: KEYS, jwks_uri: 'https://app.initech.example/jwks' } })
  t.equal(admin.status, 200, 'an admin may change them')
  const set = await client(DYNAMIC)
  t.match(set, { tokenAuthMethod: 'PRIVATE_KEY_JWT', tokenAuthSignAlg: 'ES256', jwksUri: 'https://app.initech.example/jwks' })
  const editor = await live.send('editor', 'PUT', registration, { registrationAccessToken: token, metadata: { client_name: 'Initech v2', redirect_uris: ['https://app.initech.example/cb2'] } })
  t.equal(editor.status, 200, 'an editor updates the rest')
  const after = await client(DYNAMIC)
  t.match(after, { clientName: 'Initech v2', redirectUris: ['https://app.initech.example/cb2'] })
  t.same({ method: after.tokenAuthMethod, alg: after.tokenAuthSignAlg, uri: after.jwksUri, jwks: JSON.parse(String(after.jwks)) as unknown },
    { method: 'PRIVATE_KEY_JWT', alg: 'ES256', uri: 'https://app.initech.example/jwks', jwks: KEYS }, 'how the client authenticates is unchanged')
  t.match(await editor.json(), { token_endpoint_auth_method: 'private_key_jwt' }, 'and the answer says so')

  // Keys that are not JSON cannot be sent back as RFC 7591 jwks: the editor's replacement would drop them.
  t.equal((await live.send('admin', 'PATCH', `/api/clients/${DYNAMIC}`, { jwks: 'not JSON' }, MERGE_PATCH)).status, 200)
  const dropping = await live.send('editor', 'PUT', registration, { registrationAccessToken: token, metadata: { client_name: 'Initech v3' } })
  t.equal(dropping.status, 403, 'an update that would drop the keys')
  t.equal(FORBIDDEN.exec((await dropping.json() as { detail: string }).detail)?.[1], 'jwks')
  t.equal((await client(DYNAMIC)).jwks, 'not JSON', 'the keys are kept')
})
