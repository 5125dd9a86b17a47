import t from 'tap'
import { Authlete } from '@authlete/typescript-sdk'
import { HTTPClient } from '@authlete/typescript-sdk/lib/http.js'
import { AuthleteError, ResultError } from '@authlete/typescript-sdk/models/errors'
import { documentProblem } from '../helpers/authlete-documents.ts'
import { startEmulatorProcess } from '../helpers/emulator-process.ts'
import { freePort } from '../helpers/server-process.ts'

// Authlete's official TypeScript SDK (3.0 only) against the standalone emulator, started as a user
// starts it, over real HTTP: every client-management operation the SDK offers, each result checked
// as the SDK parsed it. Every answer is also checked against the 3.0 document on the way in.

const PORTAL = 26478243745571
const MOBILE = 31415926535897
const DYNAMIC = '26837717140341'

const emulator = await startEmulatorProcess(t, `exec node src/cli.ts emulator --port ${await freePort()} --api v3`)
const { serviceId } = emulator

const answers: string[] = []
const httpClient = new HTTPClient()
httpClient.addHook('response', async (response, request) => {
  const url = new URL(request.url)
  const body = await response.clone().text()
  const problem = documentProblem({ method: request.method, path: url.pathname, query: url.search.slice(1), headers: {}, body: '' }, { status: response.status, body })
  answers.push(`${request.method} ${url.pathname} ${response.status}`)
  if (problem !== undefined) t.fail(`${request.method} ${url.pathname} answered ${response.status} against the 3.0 document: ${problem}`)
})
const authlete = new Authlete({ serverURL: emulator.url, bearer: emulator.accessToken, httpClient })

t.test('npm run emulator -- --api v3 ...should print the base URL, service ID, access token and registration token', async t => {
  t.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.match(serviceId, /^\d{10,14}$/)
  t.match(emulator.accessToken, /^[A-Za-z0-9_-]{43}$/)
  t.notOk(emulator.output().includes('API key'), 'no 2.x credentials for a 3.0 emulator')
  t.match(emulator.output(), `registration access token of client ${DYNAMIC}: `)
})

t.test('client.list, client.get ...should parse the seeded clients, with 3.0 aliases', async t => {
  const list = await authlete.client.list({ serviceId, start: 0, end: 3 })
  t.match(list, { start: 0, end: 3, totalCount: 4 })
  t.equal(list.clients?.length, 3)
  t.same(list.clients?.map(client => client.clientId), [PORTAL, MOBILE, 27182818284590])
  const mobile = await authlete.client.get({ serviceId, clientId: String(MOBILE) })
  t.match(mobile, { clientId: MOBILE, clientName: 'Acme Mobile', clientType: 'PUBLIC', clientIdAlias: String(MOBILE), clientIdAliasEnabled: true, pkceRequired: true })
  t.same(mobile.redirectUris, ['com.acme.mobile:/oauth2redirect'])
})

t.test('client.create, client.update, client.delete ...should keep every writable property and forget a deleted client', async t => {
  const federation = {
    entityId: 'https://rp.hooli.example',
    trustAnchorId: 'https://ta.example',
    trustChain: ['eyJ.a.b'],
    trustChainExpiresAt: 1900000000000,
    trustChainUpdatedAt: 1800000000000,
    automaticallyRegistered: true,
    explicitlyRegistered: false
  }
  const created = await authlete.client.create({
    serviceId,
    client: { clientName: 'Hooli', developer: 'hooli', redirectUris: ['https://hooli.example/cb'], grantTypes: ['AUTHORIZATION_CODE'], responseTypes: ['CODE'], locked: true, ...federation }
  })
  t.type(created.clientId, 'number')
  const clientId = String(created.clientId)
  t.match(created, { clientName: 'Hooli', developer: 'hooli', locked: true, clientIdAlias: clientId, clientIdAliasEnabled: true, ...federation })
  t.match(created.clientSecret, /^[A-Za-z0-9_-]{86}$/)

  const updated = await authlete.client.update({ serviceId, clientId, client: { clientName: 'Hooli 2', clientIdAlias: 'hooli', locked: false, entityId: 'https://rp2.hooli.example' } })
  t.match(updated, { clientId: created.clientId, clientName: 'Hooli 2', clientIdAlias: 'hooli', locked: false, entityId: 'https://rp2.hooli.example', clientSecret: created.clientSecret })
  t.equal(updated.developer, undefined, 'an update is a full replacement')
  t.ok((updated.modifiedAt ?? 0) > (created.modifiedAt ?? 0))

  t.equal(await authlete.client.delete({ serviceId, clientId }), undefined)
  const missing = await authlete.client.get({ serviceId, clientId }).catch((error: unknown) => error)
  t.type(missing, AuthleteError)
  t.equal((missing as AuthleteError).statusCode, 404)
  t.match(JSON.parse((missing as AuthleteError).body), { resultCode: 'A051201', resultMessage: `[A051201] /client/get, The client (ID = ${clientId}) does not exist.` })
})

