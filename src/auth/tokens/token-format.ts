import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

const PREFIX = 'bfft_'
// bfft_<24 hex: the id>_<43 base64url: 256 random bits>. The prefix lets secret scanners and log
// filters recognise a leaked token; the id names the token in lists, audit records and revocation.
const FORMAT = /^bfft_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/

export interface MintedToken {
  id: string
  /** The value given to the caller once; never stored. */
  value: string
  /** What is stored instead of the value. */
  hash: string
}

export function mintToken (): MintedToken {
  const id = randomBytes(12).toString('hex')
  const value = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`
  return { id, value, hash: hashToken(value) }
}

/** The token's id when the value has the token's exact shape, else undefined. */
export function tokenId (value: string): string | undefined {
  return FORMAT.exec(value)?.[1]
}

// A plain SHA-256 is enough: the secret is 256 random bits, nothing a dictionary or brute force can reach.
export function hashToken (value: string): string {
  return hash('sha256', value, 'base64url')
}

export function hashMatches (value: string, stored: string): boolean {
  const given = Buffer.from(hashToken(value))
  const expected = Buffer.from(stored)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
