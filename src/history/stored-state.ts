import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit/chain.ts'
import type { SERVER_OWNED_PROPERTIES, writableClientProperties } from '../clients/client-schema.ts'

/*
 * What a version of a client stores: an allow-list over the client schema (src/clients/client-schema.ts),
 * never a deny-list. Every property of the schema has a decision below, so a property added to the
 * schema without one fails the typecheck (and test/history/stored-state.test.ts); a property Authlete
 * sends that the schema does not know is never stored.
 *
 * - 'kept': stored as Authlete has it. Free-text properties (names, descriptions, `attributes`,
 *   `customMetadata`) are kept: they are the client's metadata, shown to every reader of the client,
 *   and what a restore must put back; none of them is where Authlete keeps a credential.
 * - 'jwks': the JWK Set (a JSON string in Authlete's client) is stored parsed, each public key as it is
 *   and each key with anything beyond its public members reduced to { kid, kty, use, alg, thumbprint }.
 * - 'extension': only the extension's known properties (requestable scopes, token durations, token exchange).
 * - dropped: the reason, for whoever reads this list.
 */
type ClientProperty = keyof typeof writableClientProperties | (typeof SERVER_OWNED_PROPERTIES)[number]
type Decision = 'kept' | 'jwks' | 'extension' | { dropped: string }

const kept = 'kept'
export const STORAGE: Readonly<Record<ClientProperty, Decision>> = {
  // Identity and bookkeeping owned by Authlete.
  clientId: kept,
  createdAt: kept,
  modifiedAt: kept,
  dynamicallyRegistered: kept,
  derivedSectorIdentifier: kept,
  number: { dropped: 'Authlete\'s internal sequence number: it never changes and tells a reader nothing' },
  serviceNumber: { dropped: 'the same for every client of the service' },
  clientSecret: { dropped: 'the secret itself: a secret change is a version that says so, never the value' },
  registrationAccessTokenHash: { dropped: 'the hash of a bearer credential (RFC 7592): whoever holds the token changes the client' },
  // Names, descriptions, ownership.
  developer: kept,
  clientName: kept,
  clientNames: kept,
  description: kept,
  descriptions: kept,
  clientIdAlias: kept,
  clientIdAliasEnabled: kept,
  organizationName: kept,
  contacts: kept,
  logoUri: kept,
  logoUris: kept,
  tosUri: kept,
  tosUris: kept,
  policyUri: kept,
  policyUris: kept,
  clientUri: kept,
  clientUris: kept,
  softwareId: kept,
  softwareVersion: kept,
  locked: kept,
  attributes: kept,
  customMetadata: kept,
  // How the client authenticates: public descriptions of credentials, not credentials.
  clientType: kept,
  applicationType: kept,
  tokenAuthMethod: kept,
  tokenAuthSignAlg: kept,
  jwksUri: kept,
  jwks: 'jwks',
  signedJwksUri: kept,
  selfSignedCertificateKeyId: kept,
  tlsClientCertificateBoundAccessTokens: kept,
  tlsClientAuthSubjectDn: kept,
  tlsClientAuthSanDns: kept,
  tlsClientAuthSanUri: kept,
  tlsClientAuthSanIp: kept,
  tlsClientAuthSanEmail: kept,
  // Grants, endpoints, flows.
  grantTypes: kept,
  responseTypes: kept,
  responseModes: kept,
  redirectUris: kept,
  loginUri: kept,
  parRequired: kept,
  pkceRequired: kept,
  pkceS256Required: kept,
  dpopRequired: kept,
  singleAccessTokenPerSubject: kept,
  authorizationDetailsTypes: kept,
  extension: 'extension',
  fapiModes: kept,
  defaultMaxAge: kept,
  defaultAcrs: kept,
  authTimeRequired: kept,
  subjectType: kept,
  sectorIdentifierUri: kept,
  digestAlgorithm: kept,
  credentialOfferEndpoint: kept,
  credentialResponseEncryptionRequired: kept,
  // Request objects, signing and encryption algorithms.
  requestObjectRequired: kept,
  requestSignAlg: kept,
  requestEncryptionAlg: kept,
  requestEncryptionEnc: kept,
  requestUris: kept,
  frontChannelRequestObjectEncryptionRequired: kept,
  requestObjectEncryptionAlgMatchRequired: kept,
  requestObjectEncryptionEncMatchRequired: kept,
  authorizationSignAlg: kept,
  authorizationEncryptionAlg: kept,
  authorizationEncryptionEnc: kept,
  idTokenSignAlg: kept,
  idTokenEncryptionAlg: kept,
  idTokenEncryptionEnc: kept,
  userInfoSignAlg: kept,
  userInfoEncryptionAlg: kept,
  userInfoEncryptionEnc: kept,
  rsRequestSigned: kept,
  rsSignedRequestKeyId: kept,
  // CIBA.
  bcDeliveryMode: kept,
  bcNotificationEndpoint: kept,
  bcRequestSignAlg: kept,
  bcUserCodeRequired: kept,
  // OpenID Federation: the trust chain is signed statements, public by design.
  automaticallyRegistered: kept,
  explicitlyRegistered: kept,
  clientRegistrationTypes: kept,
  entityId: kept,
  trustAnchorId: kept,
  trustChain: kept,
  trustChainExpiresAt: kept,
  trustChainUpdatedAt: kept
}

