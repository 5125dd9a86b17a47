import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** What a login must remember between the redirect to the provider and the callback. */
export interface LoginTransaction {
  state: string
  nonce: string
  codeVerifier: string
  returnTo: string
  /** ms since epoch; the callback refuses the transaction after it. */
  expiresAt: number
}

export const TRANSACTION_TTL_MS = 10 * 60_000

const COOKIE = 'bff_oidc'
const SECURE_COOKIE = '__Host-bff_oidc'
// Binds a ciphertext to this use: a value sealed for anything else under the same key does not open.
const AAD = Buffer.from('authlete-bff oidc login transaction v1')
const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Seals the transaction into a cookie (AES-256-GCM, key derived from SESSION_SECRET with HKDF): any
 * replica can open it, the browser can neither read nor alter it, and no server-side state is needed
 * until the callback.
 */
export function createTransactionCookies (secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'authlete-bff oidc transaction key', 32))

  function seal (transaction: LoginTransaction): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(AAD)
    const body = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final()])
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
  }

  /** The transaction, or undefined when the value was not sealed by us, was altered, or has expired. */
  function open (sealed: string): LoginTransaction | undefined {
    const raw = Buffer.from(sealed, 'base64url')
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
      decipher.setAAD(AAD)
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8')
      const transaction = JSON.parse(text) as LoginTransaction
      return transaction.expiresAt > Date.now() ? transaction : undefined
    } catch {
      return undefined
    }
  }

  function set (request: FastifyRequest, reply: FastifyReply, transaction: LoginTransaction): void {
    const secure = request.protocol === 'https'
    reply.setCookie(secure ? SECURE_COOKIE : COOKIE, seal(transaction), {
      httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: Math.floor(TRANSACTION_TTL_MS / 1000)
    })
  }

  /** Reads and clears the cookie: a transaction is good for one callback, whatever its outcome. */
  function take (request: FastifyRequest, reply: FastifyReply): LoginTransaction | undefined {
    const secure = request.protocol === 'https'
    const name = secure ? SECURE_COOKIE : COOKIE
    const sealed = request.cookies[name]
    if (sealed === undefined) return undefined
    reply.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
    return open(sealed)
  }

  return { seal, open, set, take }
}

/** Constant-time equality of two strings (the state from the query against the sealed one). */
export function sameValue (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