t.test('client.management.updateLockFlag, refreshSecret, updateSecret ...should lock by alias and rotate the secret', async t => {
  const lock = await authlete.client.management.updateLockFlag({ serviceId, clientIdentifier: 'portal', clientFlagUpdateRequest: { clientLocked: true } })
  t.match(lock, { resultCode: 'A215001', resultMessage: /^\[A215001\] / })
  t.equal((await authlete.client.get({ serviceId, clientId: String(PORTAL) })).locked, true)
  // 3.0: every alias resolves, the one whose clientIdAliasEnabled was stored false included.
  const disabled = await authlete.client.management.updateLockFlag({ serviceId, clientIdentifier: 'globex-reports', clientFlagUpdateRequest: { clientLocked: false } })
  t.equal(disabled.resultCode, 'A215001')

  const before = (await authlete.client.get({ serviceId, clientId: String(PORTAL) })).clientSecret
  const refreshed = await authlete.client.management.refreshSecret({ serviceId, clientIdentifier: 'portal' })
  t.match(refreshed, { resultCode: 'A148001', resultMessage: `[A148001] Successfully refreshed the client secret of the client (ID = ${PORTAL}).`, oldClientSecret: before })
  t.not(refreshed.newClientSecret, before)
  const set = await authlete.client.management.updateSecret({ serviceId, clientIdentifier: String(PORTAL), clientSecretUpdateRequest: { clientSecret: 'my-new_secret' } })
  t.match(set, { resultCode: 'A149001', newClientSecret: 'my-new_secret', oldClientSecret: refreshed.newClientSecret })
  t.equal((await authlete.client.get({ serviceId, clientId: String(PORTAL) })).clientSecret, 'my-new_secret')
})

