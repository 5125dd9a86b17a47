import t from 'tap'
import type { FastifyRequest } from 'fastify'
import type { AuthleteApi, AuthleteClient } from '../../src/upstream/authlete-api.ts'
import type { UpstreamAnswer, UpstreamCall } from '../../src/upstream/authlete-client.ts'
import { readClient } from '../../src/clients/current-client.ts'

type Observe = (request: FastifyRequest, client: AuthleteClient) => Promise<void>

// Authlete's getClient as the routes see it, counting its calls; `fail` makes each read fail.
function upstream (fail?: Error) {
  const reads: Array<{ calls: UpstreamCall[], clientId: string }> = []
  const authlete = {
    getClient: async (calls: UpstreamCall[], clientId: string): Promise<UpstreamAnswer<AuthleteClient>> => {
      reads.push({ calls, clientId })
      if (fail !== undefined) throw fail
      const data = { clientId: Number(clientId), clientName: `client ${clientId}` } as unknown as AuthleteClient
      return { status: 200, data, bytes: Buffer.from(JSON.stringify(data)) }
    }
  } as unknown as AuthleteApi
  return { authlete, reads }
}
const newRequest = (observeClientRead?: Observe): FastifyRequest =>
  ({ upstreamCalls: [], server: { observeClientRead } }) as unknown as FastifyRequest

t.test('readClient ...should read a client once per request, whoever asks, with the request\'s upstream calls', async t => {
  const { authlete, reads } = upstream()
  const request = newRequest()
  const first = readClient(authlete, request, '1')
  const second = readClient(authlete, request, '1')
  t.equal(second, first, 'the same read')
  t.equal(reads.length, 1)
  t.equal(reads[0]!.clientId, '1')
  t.equal(reads[0]!.calls, request.upstreamCalls)
  const answer = await first
  t.strictSame(answer.data, { clientId: 1, clientName: 'client 1' })
  t.equal(answer.status, 200)
  t.equal(request.clientRead?.clientId, '1')
  t.equal(request.clientRead?.answer, first)
  t.equal(reads.length, 1, 'still one read')
})

t.test('readClient ...should read again for another client, and keep that read', async t => {
  const { authlete, reads } = upstream()
  const request = newRequest()
  await readClient(authlete, request, '1')
  const other = readClient(authlete, request, '2')
  t.equal((await other).data.clientName, 'client 2')
  t.strictSame(reads.map(read => read.clientId), ['1', '2'])
  t.equal(request.clientRead?.clientId, '2')
  t.equal(readClient(authlete, request, '2'), other, 'the second one is kept')
  t.equal(reads.length, 2)
  t.equal(readClient(authlete, newRequest(), '2') === other, false, 'another request reads for itself')
})

t.test('readClient ...should tell the observer of the client it found, and answer only once the observer is done', async t => {
  const { authlete } = upstream()
  const seen: Array<[FastifyRequest, AuthleteClient]> = []
  let finish = (): void => {}
  const observed = new Promise<void>(resolve => { finish = resolve })
  const request = newRequest(async (request, client) => { seen.push([request, client]); await observed })
  let answered = false
  const read = readClient(authlete, request, '7').then(answer => { answered = true; return answer })
  await new Promise(resolve => setImmediate(resolve))
  t.equal(seen.length, 1, 'told once')
  t.equal(seen[0]![0], request)
  t.strictSame(seen[0]![1], { clientId: 7, clientName: 'client 7' })
  t.equal(answered, false, 'the answer waits for the observer')
  finish()
  t.equal((await read).data.clientName, 'client 7')
  t.equal(answered, true)
  await readClient(authlete, request, '7')
  t.equal(seen.length, 1, 'one read, one observation')
})

t.test('readClient ...should pass a failed read on to whoever awaits it, without telling the observer', async t => {
  const failure = new Error('upstream down')
  const { authlete } = upstream(failure)
  let told = 0
  const request = newRequest(async () => { told++ })
  await t.rejects(readClient(authlete, request, '1'), failure)
  await t.rejects(readClient(authlete, request, '1'), failure, 'the kept read fails the same')
  t.equal(told, 0)
  await t.rejects(readClient(authlete, newRequest(), '1'), failure, 'without an observer too')
})
