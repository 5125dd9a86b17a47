import { createServer, type Server } from 'node:http'
import type { Test } from 'tap'

export interface OriginServer {
  port: number
  /** http://127.0.0.1:<port>: another origin than the app, but the same site (cookies are not per port). */
  origin: string
}

/** A loopback web server on a free port answering every GET with a page for its path: another origin's pages. */
export async function startOriginServer (t: Test, page: (path: string) => string): Promise<OriginServer> {
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    response.end(request.method === 'HEAD' ? undefined : page(new URL(request.url ?? '/', 'http://x').pathname))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  t.teardown(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve) }))
  return { port, origin: `http://127.0.0.1:${port}` }
}

/**
 * The attacker's page: two forms a victim's browser submits to the app (the classic CSRF: a text/plain
 * body shaped like JSON, and a urlencoded one); at /frame, an iframe trying to frame the console.
 */
export function attackerPage (appUrl: string, path: string): string {
  if (path === '/frame') return `<!doctype html><title>Framed</title><iframe id="console" src="${appUrl}/"></iframe>`
  return `<!doctype html>
<html><head><title>Win a prize</title></head><body>
<h1>Nothing to see here</h1>
<form id="json-as-text" method="POST" action="${appUrl}/api/clients" enctype="text/plain">
  <input name='{"clientName":"evil-form-text","redirectUris":["https://evil.example/cb"],"x":"' value='"}'>
</form>
<form id="urlencoded" method="POST" action="${appUrl}/api/clients">
  <input name="clientName" value="evil-form-urlencoded">
</form>
</body></html>`
}
