import t, { type Test } from 'tap'
import { startSandboxUpstream } from '../../src/sandbox/emulator.ts'
import type { SandboxUpstream } from '../../src/sandbox/emulator.ts'
import { checkAnswers } from '../helpers/authlete-documents.ts'

type Json = Record<string, any>

interface Api {
  generation: '3.0' | '2.x'
  seed: SandboxUpstream['seed']
  prefix: string
  headers: Record<string, string>
}

interface Answer { status: number, headers: Headers, text: string, json: Json }

const GENERATIONS = ['3.0', '2.x'] as const
const PORTAL = '26478243745571'
const MOBILE = '31415926535897'
const REPORTS = '27182818284590'

// Every answer is also checked against Authlete's documents (test/helpers/authlete-documents.ts).
async function sandbox (t: Test): Promise<SandboxUpstream> {
  const upstream = await startSandboxUpstream()
  t.teardown(() => upstream.close())
  checkAnswers(t, upstream)
  return upstream
}

function api (upstream: SandboxUpstream, generation: '3.0' | '2.x'): Api {
  const { serviceId, accessToken, apiKey, apiSecret } = upstream.credentials
  const { seed } = upstream
  return generation === '3.0'
    ? { generation, seed, prefix: `${upstream.url}/api/${serviceId}/client`, headers: { authorization: `Bearer ${accessToken}` } }
    : {
        generation,
        seed,
        prefix: `${upstream.url}/api/client`,
        headers: { authorization: `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}` }
      }
}

async function call (target: Api, method: string, path: string, body?: unknown,
  headers: Record<string, string> = target.headers): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    init.headers = 'content-type' in headers ? { ...headers } : { ...headers, 'content-type': 'application/json' }
  }
  const response = await fetch(target.prefix + path, init)
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: text === '' ? {} : JSON.parse(text) }
}

