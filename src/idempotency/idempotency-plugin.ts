import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Config } from '../config.ts'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { addRouteHook } from '../http/route-hooks.ts'
import { openIdempotencyStore, type IdempotencyStore } from './stores/idempotency-store.ts'
import { idempotencyKeyOf, requestFingerprint, scopedKey } from './idempotency-key.ts'
import { declaredProperties, isKept, replay, storedAnswer, type DeclaredProperties } from './stored-answer.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The claimed key of a request that gave an Idempotency-Key, until its answer is stored. */
    idempotencyClaim: { key: string, fingerprint: string } | null
  }
}

export interface IdempotencyOptions {
  store: IdempotencyStore
  /** IDEMPOTENCY_TTL_HOURS: how long an answer is replayed. */
  ttlMs: number
  /** How long a claim holds without an answer: longer than any request can run, see inFlightLeaseMs. */
  leaseMs: number
}

// What a 409 (still in flight) and a 503 (store unreachable) tell the caller to wait.
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1
const STORE_RETRY_AFTER_SECONDS = 2
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

/**
 * Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header Field", as Stripe uses it) on every
 * route with an audit action and a caller: the audited mutations. Its preHandler is the write
 * pipeline's first stage (src/http/write-pipeline.ts), before the team check, the audit intent and the handler:
 * a retry is answered with the stored answer before anything reads or forwards. A request without
 * the header is untouched.
 */
async function idempotencyPlugin (app: FastifyInstance, { store, ttlMs, leaseMs }: IdempotencyOptions): Promise<void> {
  app.decorateRequest('idempotencyClaim', null)

  const answerOrClaim = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const given = idempotencyKeyOf(request)
    if (given === undefined) return undefined
    const key = scopedKey(request, given)
    const fingerprint = requestFingerprint(request)
    const held = await storeCall(() => store.claim(key, fingerprint, Math.min(leaseMs, ttlMs)))
    if (held === undefined) {
      request.idempotencyClaim = { key, fingerprint }
      return undefined
    }
    if (held.fingerprint !== fingerprint) throw new errors.IdempotencyKeyReused()
    if (held.state === 'in-flight') throw Object.assign(new errors.IdempotencyInFlight(), { retryAfterSeconds: IN_FLIGHT_RETRY_AFTER_SECONDS })
    // Not a new mutation: nothing is forwarded or audited; this line is its only trace.
    request.log.info({ idempotentReplay: true, status: held.answer.status }, 'idempotency key: stored answer replayed')
    return replay(reply, held.answer)
  }

  const keepAnswer = (declared: DeclaredProperties) => async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const claim = request.idempotencyClaim
    if (claim === null) return payload
    request.idempotencyClaim = null
    try {
      if (isKept(reply.statusCode, request.upstreamCalls)) await store.complete(claim.key, claim.fingerprint, storedAnswer(reply, payload, declared), ttlMs)
      else await store.release(claim.key)
    } catch (error) {
      // The caller still gets its answer; the claim lapses after its lease and a retry then runs again.
      request.log.error({ err: new Error(messageOf(error)) }, 'idempotency key: answer not stored')
    }
    return payload
  }

  app.writePipeline.add('replay', route => hasIdempotencyKeys(route) ? answerOrClaim : undefined)
  app.addHook('onRoute', route => {
    if (!hasIdempotencyKeys(route)) return
    addRouteHook(route, 'onSend', keepAnswer(declaredProperties(app, route)))
    documentHeader(route)
  })

  const timer = setInterval(() => { store.prune().catch(error => app.log.error({ err: new Error(messageOf(error)) }, 'idempotency keys: pruning failed')) }, PRUNE_INTERVAL_MS)
  timer.unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await store.close()
  })
}

/** Routes with an audit action and a caller to scope keys to (not the provider's back-channel logout). */
function hasIdempotencyKeys (route: RouteOptions): boolean {
  return route.config?.audit !== undefined && route.config.access !== undefined
}

// OpenAPI shows the header, and the answers it can bring, on every route that takes it.
function documentHeader (route: RouteOptions): void {
  if (route.schema === undefined) return
  route.schema.response = { ...problems(409, 422), ...route.schema.response as object }
  const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> }
  route.schema.headers = {
    ...headers,
    properties: {
      ...headers.properties,
      'idempotency-key': {
        type: 'string',
        description: 'Makes a retry safe: the same key with the same body within IDEMPOTENCY_TTL_HOURS gets the first answer again (Idempotent-Replayed: true), nothing is forwarded again; another body 422, still running 409. 1 to 255 characters among A-Z a-z 0-9 - . _ ~ : + / =, bare or in double quotes; a fresh one (a UUID) per action.'
      }
    }
  }
}

/** Any failure of the store refuses the request (503, nothing forwarded): a key that cannot be checked is never taken as new. */
async function storeCall<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    // The message only: a driver's error may carry the command, whose arguments are stored data.
    throw Object.assign(new errors.IdempotencyStoreUnavailable({ cause: new Error(messageOf(error)) }), { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS })
  }
}

function messageOf (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The plugin's options from the configuration. */
export async function idempotencyOptions (app: FastifyInstance, config: Config): Promise<IdempotencyOptions> {
  return { store: await openIdempotencyStore(app.redis, config.AUDIT_STORE), ttlMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000, leaseMs: inFlightLeaseMs(config) }
}

/**
 * A claim outlives the longest a mutation can run: three upstream calls (team check, If-Match read,
 * the write) of AUTHLETE_TIMEOUT_MS each, the audit intent and outcome, and a margin. Past it, the
 * replica that held it is taken as dead and a retry runs again.
 */
export function inFlightLeaseMs (config: Config): number {
  return 4 * config.AUTHLETE_TIMEOUT_MS + 4 * config.AUDIT_WRITE_TIMEOUT_MS
}

export default fp(idempotencyPlugin, { name: 'idempotency', fastify: '5.x', dependencies: ['access', 'audit-trail', 'write-pipeline'] })
