import type { FastifyRequest } from 'fastify'
import type { AuthleteApi, AuthleteClient } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Told of every client this read finds (src/history: a change made outside the proxy). The answer
     * waits for it, so it must be quick (one store lookup at most, and the record of a change it found,
     * which a write's own version must follow) and must never throw.
     */
    observeClientRead?: (request: FastifyRequest, client: AuthleteClient) => Promise<void>
  }
  interface FastifyRequest {
    /** The one read of the client a request acts on, shared by whoever needs it (src/teams, PATCH, If-Match). */
    clientRead?: { clientId: string, answer: Promise<UpstreamAnswer<AuthleteClient>> }
  }
}

/**
 * The client as Authlete has it now, read at most once per request: the team check, PATCH's merge
 * and PUT's If-Match all use this read instead of each making its own.
 */
export function readClient (authlete: AuthleteApi, request: FastifyRequest, clientId: string): Promise<UpstreamAnswer<AuthleteClient>> {
  if (request.clientRead?.clientId !== clientId) {
    const read = authlete.getClient(request.upstreamCalls, clientId)
    const observe = request.server.observeClientRead
    const answer = observe === undefined ? read : read.then(async found => { await observe(request, found.data); return found })
    // Whoever reads it handles a failure; a read nobody awaits again must not be an unhandled rejection.
    answer.catch(() => {})
    request.clientRead = { clientId, answer }
  }
  return request.clientRead.answer
}
