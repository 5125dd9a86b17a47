import t from 'tap'
import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildTestApp, PASSWORDS } from '../helpers/app.ts'
import { listen, cookieOf } from '../helpers/http.ts'
import { call, setCsrfToken } from '../../src/console/app/api.ts'

t.test('PUT /api/clients/:clientIdentifier/lock from the console ...should send a fresh Idempotency-Key per action and the same one when it retries a change whose answer was lost', async t => {
  const { app } = await buildTestApp(t)
  const server = await listen(app)
  // A gateway stand-in: relays everything, except that the answer to the first change is lost (the
  // change reaches the proxy and is made; the connection is then cut before any answer).
  const seen: IncomingHttpHeaders[] = []
  let cutNext = true
  const gateway = createServer((incoming, outgoing) => {
    if (incoming.method !== 'GET') seen.push(incoming.headers)
    const relay = forward(`${server.url}${incoming.url ?? ''}`, { method: incoming.method, headers: incoming.headers }, answer => {
      if (cutNext && incoming.method === 'PUT') {
        cutNext = false
        answer.resume()
        answer.on('end', () => { outgoing.socket?.destroy() })
        return
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
    })
    incoming.pipe(relay)
  })
  await new Promise<void>(resolve => gateway.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { gateway.closeAllConnections(); gateway.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`

  const signedIn = await server.request('/auth/login', { json: { username: 'editor', password: PASSWORDS.editor } })
  setCsrfToken(signedIn.json().csrfToken)
  const cookie = { cookie: cookieOf(signedIn) }
  const locks = () => app.sandboxUpstream.requests.filter(request => request.path.includes('/lock_flag/')).length

  const locked = await call('PUT', `${base}/api/clients/portal/lock`, { body: { locked: true }, headers: cookie })
  t.equal(locked.status, 200, 'the console got the answer of its retry')
  t.equal(locks(), 1, 'the change was made once')
  t.equal(seen.length, 2, 'the change was sent twice')
  const key = seen[0]!['idempotency-key']
  t.match(key, /^[0-9a-f]{32}$/, 'with an Idempotency-Key')
  t.equal(seen[1]!['idempotency-key'], key, 'the retry with the same key')

  await call('PUT', `${base}/api/clients/portal/lock`, { body: { locked: true }, headers: cookie })
  t.equal(locks(), 2, 'a new action is a new change')
  t.not(seen[2]!['idempotency-key'], key, 'with a fresh key')
})
