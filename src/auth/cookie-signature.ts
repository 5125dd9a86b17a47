import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto'

/**
 * HMAC-SHA256 signed cookie values (`value.signature`). The key is imported once: building an HMAC
 * from a raw string or Buffer key on every request costs several times the MAC itself.
 */
export function createCookieSigner (secret: string) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  const mac = (value: string): string => createHmac('sha256', key).update(value).digest('base64url')
  return {
    sign: (value: string): string => `${value}.${mac(value)}`,
    /** The value, or undefined when the signature is missing or wrong. */
    unsign (signed: string): string | undefined {
      const dot = signed.lastIndexOf('.')
      if (dot <= 0) return undefined
      const value = signed.slice(0, dot)
      const given = Buffer.from(signed.slice(dot + 1))
      const expected = Buffer.from(mac(value))
      return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined
    }
  }
}
