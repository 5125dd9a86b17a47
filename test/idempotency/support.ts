import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { Harness, Role } from '../clients/support.ts'
import { startFaultUpstream, type FaultUpstream } from '../helpers/fault-upstream.ts'

// Helpers of the idempotency tests (test/idempotency).

export const newKey = (): string => randomUUID()

/** One request as `role` with an Idempotency-Key; `sent()` answers what reached the emulator for it. */
/**
 * The writes among the requests an upstream received: the reads around a write (the history's read of
 * the client, an alias lookup) are not the mutation a replay must not repeat.
 */
export function writesOf (requests: ReadonlyArray<{ path?: string, url?: string }>): number {
  return requests.filter(request => !(request.path ?? request.url ?? '').includes('/client/get/')).length
}

export async function keyed (h: Harness, role: Role, method: string, url: string, key: string, body?: unknown): Promise<LightMyRequestResponse & { forwarded: number }> {
  const mark = h.mark()
  const response = await h.call(role, method, url, body, { 'idempotency-key': key })
  return Object.assign(response, { forwarded: writesOf(mark.sent()) })
}

/** The answer is a replay of `first`: same status, body, and the headers a replay keeps. */
export function assertReplayOf (t: Test, replay: LightMyRequestResponse, first: LightMyRequestResponse): void {
  t.equal(replay.statusCode, first.statusCode, 'same status')
  t.equal(replay.headers['idempotent-replayed'], 'true', 'Idempotent-Replayed: true')
  t.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is not marked as a replay')
  for (const name of ['content-type', 'etag', 'location']) t.equal(replay.headers[name], first.headers[name], `same ${name}`)
  t.not(replay.headers['x-request-id'], first.headers['x-request-id'], 'a request id of its own')
}

/** Every byte of a SQLite database and its WAL, as text: a secret anywhere in it is found. */
export async function sqliteFileText (path: string): Promise<string> {
  const parts = await Promise.all(['', '-wal'].map(suffix => readFile(`${path}${suffix}`).catch(() => Buffer.alloc(0))))
  return Buffer.concat(parts).toString('latin1')
}

/** A real upstream stand-in that holds every answer until the test writes it: requests stay in flight. */
export async function startHoldingUpstream (t: Test): Promise<FaultUpstream & { held: ServerResponse[], firstArrived: Promise<void> }> {
  const upstream = await startFaultUpstream(t)
  const held: ServerResponse[] = []
  let arrived: () => void = () => {}
  const firstArrived = new Promise<void>(resolve => { arrived = resolve })
  upstream.answer((request, response) => {
    // Reads (the history's read of a client around a write) are answered at once, as a missing client: only writes are held.
    if ((request.url ?? '').includes('/client/get/')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ resultCode: 'A083101', resultMessage: 'no such client' }))
      return
    }
    held.push(response)
    arrived()
  })
  return Object.assign(upstream, { held, firstArrived })
}
