import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify'
import { ProblemSchema } from '../http/problem-schema.ts'
import { operations } from '../upstream/operations.ts'
import { parseUpstreamJson } from '../upstream/json.ts'
import type { UpstreamCall } from '../upstream/authlete-client.ts'
import type { StoredAnswer } from './stores/idempotency-store.ts'

/** The headers a replay needs to mean what the first answer meant; no other header is kept. */
const KEPT_HEADERS = ['content-type', 'etag', 'location'] as const
/**
 * Properties whose value is a secret shown once (a client secret, new or old, a registration access
 * token, an API token): never stored, replayed as WITHHELD, named in the Idempotent-Withheld header.
 */
const SHOWN_ONCE = new Set(['clientSecret', 'newClientSecret', 'oldClientSecret', 'client_secret', 'registration_access_token', 'token'])
export const WITHHELD = '(shown once: not replayed)'
const PROBLEM_PROPERTIES = new Set(Object.keys(ProblemSchema.properties))

/** Per answer status: the properties the route's response schema declares, the allow-list of what is stored. */
export type DeclaredProperties = Map<string, Set<string>>

export function declaredProperties (app: FastifyInstance, route: RouteOptions): DeclaredProperties {
  const responses = (route.schema?.response ?? {}) as Record<string, { $ref?: string, properties?: Record<string, unknown> }>
  const declared: DeclaredProperties = new Map()
  for (const [status, schema] of Object.entries(responses)) {
    const resolved = schema.$ref === undefined ? schema : app.getSchema(schema.$ref.replace(/#$/, '')) as typeof schema | undefined
    declared.set(status, new Set(Object.keys(resolved?.properties ?? {})))
  }
  return declared
}

/**
 * What is kept of an answer, chosen by allow-list: its status, the headers of KEPT_HEADERS, and of a
 * JSON body the properties the route's schema declares for that status (a problem: the problem's),
 * secrets shown once replaced by WITHHELD. Anything else the upstream sent is not stored.
 */
export function storedAnswer (reply: FastifyReply, payload: unknown, declared: DeclaredProperties): StoredAnswer {
  const status = reply.statusCode
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name)
    if (value !== undefined) headers[name] = String(value)
  }
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : ''
  const parsed = text === '' ? undefined : parseJsonObject(text)
  if (parsed === undefined) {
    // No body (a 204): no type either, as the first answer had none once sent.
    const { 'content-type': _none, ...rest } = headers
    return { status, headers: rest, body: null, withheld: [] }
  }
  const allowed = headers['content-type']?.startsWith('application/problem+json') === true
    ? PROBLEM_PROPERTIES
    : declared.get(String(status)) ?? declared.get(`${String(status)[0]}xx`) ?? new Set()
  const kept: Record<string, unknown> = {}
  const withheld: string[] = []
  for (const [name, value] of Object.entries(parsed)) {
    if (SHOWN_ONCE.has(name)) {
      kept[name] = WITHHELD
      withheld.push(name)
    } else if (allowed.has(name)) {
      kept[name] = value
    }
  }
  return { status, headers, body: JSON.stringify(kept), withheld }
}

// Large integers stay digit for digit (client IDs are int64).
function parseJsonObject (text: string): Record<string, unknown> | undefined {
  try {
    const value = parseUpstreamJson(text, true)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether an answer is kept for retries. Kept: every answer once the request may have changed
 * something, errors included, as Stripe does: a retry must not apply again what the first may have
 * applied. Not kept (the key is freed, a retry runs again): 429 and 503, refusals before anything
 * changed (rate limit, overload, audit trail or a store unreachable, circuit open), and a 5xx when no
 * mutating call reached the upstream.
 */
export function isKept (status: number, calls: readonly UpstreamCall[] | null): boolean {
  if (status === 429 || status === 503) return false
  if (status < 500) return true
  return (calls ?? []).some(call => operations[call.operation].mutates && (call.status !== undefined || call.maybeReceived === true))
}

export function replay (reply: FastifyReply, answer: StoredAnswer): FastifyReply {
  reply.code(answer.status).headers(answer.headers).header('idempotent-replayed', 'true')
  if (answer.withheld.length > 0) reply.header('idempotent-withheld', answer.withheld.join(', '))
  return reply.send(answer.body ?? undefined)
}
