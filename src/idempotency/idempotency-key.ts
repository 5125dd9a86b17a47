import { hash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { canonicalJson } from '../audit/chain.ts'
import { errors } from '../http/errors.ts'

const IDEMPOTENCY_HEADER = 'idempotency-key'
const MAX_KEY_LENGTH = 255
// UUIDs, ULIDs, base64 and base64url values fit; nothing that needs escaping in a log or a header.
const KEY_PATTERN = new RegExp(`^[A-Za-z0-9._~:+/=-]{1,${MAX_KEY_LENGTH}}$`)
// The IETF draft makes the header a Structured Field string ("..."); Stripe's keys are bare. Both are
// taken, and name the same key.
const QUOTED = /^"(.*)"$/s

/** The key a request gives, undefined when it gives none; a malformed one is a 400 naming the rule. */
export function idempotencyKeyOf (request: FastifyRequest): string | undefined {
  const header = request.headers[IDEMPOTENCY_HEADER]
  if (header === undefined) return undefined
  // Node joins repeated headers with ", ": a comma is not a key character, so two keys are refused here.
  if (typeof header !== 'string') throw new errors.IdempotencyKeyInvalid('is given more than once')
  const key = QUOTED.exec(header)?.[1] ?? header
  if (key.length === 0) throw new errors.IdempotencyKeyInvalid('is empty')
  if (key.length > MAX_KEY_LENGTH) throw new errors.IdempotencyKeyInvalid(`is ${key.length} characters long`)
  if (!KEY_PATTERN.test(key)) throw new errors.IdempotencyKeyInvalid(header.includes(',') ? 'is given more than once' : 'has a character outside the accepted set')
  return key
}

/**
 * The store's key: the caller, the method, the path and the caller's key, hashed together. A key is
 * the caller's own: another caller (or another API token of the same person) giving the same key
 * names another record, and can never be answered with this one.
 */
export function scopedKey (request: FastifyRequest, key: string): string {
  const identity = request.identity!
  const caller = identity.via === 'api-token' ? ['api-token', identity.credential] : [identity.source, identity.username]
  return hash('sha256', canonicalJson([caller, request.method, request.url.split('?', 1)[0], key]), 'base64url')
}

/** What makes two requests "the same": their validated body and query, as canonical JSON, hashed. */
export function requestFingerprint (request: FastifyRequest): string {
  return hash('sha256', canonicalJson({ body: request.body ?? null, query: request.query ?? {} }), 'base64url')
}
