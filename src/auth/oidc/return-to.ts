const MAX_LENGTH = 2048
const BASE = 'http://return-to.invalid'

/**
 * Where to send the browser after login: a path on this site, or undefined when the value could take
 * the browser anywhere else. `//evil.example` and `/\evil.example` are protocol-relative to a browser
 * (it reads a backslash as a slash), schemes and control characters (which browsers strip) are refused.
 */
export function safeReturnTo (value: string | undefined): string | undefined {
  if (value === undefined || value === '') return '/'
  if (value.length > MAX_LENGTH || !value.startsWith('/')) return undefined
  if (value.startsWith('//') || value.includes('\\')) return undefined
  // Printable ASCII only: a character above U+00FF cannot go in the Location header or the login
  // cookie (the callback would fail); anything outside ASCII is sent percent-encoded.
  if (!/^[\u0021-\u007e]*$/.test(value)) return undefined
  // Belt and braces: whatever the checks above missed, the URL must still resolve to our own origin.
  const resolved = new URL(value, BASE)
  if (resolved.origin !== BASE) return undefined
  return value
}
