import { stat } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import { pageHelmet } from '../http/page-security.ts'

export interface FrontendOptions {
  /** The directory of the built frontend; must hold index.html. */
  root: string
}

// The API's own paths: never a file, never the SPA's index.html, so a mistyped API call gets the API's
// problem+json 404 (or 401) rather than a web page.
const RESERVED = ['/api', '/auth', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics']

/**
 * FRONTEND_DIR at '/': its files as they are, and index.html for any other page path a browser asks
 * for (history fallback), so an SPA's own routes survive a reload. Not wrapped in fastify-plugin: the
 * page headers apply to these answers only.
 */
export default async function frontend (app: FastifyInstance, { root }: FrontendOptions): Promise<void> {
  const dir = resolve(root)
  const index = await stat(resolve(dir, 'index.html')).catch(() => undefined)
  if (index?.isFile() !== true) throw new Error(`FRONTEND_DIR: ${dir} has no index.html`)

  app.addHook('onRoute', route => {
    // @fastify/static's catch-all route: a miss there would be a 404, so the fallback goes before it.
    if (route.url === '/*') route.handler = withHistoryFallback(dir, route.handler)
  })
  // The pages only load their own scripts, styles and images and only talk to this origin.
  await app.register(helmet, pageHelmet)
  await app.register(fastifyStatic, { root: dir, prefix: '/', index: ['index.html'], list: false, dotfiles: 'ignore', redirect: false })
  app.addHook('onSend', async (_request, reply, payload) => {
    // Revalidated every time (ETag, Last-Modified): a new deployment is seen at once.
    if (reply.statusCode < 400) reply.header('cache-control', 'no-cache')
    return payload
  })
}

function withHistoryFallback (dir: string, serveFile: RouteHandlerMethod): RouteHandlerMethod {
  return async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    const path = request.url.split('?', 1)[0]!
    if (RESERVED.some(prefix => path === prefix || path.startsWith(`${prefix}/`))) return reply.callNotFound()
    if (acceptsHtml(request) && await isMissing(dir, path)) return reply.sendFile('index.html')
    return serveFile.call(this, request, reply)
  }
}

/** A page navigation: Accept names text/html (not just any type, so a missing script stays a 404). */
function acceptsHtml (request: FastifyRequest): boolean {
  const accept = request.headers.accept
  if (accept === undefined) return false
  return accept.split(',').some(part => {
    const [type, ...params] = part.split(';').map(piece => piece.trim().toLowerCase())
    return type === 'text/html' && !params.some(param => /^q=0(\.0*)?$/.test(param))
  })
}

/**
 * True only for a path that decodes, stays inside the directory and names nothing there. Anything
 * odd (bad escapes, '..', a file that exists) is left to @fastify/static, which refuses or serves it.
 */
async function isMissing (dir: string, path: string): Promise<boolean> {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return false
  }
  const target = resolve(dir, `.${decoded}`)
  if (target !== dir && !target.startsWith(dir + sep)) return false
  try {
    await stat(target)
    return false
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR'
  }
}
