import { isDeepStrictEqual } from 'node:util'
import { errors } from '../http/errors.ts'
import { hasRole, type Role } from '../auth/roles.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { writableClientProperties } from './client-schema.ts'

/**
 * How a client proves who it is at the token endpoint. Whoever sets these can act as the client
 * (make it public, install their own keys), as good as knowing its secret, which only admins see.
 */
export const CREDENTIAL_PROPERTIES: readonly string[] = [
  'clientType', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwks', 'jwksUri', 'selfSignedCertificateKeyId',
  ...Object.keys(writableClientProperties).filter(name => name.startsWith('tlsClientAuth'))
]

const isAdmin = (roles: readonly Role[]): boolean => hasRole(roles, 'admin')
const valueOf = (client: Record<string, unknown>, name: string): unknown => client[name] ?? null

/** A new client: below admin, no credential property may be given (Authlete's defaults apply). */
export function checkCreate (roles: readonly Role[], body: Record<string, unknown>): void {
  if (isAdmin(roles)) return
  const given = CREDENTIAL_PROPERTIES.find(name => valueOf(body, name) !== null)
  if (given !== undefined) throw new errors.CredentialPropertyForbidden(given)
}

/**
 * A replaced or patched client: below admin, each credential property must come out as it was. For a
 * PUT (a full replacement upstream) the ones left out are carried over from the current client, so an
 * editor's PUT cannot reset them to Authlete's defaults either.
 */
export function keepCredentials (roles: readonly Role[], current: AuthleteClient, next: Record<string, unknown>, carryOver: boolean): Record<string, unknown> {
  if (isAdmin(roles)) return next
  const kept = { ...next }
  for (const name of CREDENTIAL_PROPERTIES) {
    const was = valueOf(current as Record<string, unknown>, name)
    if (carryOver && !(name in next)) {
      if (was !== null) kept[name] = was
    } else if (!isDeepStrictEqual(valueOf(next, name), was)) {
      throw new errors.CredentialPropertyForbidden(name)
    }
  }
  return kept
}