for (const generation of GENERATIONS) {
  const label = generation === '3.0' ? '/api/{serviceId}/client' : '/api/client'

  t.test(`GET ${label}/get/{clientId} should reject a missing Authorization header with 401 A001202`, async (t) => {
    const target = api(await sandbox(t), generation)
    const answer = await call(target, 'GET', `/get/${PORTAL}`, undefined, {})
    t.equal(answer.status, 401)
    t.same(answer.json, { resultCode: 'A001202', resultMessage: '[A001202] /client/get, Authorization header is missing.' })
    t.equal(answer.headers.get('content-type'), 'application/json;charset=UTF-8')
  })

  t.test(`GET ${label}/get/{clientId} should reject wrong credentials with 401 A001203`, async (t) => {
    const target = api(await sandbox(t), generation)
    const wrong = generation === '3.0'
      ? { authorization: 'Bearer not-the-token' }
      : { authorization: `Basic ${Buffer.from('key:secret').toString('base64')}` }
    const answer = await call(target, 'GET', `/get/${PORTAL}`, undefined, wrong)
    t.equal(answer.status, 401)
    t.equal(answer.json.resultCode, 'A001203')
    t.match(answer.json.resultMessage, /^\[A001203\] /)
  })

  t.test(`GET ${label}/get/{clientId} should reject the other generation's credential scheme`, async (t) => {
    const upstream = await sandbox(t)
    const other = api(upstream, generation === '3.0' ? '2.x' : '3.0')
    const answer = await call(api(upstream, generation), 'GET', `/get/${PORTAL}`, undefined, other.headers)
    t.equal(answer.status, 401)
    t.equal(answer.json.resultCode, 'A001203')
  })

  t.test(`GET ${label}/get/{clientId} should return a seeded client with a numeric clientId`, async (t) => {
    const target = api(await sandbox(t), generation)
    const answer = await call(target, 'GET', `/get/${PORTAL}`)
    t.equal(answer.status, 200)
    t.match(answer.text, `"clientId":${PORTAL},`)
    t.match(answer.json, {
      clientId: Number(PORTAL),
      clientName: 'Acme Customer Portal',
      developer: 'acme',
      clientIdAlias: 'portal',
      clientIdAliasEnabled: true,
      clientType: 'CONFIDENTIAL',
      locked: false,
      dynamicallyRegistered: false
    })
    t.match(answer.json.clientSecret, /^[A-Za-z0-9_-]{86}$/)
  })

  t.test(`GET ${label}/get/{clientId} should answer 404 A051201 for an unknown client and 400 for a non-numeric ID`,
    async (t) => {
      const target = api(await sandbox(t), generation)
      const missing = await call(target, 'GET', '/get/12345678901234')
      t.equal(missing.status, 404)
      t.same(missing.json, {
        resultCode: 'A051201', resultMessage: '[A051201] /client/get, The client (ID = 12345678901234) does not exist.'
      })
      const huge = await call(target, 'GET', '/get/9223372036854775807')
      t.match(huge.json.resultMessage, '(ID = 9223372036854775807)', 'int64 IDs are not rounded')
      const padded = await call(target, 'GET', `/get/00${PORTAL}`)
      t.equal(padded.status, 200, 'leading zeros name the same client')
      t.match(padded.text, `"clientId":${PORTAL},`)
      const invalid = await call(target, 'GET', '/get/portal')
      t.equal(invalid.status, 400)
      t.equal(invalid.json.resultCode, 'A051202')
      const malformed = await call(target, 'GET', '/get/%E0%A4%A')
      t.equal(malformed.status, 400)
      t.equal(malformed.json.resultCode, 'A001208')
    })

  t.test(`GET ${label}/get/list should page with start/end and filter by developer`, async (t) => {
    const target = api(await sandbox(t), generation)
    const first = await call(target, 'GET', '/get/list')
    t.equal(first.status, 200)
    t.match(first.json, { start: 0, end: 5, totalCount: 4 })
    t.equal(first.json.clients.length, 4)
    const second = await call(target, 'GET', '/get/list?start=1&end=3')
    t.same(second.json.clients.map((c: Json) => c.clientId), [Number(MOBILE), Number(REPORTS)])
    t.match(second.json, { start: 1, end: 3, totalCount: 4 })
    const acme = await call(target, 'GET', '/get/list?developer=acme')
    t.equal(acme.json.totalCount, 2)
    t.ok(acme.json.clients.every((c: Json) => c.developer === 'acme'))
    for (const bad of ['start=-1', 'end=abc', 'start=1.5']) {
      const answer = await call(target, 'GET', `/get/list?${bad}`)
      t.equal(answer.status, 400, bad)
      t.equal(answer.json.resultCode, 'A051205', bad)
    }
  })

  t.test(`POST ${label}/create should create a client and ignore server-owned properties`, async (t) => {
    const target = api(await sandbox(t), generation)
    const created = await call(target, 'POST', '/create', {
      clientName: 'Hooli Search',
      developer: 'hooli',
      clientId: 1,
      number: 2,
      clientSecret: 'mine',
      createdAt: 3,
      dynamicallyRegistered: true,
      redirectUris: ['https://hooli.example/cb'],
      grantTypes: ['AUTHORIZATION_CODE']
    })
    t.equal(created.status, 200)
    const client = created.json
    t.match(String(client.clientId), /^\d{14}$/)
    t.not(client.number, 2)
    t.match(client.clientSecret, /^[A-Za-z0-9_-]{86}$/)
    t.match(client, { clientType: 'CONFIDENTIAL', dynamicallyRegistered: false, developer: 'hooli', locked: false })
    t.not(client.createdAt, 3)
    t.equal(client.createdAt, client.modifiedAt)
    const fetched = await call(target, 'GET', `/get/${client.clientId}`)
    t.same(fetched.json, client)
    const nameless = await call(target, 'POST', '/create', {})
    t.equal(nameless.status, 200)
  })

  t.test(`POST ${label}/create should reject bodies that are not JSON objects or carry invalid values`, async (t) => {
    const target = api(await sandbox(t), generation)
    for (const body of ['not json', '[1]', '']) {
      const answer = await call(target, 'POST', '/create', body)
      t.equal(answer.status, 400)
      t.equal(answer.json.resultCode, 'A001209')
    }
    const invalid = await call(target, 'POST', '/create', { clientType: 'SECRET' })
    t.equal(invalid.json.resultCode, 'A051203')
    const taken = await call(target, 'POST', '/create', { clientIdAlias: 'portal' })
    t.equal(taken.json.resultCode, 'A051204')
  })

  t.test(`POST ${label}/update/{clientId} should replace writable properties and keep server-owned ones`,
    async (t) => {
      const target = api(await sandbox(t), generation)
      const before = (await call(target, 'GET', `/get/${PORTAL}`)).json
      const answer = await call(target, 'POST', `/update/${PORTAL}`, {
        clientName: 'Renamed Portal', developer: 'acme', clientSecret: 'ignored', number: 1
      })
      t.equal(answer.status, 200)
      t.match(answer.json, {
        clientName: 'Renamed Portal',
        clientSecret: before.clientSecret,
        number: before.number,
        createdAt: before.createdAt,
        clientId: before.clientId
      })
      t.ok(answer.json.modifiedAt > before.modifiedAt)
      if (generation === '3.0') t.equal(answer.json.clientIdAlias, PORTAL, 'an omitted alias falls back to the client ID')
      else t.notOk('clientIdAlias' in answer.json, 'a full replacement drops omitted properties')
      t.notOk('redirectUris' in answer.json)
      const missing = await call(target, 'POST', '/update/99999999999999', { clientName: 'x' })
      t.equal(missing.status, 404)
    })

  t.test(`DELETE ${label}/delete/{clientId} should answer 204 without a body and forget the client`, async (t) => {
    const target = api(await sandbox(t), generation)
    const answer = await call(target, 'DELETE', `/delete/${MOBILE}`)
    t.equal(answer.status, 204)
    t.equal(answer.text, '')
    t.equal((await call(target, 'GET', `/get/${MOBILE}`)).status, 404)
    t.equal((await call(target, 'DELETE', `/delete/${MOBILE}`)).status, 404)
  })

  t.test(`POST ${label}/lock_flag/update/{clientIdentifier} should lock by ID or enabled alias`, async (t) => {
    const target = api(await sandbox(t), generation)
    const byAlias = await call(target, 'POST', '/lock_flag/update/portal', { clientLocked: true })
    t.equal(byAlias.status, 200)
    t.equal(byAlias.json.resultCode, 'A215001')
    t.match(byAlias.json.resultMessage, /^\[A215001\] /)
    t.equal((await call(target, 'GET', `/get/${PORTAL}`)).json.locked, true)
    await call(target, 'POST', `/lock_flag/update/${PORTAL}`, { clientLocked: false })
    t.equal((await call(target, 'GET', `/get/${PORTAL}`)).json.locked, false)
    const invalid = await call(target, 'POST', '/lock_flag/update/portal', { clientLocked: 'yes' })
    t.equal(invalid.status, 400)
    t.equal(invalid.json.resultCode, 'A051206')
    // 3.0: clientIdAliasEnabled is "Deprecated. Always set to true."; 2.x honours the flag.
    const disabledAlias = await call(target, 'POST', '/lock_flag/update/globex-reports', { clientLocked: true })
    if (generation === '3.0') {
      t.equal(disabledAlias.status, 200, 'every alias resolves in 3.0')
    } else {
      t.equal(disabledAlias.status, 404)
      t.equal(disabledAlias.json.resultCode, 'A051201')
    }
  })

  t.test(`GET ${label}/secret/refresh/{clientIdentifier} should rotate the secret`, async (t) => {
    const target = api(await sandbox(t), generation)
    const before = (await call(target, 'GET', `/get/${PORTAL}`)).json.clientSecret
    const answer = await call(target, 'GET', '/secret/refresh/portal')
    t.equal(answer.status, 200)
    t.match(answer.json, { resultCode: 'A148001', oldClientSecret: before })
    t.match(answer.json.newClientSecret, /^[A-Za-z0-9_-]{86}$/)
    t.not(answer.json.newClientSecret, before)
    t.equal((await call(target, 'GET', `/get/${PORTAL}`)).json.clientSecret, answer.json.newClientSecret)
  })

  t.test(`POST ${label}/secret/update/{clientIdentifier} should set a secret matching the pattern`, async (t) => {
    const target = api(await sandbox(t), generation)
    const answer = await call(target, 'POST', `/secret/update/${REPORTS}`, { clientSecret: 'my_new-secret' })
    t.equal(answer.status, 200)
    t.match(answer.json, { resultCode: 'A149001', newClientSecret: 'my_new-secret' })
    t.match(answer.json.oldClientSecret, /^[A-Za-z0-9_-]{86}$/)
    for (const clientSecret of ['has space', '', 'x'.repeat(87), 42]) {
      const invalid = await call(target, 'POST', `/secret/update/${REPORTS}`, { clientSecret })
      t.equal(invalid.status, 400)
      t.equal(invalid.json.resultCode, 'A051207')
    }
  })

  t.test(`GET ${label}/authorization/get/list should list the clients a subject authorized`, async (t) => {
    const target = api(await sandbox(t), generation)
    const john = await call(target, 'GET', '/authorization/get/list?subject=john')
    t.equal(john.status, 200)
    t.match(john.json, { start: 0, end: 5, subject: 'john', totalCount: 2 })
    t.notOk('developer' in john.json)
    t.same(john.json.clients.map((c: Json) => c.clientId), [Number(PORTAL), Number(MOBILE)])
    const paged = await call(target, 'GET', '/authorization/get/list?subject=john&developer=acme&start=1&end=2')
    t.match(paged.json, { start: 1, end: 2, developer: 'acme', totalCount: 2 })
    t.equal(paged.json.clients.length, 1)
    const missing = await call(target, 'GET', '/authorization/get/list')
    t.equal(missing.status, 400)
    t.equal(missing.json.resultCode, 'A051208')
  })

  t.test(`POST ${label}/authorization/update/{clientId} should update the scopes of a subject's tokens`, async (t) => {
    const target = api(await sandbox(t), generation)
    const updated = await call(target, 'POST', `/authorization/update/${PORTAL}`, { subject: 'john', scopes: ['openid'] })
    t.equal(updated.status, 200)
    t.equal(updated.json.resultCode, 'A138001')
    t.match(updated.json.resultMessage, `[A138001] Updated 1 access token(s) issued to the client (ID = ${PORTAL})`)
    const none = await call(target, 'POST', `/authorization/update/${REPORTS}`, { subject: 'john' })
    t.match(none.json.resultMessage, 'Updated 0 access token(s)')
    const badScopes = await call(target, 'POST', `/authorization/update/${PORTAL}`, { subject: 'john', scopes: 'openid' })
    t.equal(badScopes.json.resultCode, 'A051209')
    const noSubject = await call(target, 'POST', `/authorization/update/${PORTAL}`, { scopes: [] })
    t.equal(noSubject.json.resultCode, 'A051208')
  })

  t.test(`DELETE ${label}/authorization/delete/{clientId} should delete the subject's tokens`, async (t) => {
    const target = api(await sandbox(t), generation)
    const deleted = await call(target, 'DELETE', `/authorization/delete/${PORTAL}?subject=john`)
    t.equal(deleted.status, 200)
    t.match(deleted.json, { resultCode: 'A137001', resultMessage: /Deleted 1 access token\(s\)/ })
    const list = await call(target, 'GET', '/authorization/get/list?subject=john')
    t.same(list.json.clients.map((c: Json) => c.clientId), [Number(MOBILE)])
    const again = await call(target, 'DELETE', `/authorization/delete/${PORTAL}?subject=john`)
    t.match(again.json.resultMessage, /Deleted 0 access token\(s\)/)
    const noSubject = await call(target, 'DELETE', `/authorization/delete/${PORTAL}`)
    t.equal(noSubject.status, 400)
  })

  t.test(`GET ${label}/granted_scopes/get/{clientId} should report and DELETE should clear granted scopes`,
    async (t) => {
      const upstream = await sandbox(t)
      const target = api(upstream, generation)
      const granted = await call(target, 'GET', `/granted_scopes/get/${PORTAL}?subject=john`)
      t.equal(granted.status, 200)
      t.match(granted.json, {
        clientId: Number(PORTAL),
        subject: 'john',
        latestGrantedScopes: ['openid', 'profile'],
        serviceApiKey: Number(upstream.credentials.serviceId)
      })
      t.type(granted.json.modifiedAt, 'number')
      const cleared = await call(target, 'DELETE', `/granted_scopes/delete/${PORTAL}?subject=john`)
      t.equal(cleared.status, 200)
      t.match(cleared.json.resultMessage, /^\[\w+\] /)
      const after = await call(target, 'GET', `/granted_scopes/get/${PORTAL}?subject=john`)
      t.match(after.json, { resultCode: 'A139001', clientId: Number(PORTAL), subject: 'john' })
      for (const name of ['latestGrantedScopes', 'mergedGrantedScopes', 'modifiedAt']) {
        t.notOk(name in after.json, `no record: no ${name} (both schemas type the lists as arrays, never null)`)
      }
      const unknown = await call(target, 'GET', '/granted_scopes/get/11111111111111?subject=john')
      t.equal(unknown.status, 404)
      const noSubject = await call(target, 'DELETE', `/granted_scopes/delete/${PORTAL}`)
      t.equal(noSubject.json.resultCode, 'A051208')
    })

  t.test(`POST ${label}/create should default the alias as the ${generation} document says`, async (t) => {
    const target = api(await sandbox(t), generation)
    const created = (await call(target, 'POST', '/create', { clientName: 'No alias', clientIdAliasEnabled: false })).json
    if (generation === '3.0') {
      // Client schema: clientIdAlias "By default, a string version of the clientId"; clientIdAliasEnabled "Always set to true".
      t.equal(created.clientIdAlias, String(created.clientId))
      t.equal(created.clientIdAliasEnabled, true)
      t.equal((await call(target, 'GET', `/secret/refresh/${created.clientIdAlias}`)).status, 200)
    } else {
      t.notOk('clientIdAlias' in created)
      t.equal(created.clientIdAliasEnabled, false)
    }
    const numeric = await call(target, 'POST', '/create', { clientIdAlias: PORTAL })
    t.equal(numeric.status, 400, "another client's ID is no alias")
  })

  t.test(`POST ${label}/create and update should keep every writable property of the Client schema`, async (t) => {
    const target = api(await sandbox(t), generation)
    const writable = {
      locked: true,
      registrationAccessTokenHash: 'hash-of-a-token',
      entityId: 'https://rp.example',
      trustAnchorId: 'https://ta.example',
      trustChain: ['eyJ.a.b', 'eyJ.c.d'],
      trustChainExpiresAt: 1900000000000,
      trustChainUpdatedAt: 1800000000000,
      automaticallyRegistered: true,
      explicitlyRegistered: true
    }
    const v3Only = { credentialOfferEndpoint: 'https://rp.example/offer', fapiModes: ['FAPI2_SECURITY'], responseModes: ['QUERY'], credentialResponseEncryptionRequired: true }
    const created = (await call(target, 'POST', '/create', { clientName: 'Federated', ...writable, ...v3Only })).json
    t.match(created, writable)
    if (generation === '3.0') t.match(created, v3Only)
    else for (const name of Object.keys(v3Only)) t.notOk(name in created, `${name} is not in the 2.x Client schema`)
    const updated = (await call(target, 'POST', `/update/${created.clientId}`, { clientName: 'Federated', entityId: 'https://rp2.example', locked: false })).json
    t.match(updated, { entityId: 'https://rp2.example', locked: false, registrationAccessTokenHash: 'hash-of-a-token' })
    t.notOk('trustChain' in updated, 'a full replacement drops the others')
    const kept = (await call(target, 'POST', `/update/${created.clientId}`, { clientName: 'Federated' })).json
    t.equal(kept.locked, false, 'an update that leaves locked out keeps it')
    for (const bad of [{ locked: 'yes' }, { trustChain: 'x' }, { trustChainExpiresAt: -1 }]) {
      t.equal((await call(target, 'POST', '/create', bad)).json.resultCode, 'A051203', JSON.stringify(bad))
    }
  })

  t.test(`GET ${label}/get/list should echo developer in 2.x only`, async (t) => {
    const target = api(await sandbox(t), generation)
    const acme = (await call(target, 'GET', '/get/list?developer=acme')).json
    if (generation === '2.x') t.equal(acme.developer, 'acme')
    else t.notOk('developer' in acme, 'the 3.0 answer has no developer property')
    t.notOk('developer' in (await call(target, 'GET', '/get/list')).json, 'without the parameter: left out, never null')
  })

  t.test(`GET ${label}/authorization/get/list should list ${generation === '3.0' ? 'the six-property items' : 'whole clients'}`, async (t) => {
    const target = api(await sandbox(t), generation)
    const [first] = (await call(target, 'GET', '/authorization/get/list?subject=john')).json.clients
    if (generation === '3.0') {
      t.same(first, { number: first.number, clientName: 'Acme Customer Portal', clientId: Number(PORTAL), clientIdAlias: 'portal', clientIdAliasEnabled: true, clientType: 'CONFIDENTIAL' })
    } else {
      t.match(first, { clientId: Number(PORTAL), developer: 'acme', redirectUris: ['https://portal.acme.example/callback'] })
      t.type(first.clientSecret, 'string')
    }
  })

  t.test(`${label}/authorization and granted_scopes operations should take subject in the path as the SDK sends it`, async (t) => {
    const target = api(await sandbox(t), generation)
    const listed = await call(target, 'GET', '/authorization/get/list/john?subject=john')
    t.match(listed, { status: 200, json: { subject: 'john', totalCount: 2 } })
    t.match((await call(target, 'GET', '/authorization/get/list/alice')).json, { subject: 'alice', totalCount: 1 }, 'the path alone')
    t.match((await call(target, 'GET', `/granted_scopes/get/${MOBILE}/john?subject=john`)).json, { subject: 'john', latestGrantedScopes: ['openid', 'profile', 'offline_access'] })
    t.match((await call(target, 'DELETE', `/granted_scopes/delete/${MOBILE}/john`)).json, { resultCode: 'A140001' })
    t.match((await call(target, 'DELETE', `/authorization/delete/${PORTAL}/john?subject=john`)).json, { resultCode: 'A137001', resultMessage: /Deleted 1 / })
    t.match((await call(target, 'GET', '/authorization/get/list/x%20y')).json, { subject: 'x y' }, 'percent-decoded')
  })

  t.test(`${label} operations with a body should accept a form as both documents declare`, async (t) => {
    const target = api(await sandbox(t), generation)
    const form = { ...target.headers, 'content-type': 'application/x-www-form-urlencoded' }
    const lock = await call(target, 'POST', '/lock_flag/update/portal', 'clientLocked=true', form)
    t.match(lock, { status: 200, json: { resultCode: 'A215001' } })
    t.equal((await call(target, 'GET', `/get/${PORTAL}`)).json.locked, true)
    t.match((await call(target, 'POST', `/secret/update/${PORTAL}`, 'clientSecret=form_secret', form)).json, { newClientSecret: 'form_secret' })
    const scopes = await call(target, 'POST', `/authorization/update/${PORTAL}`, 'subject=john&scopes=openid&scopes=email', form)
    t.match(scopes.json, { resultCode: 'A138001', resultMessage: /Updated 1 / })
    const update = await call(target, 'POST', `/update/${MOBILE}`,
      'clientName=Form+App&clientType=PUBLIC&pkceRequired=true&defaultMaxAge=60&redirectUris=https%3A%2F%2Fa.example%2Fcb&redirectUris=https%3A%2F%2Fb.example%2Fcb&attributes=%5B%7B%22key%22%3A%22k%22%2C%22value%22%3A%22v%22%7D%5D', form)
    t.match(update.json, { clientName: 'Form App', clientType: 'PUBLIC', pkceRequired: true, defaultMaxAge: 60, redirectUris: ['https://a.example/cb', 'https://b.example/cb'], attributes: [{ key: 'k', value: 'v' }] })
    t.equal((await call(target, 'POST', `/update/${MOBILE}`, 'pkceRequired=maybe', form)).json.resultCode, 'A051203')
    t.equal((await call(target, 'POST', '/lock_flag/update/portal', 'clientLocked=yes', form)).json.resultCode, 'A051206')
    const { dynamicClientId: clientId, registrationAccessToken: token } = target.seed
    const body = new URLSearchParams({ clientId, token, json: JSON.stringify({ client_name: 'Form Registered' }) }).toString()
    t.match((await call(target, 'POST', '/registration/update', body, form)).json, { action: 'UPDATED', client: { clientName: 'Form Registered' } })
  })

  t.test(`${label}/extension/requestable_scopes should get, update and delete a client's requestable scopes`, async (t) => {
    const target = api(await sandbox(t), generation)
    t.same((await call(target, 'GET', `/extension/requestable_scopes/get/${MOBILE}`)).json, {})
    const set = await call(target, 'PUT', `/extension/requestable_scopes/update/${MOBILE}`, { requestableScopes: ['openid'] })
    t.same(set.json, { requestableScopes: ['openid'] })
    t.same((await call(target, 'GET', `/extension/requestable_scopes/get/${MOBILE}`)).json, { requestableScopes: ['openid'] })
    t.equal((await call(target, 'DELETE', `/extension/requestable_scopes/delete/${MOBILE}`)).status, 204)
    t.same((await call(target, 'GET', `/extension/requestable_scopes/get/${MOBILE}`)).json, {})
    t.equal((await call(target, 'PUT', `/extension/requestable_scopes/update/${MOBILE}`, { requestableScopes: 'openid' })).status, 400)
  })

  t.test(`POST ${label}/registration/update should answer UPDATED, UNAUTHORIZED and BAD_REQUEST with 200`,
    async (t) => {
      const upstream = await sandbox(t)
      const target = api(upstream, generation)
      const { dynamicClientId: clientId, registrationAccessToken: token } = upstream.seed
      const metadata = {
        client_id: clientId,
        client_name: 'Initech Renamed',
        redirect_uris: ['https://app.initech.example/new'],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        contacts: ['ops@initech.example']
      }
      const updated = await call(target, 'POST', '/registration/update', { clientId, token, json: JSON.stringify(metadata) })
      t.equal(updated.status, 200)
      t.match(updated.json, { resultCode: 'A213001', action: 'UPDATED' })
      t.match(updated.json.client, {
        clientId: Number(clientId),
        clientName: 'Initech Renamed',
        tokenAuthMethod: 'CLIENT_SECRET_POST',
        redirectUris: ['https://app.initech.example/new'],
        grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN']
      })
      t.type(updated.json.responseContent, 'string')
      t.match(JSON.parse(updated.json.responseContent), {
        client_id: clientId,
        client_name: 'Initech Renamed',
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: ['https://app.initech.example/new'],
        registration_client_uri: /\/26837717140341$/
      })

      const wrongToken = await call(target, 'POST', '/registration/update', { clientId, token: 'nope', json: '{}' })
      t.equal(wrongToken.status, 200)
      t.equal(wrongToken.json.action, 'UNAUTHORIZED')
      t.equal(JSON.parse(wrongToken.json.responseContent).error, 'invalid_token')
      t.notOk('client' in wrongToken.json)
      const otherClient = await call(target, 'POST', '/registration/update', { clientId: PORTAL, token, json: '{}' })
      t.equal(otherClient.json.action, 'UNAUTHORIZED')

      for (const json of ['{not json', '[]']) {
        const bad = await call(target, 'POST', '/registration/update', { clientId, token, json })
        t.equal(bad.status, 200)
        t.equal(bad.json.action, 'BAD_REQUEST')
        t.equal(JSON.parse(bad.json.responseContent).error, 'invalid_client_metadata')
      }
      const incomplete = await call(target, 'POST', '/registration/update', { clientId, token })
      t.equal(incomplete.status, 400)
      t.equal(incomplete.json.resultCode, 'A051210')
    })
}

