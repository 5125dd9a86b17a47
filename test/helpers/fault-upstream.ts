import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export type FaultHandler = (request: IncomingMessage, response: ServerResponse, body: string) => void

export interface FaultUpstream {
  url: string
  /** What the next requests get; answers 200 `{}` until set. */
  answer: (handler: FaultHandler) => void
  requests: Array<{ method: string, url: string, headers: IncomingMessage['headers'], body: string }>
}

/**
 * A real HTTP server on loopback for the faults the emulator cannot produce: arbitrary statuses,
 * unreadable bodies, redirects, hangs and resets.
 */
export async function startFaultUpstream (t: Test): Promise<FaultUpstream> {
  let handler: FaultHandler = (_request, response) => { response.setHeader('content-type', 'application/json'); response.end('{}') }
  const requests: FaultUpstream['requests'] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body })
      handler(request, response, body)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, answer: next => { handler = next }, requests }
}

export function json (response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}
