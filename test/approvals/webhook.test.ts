import t, { type Test } from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import { signature } from '../../src/approvals/webhook.ts'
import { approvalHarness } from './support.ts'

interface Received { headers: IncomingMessage['headers'], body: string }

// A real receiver: refuses the first delivery (500) to make the proxy retry, then takes the rest.
async function receiver (t: Test): Promise<{ url: string, received: Received[], next: (count: number) => Promise<void> }> {
  const received: Received[] = []
  let refused = false
  const waiting: Array<{ count: number, resolve: () => void }> = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk))
    request.on('end', () => {
      if (!refused) {
        refused = true
        response.writeHead(500).end()
        return
      }
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(204).end()
      for (const wait of waiting.filter(wait => received.length >= wait.count)) wait.resolve()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise(resolve => server.close(resolve)))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/approvals`,
    received,
    next: async count => { if (received.length < count) await new Promise<void>(resolve => waiting.push({ count, resolve })) }
  }
}

const SECRET = 'webhook-secret-for-the-tests-0123456789'

t.test('APPROVAL_WEBHOOK_URL ...should receive signed, timestamped events on created, decided and applied, retried after a refusal, without secrets', async t => {
  const hook = await receiver(t)
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.secret.refresh', APPROVAL_WEBHOOK_URL: hook.url, APPROVAL_WEBHOOK_SECRET: SECRET })
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'POST', `/api/clients/${clientId}/secret/refresh`, undefined, { 'x-change-reason': 'rotation' })
  t.equal(asked.statusCode, 202, 'answered without waiting for the receiver')
  await hook.next(1)
  const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  await hook.next(3)
  const secret = (await h.as('alice', 'GET', `/api/change-requests/${asked.json().id}/secret`)).json().newClientSecret as string
  t.same(hook.received.map(event => event.headers['x-bff-event']), ['change-request.created', 'change-request.decided', 'change-request.applied'], 'the first, refused, delivery came again')
  for (const { headers, body } of hook.received) {
    const timestamp = String(headers['x-bff-timestamp'])
    t.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 600, 'a current Unix timestamp')
    t.equal(headers['x-bff-signature'], signature(SECRET, timestamp, body), 'HMAC-SHA256 over timestamp.body')
    t.notOk(body.includes(secret), 'never the secret')
    t.match(JSON.parse(body), { changeRequest: { id: asked.json().id, clientId, reason: 'rotation' } })
  }
  t.match(JSON.parse(hook.received[2]!.body), { event: 'change-request.applied', changeRequest: { status: 'approved-applied' } })
  t.equal(approved.json().status, 'approved-applied')
})

t.test('X-BFF-Apply-Grant ...should be refused from the network even when it is a live grant, and the apply still go through', async t => {
  const h = await approvalHarness(t, 'v3', { APPROVALS: 'client.delete' })
  const { app } = h
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const clientId = await h.newClient()
  const asked = await h.as('alice', 'DELETE', `/api/clients/${clientId}`)
  const forged = await fetch(`${base}/api/clients/${clientId}`, { method: 'DELETE', headers: { 'x-bff-apply-grant': 'a'.repeat(43) } })
  t.equal(forged.status, 401)
  t.equal((await app.inject({ method: 'DELETE', url: `/api/clients/${clientId}`, headers: { 'x-bff-apply-grant': 'a'.repeat(43) } })).statusCode, 401, 'an unknown grant in-process too')

  // The live grant, copied on its way to app.inject and sent over the network first.
  const inject = app.inject.bind(app)
  const overNetwork: number[] = []
  app.inject = (async (options: { url: string, method: string, headers?: Record<string, string> }) => {
    const grant = options.headers?.['x-bff-apply-grant']
    if (grant !== undefined) overNetwork.push((await fetch(`${base}${options.url}`, { method: options.method, headers: options.headers })).status)
    return await inject(options as never)
  }) as never
  const approved = await h.as('bob', 'POST', `/api/change-requests/${asked.json().id}/approve`)
  t.same(overNetwork, [401], 'the live grant was refused from the network')
  t.equal(approved.json().status, 'approved-applied', approved.body)
})