t.test('GET /api/{serviceId}/client/get/{clientId} should deny another service with 403, not the documented A001215 (client locked)', async (t) => {
  const upstream = await sandbox(t)
  const target = api(upstream, '3.0')
  target.prefix = `${upstream.url}/api/99999999999/client`
  const answer = await call(target, 'GET', `/get/${PORTAL}`)
  t.equal(answer.status, 403)
  t.equal(answer.json.resultCode, 'A001216')
  t.match(answer.json.resultMessage, /^\[A001216\] \/client\/get, Access denied/)
})

t.test('GET /api/client/unknown should answer 404 and a wrong method 405, both with resultCode', async (t) => {
  const target = api(await sandbox(t), '2.x')
  const unknown = await call(target, 'GET', '/unknown/thing')
  t.equal(unknown.status, 404)
  t.match(unknown.json, { resultCode: 'A001205', resultMessage: /^\[A001205\] / })
  const wrongMethod = await call(target, 'POST', '/get/list', {})
  t.equal(wrongMethod.status, 405)
  t.match(wrongMethod.json, { resultCode: 'A001206', resultMessage: /^\[A001206\] / })
  t.equal(wrongMethod.headers.get('allow'), 'GET')
})

t.test('POST /api/client/create should refuse a body over 1 MiB with 413', async (t) => {
  const target = api(await sandbox(t), '2.x')
  const answer = await call(target, 'POST', '/create', JSON.stringify({ clientName: 'x'.repeat(1024 * 1024) }))
  t.equal(answer.status, 413)
  t.equal(answer.json.resultCode, 'A001207')
})

