import { createHash } from 'node:crypto'
import type { AuthleteClient } from '../upstream/authlete-api.ts'

// Computed from the whole upstream client (secret included), so every role sees the same tag and any
// change, a rotated secret too, changes it. Only a digest leaves the proxy.
export function clientEtag (client: AuthleteClient): string {
  return `"${createHash('sha256').update(JSON.stringify(client)).digest('base64url').slice(0, 27)}"`
}

/** RFC 9110 If-Match: `*` or a list of strong tags; weak tags never match. */
export function ifMatchAccepts (header: string | undefined, etag: string): boolean {
  if (header === undefined) return true
  const candidates = header.split(',').map(tag => tag.trim())
  return candidates.includes('*') || candidates.includes(etag)
}
