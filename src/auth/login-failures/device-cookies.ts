import { createHmac, createSecretKey, hash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

// Sent to the login route only: no other request carries it.
const PATH = '/auth/login'
const MAX_AGE_SECONDS = 180 * 86_400
const NONCE = /^[A-Za-z0-9_-]{22}$/

export interface DeviceCookies {
  /** The id of the device cookie this browser holds for `username` (lower-cased), if it holds a valid one. */
  read: (request: FastifyRequest, username: string) => string | undefined
  /** Gives the browser a new device cookie for `username` (lower-cased) after a successful login. */
  issue: (request: FastifyRequest, reply: FastifyReply, username: string) => void
}

/**
 * OWASP's device cookies (Slow Down Online Guessing Attacks with Device Cookies): a browser that signed
 * in as a user gets a cookie, signed for that username, and its later logins as that user spend a
 * failure budget of their own instead of the username's. Someone else's guesses can lock the username
 * for every other browser; the owner's browser stays able to sign in. One cookie per username, named
 * after a digest of it (the name does not show it); the value is a random id and its MAC over the
 * username, under a key of its own derived from SESSION_SECRET, so a cookie made for one user is worth
 * nothing for another, and a session cookie is never a device cookie.
 */
export function createDeviceCookies (secret: string): DeviceCookies {
  const key = createSecretKey(hash('sha256', `authlete-bff device cookie\0${secret}`, 'buffer'))
  const mac = (username: string, nonce: string): string => createHmac('sha256', key).update(`${username}\0${nonce}`).digest('base64url')
  const name = (request: FastifyRequest, username: string): string =>
    `${request.protocol === 'https' ? '__Secure-' : ''}bff_device_${hash('sha256', username, 'base64url').slice(0, 16)}`

  return {
    read (request, username) {
      // Exactly what issue sets: an id and its MAC, nothing after them.
      const [nonce, given, ...more] = (request.cookies[name(request, username)] ?? '').split('.')
      if (nonce === undefined || given === undefined || more.length > 0 || !NONCE.test(nonce)) return undefined
      const expected = Buffer.from(mac(username, nonce))
      const presented = Buffer.from(given)
      return presented.length === expected.length && timingSafeEqual(presented, expected) ? nonce : undefined
    },
    issue (request, reply, username) {
      const nonce = randomBytes(16).toString('base64url')
      reply.setCookie(name(request, username), `${nonce}.${mac(username, nonce)}`, {
        httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: PATH, maxAge: MAX_AGE_SECONDS
      })
    }
  }
}