t.test('every request should be recorded raw and in order, failures included', async (t) => {
  const upstream = await sandbox(t)
  const target = api(upstream, '3.0')
  await call(target, 'GET', '/get/list?developer=a%20b&start=0')
  await call(target, 'GET', '/get/portal%2Fx', undefined, {})
  await call(target, 'POST', '/lock_flag/update/portal', { clientLocked: true })
  t.equal(upstream.requests.length, 3)
  const [list, failed, lock] = upstream.requests
  t.match(list, { method: 'GET', path: `/api/${upstream.credentials.serviceId}/client/get/list`, query: 'developer=a%20b&start=0', body: '' })
  t.equal(list?.headers.authorization, `Bearer ${upstream.credentials.accessToken}`)
  t.match(failed, { path: `/api/${upstream.credentials.serviceId}/client/get/portal%2Fx`, query: '' })
  t.match(lock, { method: 'POST', body: '{"clientLocked":true}' })
})

t.test('startSandboxUpstream should honour given credentials and generate the rest', async (t) => {
  const upstream = await startSandboxUpstream({ credentials: { serviceId: '1234567890', accessToken: 'tok' } })
  t.teardown(() => upstream.close())
  t.match(upstream.credentials, { serviceId: '1234567890', accessToken: 'tok' })
  t.match(upstream.credentials.apiKey, /^[A-Za-z0-9_-]+$/)
  t.match(upstream.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(upstream.seed.clientIds.length, 4)
  const random = await sandbox(t)
  t.match(random.credentials.serviceId, /^\d{10,14}$/)
  await random.close()
  await random.close()
})