t.test('client.management.listAuthorizations, updateAuthorizations, deleteAuthorizations ...should send subject in the path and list the 3.0 item view', async t => {
  const list = await authlete.client.management.listAuthorizations({ serviceId, subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.match(list, { subject: 'john', start: 0, end: 5, totalCount: 2 })
  t.same(list.clients?.map(client => client.clientId), [PORTAL, MOBILE])
  t.same(Object.keys(list.clients?.[0] ?? {}).sort(), ['clientId', 'clientIdAlias', 'clientIdAliasEnabled', 'clientName', 'clientType', 'number'])

  const updated = await authlete.client.management.updateAuthorizations({ serviceId, clientId: String(PORTAL), clientAuthorizationUpdateRequest: { subject: 'john', scopes: ['openid'] } })
  t.match(updated, { resultCode: 'A138001', resultMessage: /Updated 1 access token\(s\) issued to the client/ })
  const deleted = await authlete.client.management.deleteAuthorizations({ serviceId, clientId: String(PORTAL), subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.match(deleted, { resultCode: 'A137001', resultMessage: /Deleted 1 access token\(s\)/ })
  const after = await authlete.client.management.listAuthorizations({ serviceId, subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.same(after.clients?.map(client => client.clientId), [MOBILE])
})

t.test('client.management.getGrantedScopes, deleteGrantedScopes ...should parse a record and the absence of one', async t => {
  const granted = await authlete.client.management.getGrantedScopes({ serviceId, clientId: String(MOBILE), subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.match(granted, { resultCode: 'A139001', clientId: MOBILE, subject: 'john', serviceApiKey: Number(serviceId) })
  t.same(granted.latestGrantedScopes, ['openid', 'profile', 'offline_access'])
  t.type(granted.modifiedAt, 'number')
  const none = await authlete.client.management.getGrantedScopes({ serviceId, clientId: String(MOBILE), subjectPathParameter: 'alice', subjectQueryParameter: 'alice' })
  t.match(none, { resultCode: 'A139001', subject: 'alice' })
  t.equal(none.latestGrantedScopes, undefined, 'no record: no list (null would not parse)')
  const cleared = await authlete.client.management.deleteGrantedScopes({ serviceId, clientId: String(MOBILE), subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.match(cleared, { resultCode: 'A140001' })
  const gone = await authlete.client.management.getGrantedScopes({ serviceId, clientId: String(MOBILE), subjectPathParameter: 'john', subjectQueryParameter: 'john' })
  t.equal(gone.mergedGrantedScopes, undefined)
})

t.test('client.management.getRequestableScopes, updateRequestableScopes, deleteRequestableScopes ...should keep the scopes in the extension', async t => {
  const clientId = String(MOBILE)
  t.same(await authlete.client.management.getRequestableScopes({ serviceId, clientId }), {})
  const set = await authlete.client.management.updateRequestableScopes({ serviceId, clientId, clientExtensionRequestableScopesUpdateRequest: { requestableScopes: ['openid', 'email'] } })
  t.same(set.requestableScopes, ['openid', 'email'])
  t.same((await authlete.client.management.getRequestableScopes({ serviceId, clientId })).requestableScopes, ['openid', 'email'])
  t.match((await authlete.client.get({ serviceId, clientId })).extension, { requestableScopes: ['openid', 'email'], requestableScopesEnabled: true })
  t.equal(await authlete.client.management.deleteRequestableScopes({ serviceId, clientId }), undefined)
  t.same(await authlete.client.management.getRequestableScopes({ serviceId, clientId }), {})
})

t.test('dynamicClientRegistration.update ...should answer UPDATED with the client and its RFC 7591 metadata', async t => {
  const json = JSON.stringify({ client_id: DYNAMIC, client_name: 'Initech via SDK', redirect_uris: ['https://app.initech.example/sdk'] })
  const answer = await authlete.dynamicClientRegistration.update({ serviceId, requestBody: { clientId: DYNAMIC, token: emulator.registrationAccessToken, json } })
  t.match(answer, { resultCode: 'A213001', resultMessage: '[A213001] The client has been updated.', action: 'UPDATED' })
  t.match(answer.client, { clientId: Number(DYNAMIC), clientName: 'Initech via SDK', redirectUris: ['https://app.initech.example/sdk'], dynamicallyRegistered: true })
  t.match(JSON.parse(answer.responseContent ?? ''), { client_id: DYNAMIC, client_name: 'Initech via SDK', registration_access_token: emulator.registrationAccessToken })
  const refused = await authlete.dynamicClientRegistration.update({ serviceId, requestBody: { clientId: DYNAMIC, token: 'wrong', json } })
  t.match(refused, { action: 'UNAUTHORIZED' })
  t.equal(JSON.parse(refused.responseContent ?? '').error, 'invalid_token')
})

t.test('the SDK ...should parse the errors: a wrong token, another service, a bad value', async t => {
  const wrong = new Authlete({ serverURL: emulator.url, bearer: 'not-the-token', httpClient })
  const unauthenticated = await wrong.client.list({ serviceId }).catch((error: unknown) => error)
  t.type(unauthenticated, ResultError)
  t.match(unauthenticated, { statusCode: 401, resultCode: 'A001203', resultMessage: /^\[A001203\] \/client\/get\/list, / })
  const otherService = await authlete.client.list({ serviceId: '99999999999' }).catch((error: unknown) => error)
  t.match(otherService, { statusCode: 403, resultCode: 'A001216' })
  const invalid = await authlete.client.management.updateSecret({ serviceId, clientIdentifier: String(MOBILE), clientSecretUpdateRequest: { clientSecret: 'has space' } }).catch((error: unknown) => error)
  t.type(invalid, ResultError)
  t.match(invalid, { statusCode: 400, resultCode: 'A051207', resultMessage: /^\[A051207\] \/client\/secret\/update, / })
})

t.test('every answer above ...should have been checked against the 3.0 document', async t => {
  t.ok(answers.length >= 30, `${answers.length} answers checked`)
  t.ok(answers.some(answer => answer.endsWith(' 204')) && answers.some(answer => answer.endsWith(' 404')) && answers.some(answer => answer.endsWith(' 401')))
})
