import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto'

const VERIFIED_CACHE_SIZE = 10_000

/**
 * HMAC-SHA256 signed cookie values (`value.signature`). The key is imported once: building an HMAC
 * from a raw string or Buffer key on every request costs several times the MAC itself.
 */
export function createCookieSigner (secret: string) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  const mac = (value: string): string => createHmac('sha256', key).update(value).digest('base64url')
  // Cookies already verified, so a session's every request does not pay for the MAC again. Only
  // valid signatures are kept; the oldest entry goes when it is full.
  const verified = new Map<string, string>()
  const remember = (signed: string, value: string): string => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!)
    verified.set(signed, value)
    return value
  }
  return {
    sign: (value: string): string => `${value}.${mac(value)}`,
    /** The value, or undefined when the signature is missing or wrong. */
    unsign (signed: string): string | undefined {
      const known = verified.get(signed)
      if (known !== undefined) return known
      const dot = signed.lastIndexOf('.')
      if (dot <= 0) return undefined
      const value = signed.slice(0, dot)
      const given = Buffer.from(signed.slice(dot + 1))
      const expected = Buffer.from(mac(value))
      return given.length === expected.length && timingSafeEqual(given, expected) ? remember(signed, value) : undefined
    }
  }
}
