import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, login, PASSWORDS, type Login } from '../helpers/app.ts'
import { json, startFaultUpstream } from '../helpers/fault-upstream.ts'

const SESSION_SECRET = 'session-secret-for-the-secrets-test-0f9e8d7c'
const KNOWN_CLIENT_SECRET = 'Known-client-secret_value-4242-of-32'
const PORTAL = '26478243745571'
const MOBILE = '31415926535897'

/** Every answer the app gave, kept to search them all afterwards. */
function recorder (app: FastifyInstance) {
  const answers: LightMyRequestResponse[] = []
  const call = async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const response = await app.inject(options)
    answers.push(response)
    return response
  }
  return { answers, call }
}

function assertNowhere (t: Test, haystack: string[], secrets: Record<string, string>, where: string): void {
  for (const [name, value] of Object.entries(secrets)) {
    t.notOk(haystack.some(text => text.includes(value)), `${name} is in no ${where}`)
  }
}

const answerText = (response: LightMyRequestResponse): string => `${JSON.stringify(response.headers)}\n${response.body}`

/** Client secrets an answer (to an admin) carried, wherever they sit. */
function secretsIn (response: LightMyRequestResponse): string[] {
  const found: string[] = []
  JSON.stringify(response.json(), (key, value: unknown) => {
    if (['clientSecret', 'newClientSecret', 'oldClientSecret', 'client_secret'].includes(key) && typeof value === 'string') found.push(value)
    return value
  })
  return found
}

t.test('POST /auth/login ...should keep credentials, passwords, client secrets and registration tokens out of every log line and answer', async t => {
  const { app, logs, config } = await buildTestApp(t, { LOG_LEVEL: 'trace', SESSION_SECRET })
  const { credentials, seed } = app.sandboxUpstream
  const { answers, call } = recorder(app)
  const clientSecrets = new Set<string>([KNOWN_CLIENT_SECRET])
  const keep = (response: LightMyRequestResponse) => { for (const secret of secretsIn(response)) clientSecrets.add(secret) }

  // Failing logins: wrong password, unknown user, a password in a body that is not JSON.
  await call({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: `${PASSWORDS.admin}-wrong` } })
  await call({ method: 'POST', url: '/auth/login', payload: { username: 'ghost', password: PASSWORDS.editor } })
  await call({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: `{"username":"viewer","password":${PASSWORDS.viewer}}` })
  await call({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'text/plain' }, payload: `viewer:${PASSWORDS.viewer}` })
  const users: Record<string, Login> = {}
  for (const role of ['viewer', 'editor', 'admin'] as const) users[role] = await login(app, role)
  const { viewer, editor, admin } = users as Record<'viewer' | 'editor' | 'admin', Login>

  // Reads by every role; the admin's answers carry the secrets.
  for (const user of [viewer, editor, admin]) {
    await call({ url: '/api/clients', headers: user.headers })
    await call({ url: `/api/clients/${PORTAL}`, headers: user.headers })
    await call({ url: '/api/subjects/john/clients', headers: user.headers })
  }
  keep(await call({ url: '/api/clients?limit=100', headers: admin.headers }))
  // Writes: a creation (its answer carries the new secret), a secret refresh and a known secret.
  const created = await call({ method: 'POST', url: '/api/clients', headers: editor.headers, payload: { clientName: 'Secrets test' } })
  t.equal(created.statusCode, 201)
  keep(created)
  t.ok(created.json().clientSecret, 'the creation answer carries the generated secret')
  const refreshed = await call({ method: 'POST', url: '/api/clients/portal/secret/refresh', headers: admin.headers })
  t.equal(refreshed.statusCode, 200)
  keep(refreshed)
  const updated = await call({ method: 'PUT', url: `/api/clients/${MOBILE}/secret`, headers: admin.headers, payload: { clientSecret: KNOWN_CLIENT_SECRET } })
  t.equal(updated.statusCode, 200)
  keep(updated)
  await call({ method: 'PATCH', url: `/api/clients/${PORTAL}`, headers: editor.headers, payload: { description: 'patched' } })
  // RFC 7592 update with the seeded registration access token, then with a wrong one.
  const registration = await call({
    method: 'PUT',
    url: `/api/clients/${seed.dynamicClientId}/registration`,
    headers: editor.headers,
    payload: { registrationAccessToken: seed.registrationAccessToken, metadata: { client_name: 'Renamed' } }
  })
  t.equal(registration.statusCode, 200)
  await call({
    method: 'PUT',
    url: `/api/clients/${seed.dynamicClientId}/registration`,
    headers: admin.headers,
    payload: { registrationAccessToken: `${seed.registrationAccessToken}x`, metadata: { client_name: 'Nope' } }
  })
  // Upstream refusals and a refused secret.
  await call({ url: '/api/clients/999999', headers: viewer.headers })
  await call({ method: 'PUT', url: `/api/clients/${MOBILE}/secret`, headers: admin.headers, payload: { clientSecret: 'has spaces and !' } })
  await call({ method: 'PUT', url: '/api/clients/no-such-alias/secret', headers: admin.headers, payload: { clientSecret: 'Another-known-secret-1-of-32-characters' } })
  await call({ method: 'POST', url: '/auth/logout', headers: admin.headers })

  t.ok(clientSecrets.size >= 4, `collected ${clientSecrets.size} client secrets`)
  t.ok(logs.length > 20, 'trace logging wrote lines')
  const serviceCredentials = {
    'access token': credentials.accessToken,
    'API key': credentials.apiKey,
    'API secret': credentials.apiSecret,
    'Basic credential': Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString('base64'),
    'session secret': config.SESSION_SECRET!
  }
  assertNowhere(t, logs, {
    ...serviceCredentials,
    ...Object.fromEntries(Object.entries(PASSWORDS).map(([role, password]) => [`${role} password`, password])),
    ...Object.fromEntries([...clientSecrets].map((secret, index) => [`client secret #${index}`, secret])),
    'registration access token': seed.registrationAccessToken,
    'another known secret': 'Another-known-secret-1-of-32-characters'
  }, 'log line')
  assertNowhere(t, answers.map(answerText), serviceCredentials, 'answer')
})

