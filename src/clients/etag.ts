import { createHmac, createSecretKey } from 'node:crypto'

// Computed from Authlete's whole answer (secret included), so every role sees the same tag and any
// change, a rotated secret too, changes it. Keyed with a server secret: a viewer who sees every other
// property must not be able to test guesses of the client secret against the tag. Replicas share the
// session secret, so they agree on tags. The key is imported once (an HMAC over a raw key costs
// tens of microseconds per call).
export function createClientEtag (serverSecret: string): (answer: Buffer) => string {
  const key = createSecretKey(createHmac('sha256', serverSecret).update('authlete-bff client etag').digest())
  return answer => `"${createHmac('sha256', key).update(answer).digest('base64url').slice(0, 27)}"`
}

/** RFC 9110 If-Match: `*` or a list of strong tags; weak tags never match. */
export function ifMatchAccepts (header: string | undefined, etag: string): boolean {
  if (header === undefined) return true
  const candidates = header.split(',').map(tag => tag.trim())
  return candidates.includes('*') || candidates.includes(etag)
}
