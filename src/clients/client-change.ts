import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { hasRole } from '../auth/roles.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { fromRegistrationMetadata, InvalidMetadata } from '../upstream/rfc7591.ts'
import { SERVER_OWNED_PROPERTIES } from './client-schema.ts'
import { readClient } from './current-client.ts'
import { ifMatchAccepts } from './etag.ts'
import { applyMergePatch } from './merge-patch.ts'
import { dropEchoedProperties, echoedProperties } from './round-trip.ts'
import { checkCreate, checkRegistrationMetadata, keepCredentials, withCurrentCredentials } from './credential-properties.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route writes a whole client state: its prepare step sets request.clientChange, which the policy judges. */
    setsClient?: boolean
  }
  interface FastifyRequest {
    /** The whole client state a write sets, computed by the route's `prepare` step, before the audit intent. */
    clientChange: ClientChange | null
  }
}

export interface ClientChange {
  /**
   * The client as Authlete has it now (the one read, readClient()); null on create, and on an admin's
   * PUT that needed no read (whoever needs it then reads it with readClient(), once).
   */
  before: AuthleteClient | null
  /** The whole client as it will be sent upstream (credential properties carried over, merge applied). */
  after: Record<string, unknown>
  /** On create: properties the policy filled with secure defaults (issue 23). */
  filled?: string[]
}

type Body = Record<string, unknown>
type ClientRequest = FastifyRequest<{ Params: { clientId: string }, Body: Body }>
// Typed loosely, as a preHandler of any route: each route's own schema types its handler.
type Prepare = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/**
 * The `prepare` steps (src/http/write-pipeline.ts) of the writes that set a whole client: each makes
 * the one read of the client, and refuses a stale If-Match (412) or a credential property the caller's
 * role may not change (403). Those refusals come before the intent but are audited as they were when
 * the handler made them (app.auditRefusals); a read-only property that differs (PUT's round trip, 400)
 * is bad input, refused unrecorded as before.
 */
export function clientChangeSteps (app: FastifyInstance, etagOf: (answer: Buffer) => string): { create: Prepare, replace: Prepare, patch: Prepare, registration: Prepare } {
  const roles = (request: FastifyRequest) => request.identity?.roles ?? []

  // The current client, and a stale If-Match refused: a stale editor never overwrites someone else's change.
  const current = async (request: ClientRequest): Promise<{ client: AuthleteClient, fresh: boolean }> => {
    const answer = await readClient(app.authlete, request, request.params.clientId)
    return { client: answer.data, fresh: ifMatchAccepts(request.headers['if-match'], etagOf(answer.bytes)) }
  }
  const refuseStale = (request: ClientRequest, fresh: boolean): void => {
    if (!fresh) throw new errors.PreconditionFailed(request.params.clientId)
  }

  return {
    async create (untyped, reply) {
      const request = untyped as ClientRequest
      await app.auditRefusals(request, reply, () => { checkCreate(roles(request), request.body) })
      request.clientChange = { before: null, after: { ...request.body } }
    },
    async replace (untyped, reply) {
      const request = untyped as ClientRequest
      // An admin's PUT without If-Match or echoed properties needs no read: it replaces whatever is there.
      if (hasRole(roles(request), 'admin') && request.headers['if-match'] === undefined && echoedProperties(request.body).length === 0) {
        request.clientChange = { before: null, after: request.body }
        return
      }
      const { client, fresh } = await app.auditRefusals(request, reply, () => current(request))
      // GET, edit, PUT: echoed server-owned properties must be the current ones (a stale tag is the 412 below).
      if (fresh && echoedProperties(request.body).length > 0) dropEchoedProperties(request.body, client, roles(request))
      const after = await app.auditRefusals(request, reply, () => {
        refuseStale(request, fresh)
        return keepCredentials(roles(request), client, request.body, true)
      })
      request.clientChange = { before: client, after }
    },
    async patch (untyped, reply) {
      const request = untyped as ClientRequest
      request.clientChange = await app.auditRefusals(request, reply, async () => {
        const { client, fresh } = await current(request)
        refuseStale(request, fresh)
        const writable: Body = { ...client }
        for (const name of SERVER_OWNED_PROPERTIES) delete writable[name]
        return { before: client, after: keepCredentials(roles(request), client, applyMergePatch(writable, request.body) as Body, false) }
      })
    },
    async registration (untyped, reply) {
      const request = untyped as ClientRequest
      request.clientChange = await app.auditRefusals(request, reply, async () => {
        const given = request.body.metadata as Body
        checkRegistrationMetadata(roles(request), given)
        const { client } = await current(request)
        return { before: client, after: registeredClient(client, registrationMetadata(request, client)) }
      })
    }
  }
}

/** What an RFC 7592 update sends: below admin, with the client's current credential metadata (credential-properties.ts). */
export function registrationMetadata (request: FastifyRequest, before: AuthleteClient): Body {
  const { body, params } = request as ClientRequest
  const given = body.metadata as Body
  return hasRole(request.identity?.roles ?? [], 'admin') ? given : withCurrentCredentials(params.clientId, before, given)
}

/**
 * The client an RFC 7592 update would make: its metadata replaces the client's (RFC 7591 defaults for
 * what it leaves out), the rest stays. Metadata Authlete would refuse (400) leaves the client as it is.
 */
function registeredClient (before: AuthleteClient, metadata: Body): Body {
  let changes: Body
  try {
    changes = fromRegistrationMetadata(metadata)
  } catch (error) {
    if (error instanceof InvalidMetadata) return { ...before }
    throw error
  }
  const after: Body = { ...before }
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete after[name]
    else after[name] = value
  }
  return after
}

/** Declares request.clientChange for every route (set by the prepare steps above, read by later stages). */
export default fp(async function clientChanges (app: FastifyInstance) {
  app.decorateRequest('clientChange', null)
}, { name: 'client-changes', fastify: '5.x' })