/** The extension's properties a version keeps (all it has today: none holds a credential). */
export const STORED_EXTENSION_PROPERTIES: readonly string[] = [
  'requestableScopes', 'requestableScopesEnabled', 'accessTokenDuration', 'refreshTokenDuration', 'idTokenDuration', 'tokenExchangePermitted'
]

/** A key of a stored JWK Set that held more than its public members: what identifies it, never its material. */
export interface ReducedKey { kid?: string, kty: string, use?: string, alg?: string, thumbprint: string | null }
/** The stored form of `jwks`; `unreadable` when Authlete's string was not a JWK Set (it is then not kept at all). */
export type StoredJwks = { keys: Array<Record<string, unknown> | ReducedKey> } | { unreadable: true }

/** The non-secret state of a client, as a version stores it (null and absent properties are left out). */
export function storedState (client: Record<string, unknown>): Record<string, unknown> {
  const state: Record<string, unknown> = {}
  for (const [name, decision] of Object.entries(STORAGE)) {
    const value = client[name]
    if (value === null || value === undefined || typeof decision === 'object') continue
    if (decision === 'kept') state[name] = value
    else if (decision === 'jwks') state[name] = storedJwks(value)
    else state[name] = pick(value, STORED_EXTENSION_PROPERTIES)
  }
  return state
}

function pick (value: unknown, names: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) return {}
  return Object.fromEntries(names.filter(name => value[name] !== null && value[name] !== undefined).map(name => [name, value[name]]))
}

// RFC 7638 §3.2 and RFC 8037 §2: the members a key's thumbprint is computed over, besides `kty`;
// they are also every public member of the key type. An `oct` key has none: its `k` is the secret,
// and a hash of a secret is not stored either.
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = { RSA: ['e', 'n'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] }
// RFC 7517 §4: members that describe a key or carry its (public) certificate.
const DESCRIPTIVE_MEMBERS = ['kty', 'kid', 'use', 'key_ops', 'alg', 'x5u', 'x5c', 'x5t', 'x5t#S256']

/** The stored form of Authlete's `jwks` string. */
export function storedJwks (jwks: unknown): StoredJwks {
  const set = typeof jwks === 'string' ? parseJson(jwks) : undefined
  if (!isPlainObject(set) || !Array.isArray(set.keys) || !set.keys.every(isPlainObject)) return { unreadable: true }
  return { keys: set.keys.map(key => isPublicKey(key) ? key : reducedKey(key)) }
}

function isPublicKey (key: Record<string, unknown>): boolean {
  const publicMembers = publicMembersOf(key)
  if (publicMembers === undefined) return false
  return Object.keys(key).every(member => DESCRIPTIVE_MEMBERS.includes(member) || publicMembers.includes(member))
}

function reducedKey (key: Record<string, unknown>): ReducedKey {
  const reduced: ReducedKey = { kty: typeof key.kty === 'string' ? key.kty : 'unknown', thumbprint: jwkThumbprint(key) }
  for (const member of ['kid', 'use', 'alg'] as const) {
    const value = key[member]
    if (typeof value === 'string') reduced[member] = value
  }
  return reduced
}

// Own members only: a `kty` such as "toString" or "__proto__" names something every object inherits.
function publicMembersOf (key: Record<string, unknown>): readonly string[] | undefined {
  return typeof key.kty === 'string' && Object.hasOwn(PUBLIC_MEMBERS, key.kty) ? PUBLIC_MEMBERS[key.kty] : undefined
}

/** RFC 7638 thumbprint (SHA-256, base64url) of a key's public part; null for a key type without one (`oct`, unknown). */
export function jwkThumbprint (key: Record<string, unknown>): string | null {
  const publicMembers = publicMembersOf(key)
  if (publicMembers === undefined || !publicMembers.every(member => typeof key[member] === 'string')) return null
  const required = Object.fromEntries([...publicMembers, 'kty'].map(member => [member, key[member]]))
  return createHash('sha256').update(canonicalJson(required)).digest('base64url')
}

/**
 * The `jwks` string to send upstream for a stored JWK Set, or null when it cannot be rebuilt (a key was
 * reduced, or the set was unreadable): a restore must then keep the client's current keys.
 */
export function upstreamJwks (stored: unknown): string | null {
  if (!isPlainObject(stored) || !Array.isArray(stored.keys)) return null
  if (stored.keys.some(key => !isPlainObject(key) || 'thumbprint' in key)) return null
  return JSON.stringify({ keys: stored.keys })
}

/**
 * SHA-256 (hex) of a state's canonical JSON (the audit chain's: members sorted at every depth, no
 * whitespace): equal states give equal hashes, whatever their members' order.
 */
export function canonicalHash (state: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(state)).digest('hex')
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
