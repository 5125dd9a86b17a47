import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { startSandboxUpstream, type SandboxUpstream } from '../../src/sandbox/emulator.ts'

const LIST_PATH = /\/client\/(authorization\/)?get\/list$/

export interface FilterIgnoringUpstream {
  /** What the proxy is configured with: the stand-in's URL and the emulator's v3 credentials. */
  env: Record<string, string>
  emulator: SandboxUpstream
  /** The query strings of the list requests the stand-in passed on, as it passed them. */
  lists: string[]
}

/**
 * The emulator (teams clients seeded) behind a real HTTP hop that drops `developer` from the query of
 * every list request, as a cache or proxy keyed on the path alone would: every team's clients come back.
 */
export async function startFilterIgnoringUpstream (t: Test): Promise<FilterIgnoringUpstream> {
  const emulator = await startSandboxUpstream({ teams: true, generations: ['3.0'] })
  t.teardown(() => emulator.close())
  const lists: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', chunk => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', emulator.url)
      if (LIST_PATH.test(url.pathname)) {
        url.searchParams.delete('developer')
        lists.push(url.searchParams.toString())
      }
      const body = Buffer.concat(chunks)
      const headers: Record<string, string> = {}
      for (const name of ['authorization', 'content-type', 'accept']) if (typeof request.headers[name] === 'string') headers[name] = request.headers[name]
      fetch(url, { method: request.method, headers, ...(body.length > 0 ? { body } : {}) }).then(async answer => {
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
        response.end(Buffer.from(await answer.arrayBuffer()))
      }, (error: unknown) => { response.destroy(error as Error) })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const { port } = server.address() as AddressInfo
  const env = { AUTHLETE_BASE_URL: `http://127.0.0.1:${port}`, AUTHLETE_SERVICE_ID: emulator.credentials.serviceId, AUTHLETE_SERVICE_ACCESS_TOKEN: emulator.credentials.accessToken }
  return { env, emulator, lists }
}
