import { test } from 'tap'
import { connect } from 'node:net'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, login } from '../helpers/app.ts'
import { LOGOUT_EVENT, startOidcApp } from '../helpers/oidc-provider.ts'

async function countEntries (app: FastifyInstance): Promise<number> {
  let count = 0
  for await (const entry of app.auditTrail.entries()) count += entry.seq > 0 ? 1 : 0
  return count
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

test('POST /auth/backchannel-logout ...should write nothing to the audit trail for 3,000 bogus logout tokens', async t => {
  const setup = await startOidcApp(t)
  const before = await countEntries(setup.app)
  const pool = new Pool(setup.appUrl, { connections: 16 })
  t.teardown(() => pool.close())
  const statuses = new Map<number, number>()
  let sent = 0
  const send = async (): Promise<void> => {
    while (sent < 3000) {
      const n = sent++
      // Forged tokens, garbage, and fields that would fake lines and colours in a record.
      const body = n % 3 === 0
        ? `logout_token=${randomUUID()}&evil%0Aname%1B%5B31m=${n}`
        : `logout_token=${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: setup.provider.issuer, jti: String(n) })).toString('base64url')}.`
      const { statusCode, body: answer } = await pool.request({ method: 'POST', path: '/auth/backchannel-logout', headers: FORM, body })
      await answer.dump()
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: 16 }, send))
  t.same([...statuses], [[400, 3000]], 'every one refused with 400')
  t.equal(await countEntries(setup.app), before, 'the audit trail did not grow')

  // A real one, signed by the provider, is recorded once, with the one field the spec defines.
  const token = await setup.provider.signLogoutToken({
    iss: setup.provider.issuer, aud: setup.provider.clientId, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), events: { [LOGOUT_EVENT]: {} }, sub: 'alice'
  })
  const good = await fetch(`${setup.appUrl}/auth/backchannel-logout`, { method: 'POST', headers: FORM, body: `logout_token=${token}&fake%0Aline=1` })
  t.equal(good.status, 200)
  t.equal(await countEntries(setup.app), before + 2, 'one intent and one outcome')
  const admin = await login(setup.app, 'admin')
  const records = (await setup.app.inject({ url: '/api/audit?action=auth.backchannel-logout', headers: admin.headers })).json().records
  t.same(records.map((record: { changedProperties: string[] }) => record.changedProperties), [['logout_token']], 'other form fields never reach the record')
})

test('POST /auth/backchannel-logout ...should not exist without OIDC_ISSUER: 404, nothing parsed, nothing audited', async t => {
  const { app } = await buildTestApp(t)
  const before = await countEntries(app)
  for (let i = 0; i < 50; i++) {
    const response = await app.inject({ method: 'POST', url: '/auth/backchannel-logout', headers: FORM, payload: `logout_token=x&a%0Ab=${i}` })
    t.equal(response.statusCode, 404)
  }
  t.equal(await countEntries(app), before, 'no record')
  t.notOk((app.swagger() as { paths: Record<string, unknown> }).paths['/auth/backchannel-logout'], 'not served, so not described by this deployment')
})

test('POST /auth/login and POST /auth/backchannel-logout ...should spend the per-address anonymous-post budget (429 problem+json)', async t => {
  const setup = await startOidcApp(t, { RATE_LIMIT_ANONYMOUS: '5/1m' })
  const codes: number[] = []
  for (let i = 0; i < 3; i++) {
    codes.push((await fetch(`${setup.appUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"nobody","password":"x"}' })).status)
  }
  for (let i = 0; i < 2; i++) {
    codes.push((await fetch(`${setup.appUrl}/auth/backchannel-logout`, { method: 'POST', headers: FORM, body: 'logout_token=x' })).status)
  }
  t.same(codes, [401, 401, 401, 400, 400], 'within the budget, answered as usual')
  for (const [url, type, body] of [['/auth/login', 'application/json', '{"username":"admin","password":"x"}'], ['/auth/backchannel-logout', FORM['content-type'], 'logout_token=x']]) {
    const refused = await fetch(`${setup.appUrl}${url!}`, { method: 'POST', headers: { 'content-type': type! }, body })
    t.equal(refused.status, 429, `${url}`)
    t.match(refused.headers.get('content-type'), /^application\/problem\+json/)
    t.match(await refused.json(), { code: 'BFF_RATE_LIMITED', detail: /anonymous-post/ })
    t.ok(Number(refused.headers.get('retry-after')) > 0)
  }
  const admin = await login(setup.app, 'admin').catch((error: Error) => error)
  t.match(admin, Error, 'app.inject comes from the same address: refused too')
})

test('POST /api/clients ...should store the User-Agent with control characters escaped in the audit record', async t => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const editor = await login(app, 'editor')
  const body = JSON.stringify({ clientName: 'ua test' })
  // Raw bytes: 0x9b is the one-byte CSI of C1 terminals, 0x85 is NEL (a line break); fetch would refuse to send them.
  const request = Buffer.concat([
    Buffer.from(`POST /api/clients HTTP/1.1\r\nhost: 127.0.0.1\r\ncookie: ${editor.cookie}\r\nx-csrf-token: ${editor.csrfToken}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\nuser-agent: evil`),
    Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x85]),
    Buffer.from(`fake record\r\n\r\n${body}`)
  ])
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    const chunks: Buffer[] = []
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
  })
  t.match(answer, /^HTTP\/1\.1 201/)
  const admin = await login(app, 'admin')
  const [record] = (await app.inject({ url: '/api/audit?action=client.create', headers: admin.headers })).json().records
  t.equal(record.userAgent, 'evil\\u009b31m\\u0085fake record')
})
