import type { FastifyReply, FastifyRequest } from 'fastify'

/** Headers every answer carries: its request id, no MIME sniffing, and no caching of API data. */
export function applyApiHeaders (request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  reply.header('x-content-type-options', 'nosniff')
  // Swagger UI's static assets may be cached; nothing else may.
  if (!request.url.startsWith('/docs')) reply.header('cache-control', 'no-store')
}
