import { createHmac, hash } from 'node:crypto'

// Computed from Authlete's whole answer (secret included), so every role sees the same tag and any
// change, a rotated secret too, changes it. Keyed with a server secret: a viewer who sees every other
// property must not be able to test guesses of the client secret against the tag. Replicas share the
// session secret, so they agree on tags. A keyed one-shot SHA-256 (key, then the answer) is enough
// for a tag nobody can compute without the key, at a fraction of an HMAC's cost per request.
export function createClientEtag (serverSecret: string): (answer: Buffer) => string {
  const key = createHmac('sha256', serverSecret).update('authlete-bff client etag').digest()
  return answer => `"${hash('sha256', Buffer.concat([key, answer]), 'base64url').slice(0, 27)}"`
}

/** RFC 9110 If-Match: `*` or a list of strong tags; weak tags never match. */
export function ifMatchAccepts (header: string | undefined, etag: string): boolean {
  if (header === undefined) return true
  const candidates = header.split(',').map(tag => tag.trim())
  return candidates.includes('*') || candidates.includes(etag)
}
