import { isDeepStrictEqual } from 'node:util'
import { errors } from '../http/errors.ts'
import { hasRole, type Role } from '../auth/roles.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { writableClientProperties } from './client-schema.ts'
import { toRegistrationMetadata } from '../upstream/rfc7591.ts'

/**
 * How a client proves who it is at the token endpoint. Whoever sets these can act as the client
 * (make it public, install their own keys), as good as knowing its secret, which only admins see.
 * The registration access token's hash is one too: whoever chooses the token changes the client's
 * metadata through RFC 7592 (PUT /api/clients/:clientId/registration).
 */
export const CREDENTIAL_PROPERTIES: readonly string[] = [
  'clientType', 'tokenAuthMethod', 'tokenAuthSignAlg', 'jwks', 'jwksUri', 'selfSignedCertificateKeyId', 'registrationAccessTokenHash',
  ...Object.keys(writableClientProperties).filter(name => name.startsWith('tlsClientAuth'))
]

// The same, as RFC 7591 and RFC 8705 client metadata: the names an RFC 7592 update would change them by.
const CREDENTIAL_METADATA = ['token_endpoint_auth_method', 'token_endpoint_auth_signing_alg', 'jwks', 'jwks_uri']
const TLS_METADATA_PREFIX = 'tls_client_auth_'
const TLS_METADATA: Record<string, string> = {
  tls_client_auth_subject_dn: 'tlsClientAuthSubjectDn',
  tls_client_auth_san_dns: 'tlsClientAuthSanDns',
  tls_client_auth_san_uri: 'tlsClientAuthSanUri',
  tls_client_auth_san_ip: 'tlsClientAuthSanIp',
  tls_client_auth_san_email: 'tlsClientAuthSanEmail'
}

const isAdmin = (roles: readonly Role[]): boolean => hasRole(roles, 'admin')
const valueOf = (client: Record<string, unknown>, name: string): unknown => client[name] ?? null

/**
 * What kind of client a new one is, which editors choose when they create it (a public SPA or native
 * app, or a confidential one): the security policy (src/policy) decides which values are allowed, for
 * example a PUBLIC client authenticates with NONE. On an existing client they stay admin-only.
 */
export const CREATE_CHOICES: readonly string[] = ['clientType', 'tokenAuthMethod']

/** A new client: below admin, no credential property other than CREATE_CHOICES may be given (Authlete's defaults apply). */
export function checkCreate (roles: readonly Role[], body: Record<string, unknown>): void {
  if (isAdmin(roles)) return
  const given = CREDENTIAL_PROPERTIES.find(name => !CREATE_CHOICES.includes(name) && valueOf(body, name) !== null)
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

/** RFC 7592 metadata: below admin, none of the credential metadata may be given (a value, or null). */
export function checkRegistrationMetadata (roles: readonly Role[], metadata: Record<string, unknown>): void {
  if (isAdmin(roles)) return
  const given = Object.keys(metadata).find(name => CREDENTIAL_METADATA.includes(name) || name.startsWith(TLS_METADATA_PREFIX))
  if (given !== undefined) throw new errors.CredentialPropertyForbidden(given)
}

/**
 * An RFC 7592 update replaces the client's metadata, so what it leaves out goes back to the defaults
 * (client_secret_basic, no keys). Below admin the client's current credential metadata is added, so
 * an editor's update cannot reset how the client authenticates either. Admins' updates go as sent.
 */
export function withCurrentCredentials (clientId: string, current: AuthleteClient, metadata: Record<string, unknown>): Record<string, unknown> {
  const shown = toRegistrationMetadata(clientId, current)
  // Keys RFC 7591 cannot carry (not JSON) would be dropped by the replacement: that is an admin's call.
  if (valueOf(current as Record<string, unknown>, 'jwks') !== null && shown.jwks === undefined) throw new errors.CredentialPropertyForbidden('jwks')
  const kept = { ...metadata }
  for (const name of CREDENTIAL_METADATA) if (shown[name] !== undefined && shown[name] !== null) kept[name] = shown[name]
  for (const [name, property] of Object.entries(TLS_METADATA)) {
    const value = valueOf(current as Record<string, unknown>, property)
    if (value !== null) kept[name] = value
  }
  return kept
}