t.test('GET /api/clients ...should never show a viewer or an editor a client secret in get and list answers', async t => {
  const { app } = await buildTestApp(t)
  const admin = await login(app, 'admin')
  const adminView = await app.inject({ url: `/api/clients/${PORTAL}`, headers: admin.headers })
  const secret = adminView.json().clientSecret as string
  t.ok(secret, 'an admin does see the secret (so the check below means something)')
  for (const role of ['viewer', 'editor'] as const) {
    const user = await login(app, role)
    const answers = [
      await app.inject({ url: '/api/clients?limit=100', headers: user.headers }),
      await app.inject({ url: `/api/clients/${PORTAL}`, headers: user.headers }),
      await app.inject({ url: '/api/clients?developer=acme', headers: user.headers }),
      await app.inject({ url: '/api/subjects/john/clients', headers: user.headers }),
      await app.inject({ url: '/api/subjects/alice/clients', headers: user.headers })
    ]
    for (const response of answers) {
      t.equal(response.statusCode, 200)
      t.notOk(response.body.includes('clientSecret'), `${role}: no clientSecret property`)
      t.notOk(response.body.includes(secret), `${role}: not the secret value`)
    }
  }
})

t.test('PUT /api/clients/:clientId/registration ...should not show an editor the client_secret of the RFC 7592 answer', async t => {
  const { app } = await buildTestApp(t)
  const { seed } = app.sandboxUpstream
  const editor = await login(app, 'editor')
  const response = await app.inject({
    method: 'PUT',
    url: `/api/clients/${seed.dynamicClientId}/registration`,
    headers: editor.headers,
    payload: { registrationAccessToken: seed.registrationAccessToken, metadata: { client_name: 'Renamed' } }
  })
  t.equal(response.statusCode, 200)
  t.equal(response.json().client_name, 'Renamed')
  t.notOk('client_secret' in response.json())
})

t.test('GET /api/clients ...should keep the service credentials out of logs and answers when the upstream fails', async t => {
  const fault = await startFaultUpstream(t)
  const token = 'tok-secrets-upstream-errors-77d1aa'
  const { app, logs } = await buildTestApp(t, {
    LOG_LEVEL: 'trace', SESSION_SECRET, AUTHLETE_BASE_URL: fault.url, AUTHLETE_SERVICE_ID: '123', AUTHLETE_SERVICE_ACCESS_TOKEN: token, AUTHLETE_TIMEOUT_MS: '300'
  })
  const viewer = await login(app, 'viewer')
  const answers: LightMyRequestResponse[] = []
  const faults: Array<Parameters<typeof fault.answer>[0]> = [
    (_request, response) => json(response, 401, { resultCode: 'A001203', resultMessage: 'bad token' }),
    (_request, response) => json(response, 403, { resultCode: 'A001215', resultMessage: 'denied' }),
    (_request, response) => json(response, 500, { resultCode: 'A001101', resultMessage: 'boom' }),
    (_request, response) => json(response, 404, { resultCode: 'A051201', resultMessage: 'no such client' }),
    (_request, response) => { response.writeHead(200); response.end('not json') },
    (_request, response) => { response.writeHead(302, { location: `${fault.url}/x` }); response.end() },
    request => { request.socket.destroy() },
    () => {}
  ]
  for (const next of faults) {
    fault.answer(next)
    answers.push(await app.inject({ url: `/api/clients/${PORTAL}`, headers: viewer.headers }))
  }
  t.same(answers.map(answer => answer.statusCode), [502, 502, 502, 404, 502, 502, 502, 504])
  t.ok(fault.requests.every(request => request.headers.authorization === `Bearer ${token}`), 'the token was in use')
  const secrets = { 'access token': token, 'session secret': SESSION_SECRET, 'viewer password': PASSWORDS.viewer }
  assertNowhere(t, logs, secrets, 'log line')
  assertNowhere(t, answers.map(answerText), secrets, 'answer')
})
