import { isDeepStrictEqual } from 'node:util'
import { errors } from '../http/errors.ts'
import { writableClientProperties } from '../clients/client-schema.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { storedState, upstreamJwks } from './stored-state.ts'
import type { StoredVersion } from './history-types.ts'

const WRITABLE = Object.keys(writableClientProperties)
const KEYS_NOT_KEPT = 'its JWK Set held private keys, which the history keeps as key IDs and thumbprints only; set jwks with PUT instead'

/**
 * The PUT body that puts a version back on the client as it is now: the version's writable
 * properties (those it lacks are cleared, as by any PUT). What the history never stores
 * (registrationAccessTokenHash) keeps its current value; a JWK Set stored as thumbprints comes back
 * only as the very keys the client still has.
 */
export function replacementFrom (version: StoredVersion, current: AuthleteClient): Record<string, unknown> {
  const now = storedState(current)
  const body: Record<string, unknown> = {}
  for (const name of WRITABLE) {
    if (name === 'jwks' && version.client.jwks !== undefined) {
      const jwks = upstreamJwks(version.client.jwks) ?? (isDeepStrictEqual(version.client.jwks, now.jwks) ? current.jwks : null)
      if (jwks === null) throw new errors.VersionNotRestorable(String(version.version), KEYS_NOT_KEPT)
      body.jwks = jwks
    } else if (name in version.client) {
      body[name] = version.client[name]
    } else if (!(name in now) && current[name] !== undefined && current[name] !== null) {
      body[name] = current[name]
    }
  }
  return body
}

/** The create body that recreates a deleted client from its last version, and what cannot come back. */
export function creatableFrom (version: StoredVersion): { body: Record<string, unknown>, notRestored: string[] } {
  const body: Record<string, unknown> = {}
  const notRestored = ['clientSecret (a new one is generated)', 'clientId (Authlete gives the new client a new one)']
  for (const name of WRITABLE) {
    if (!(name in version.client) || isDefaultAlias(name, version)) continue
    if (name === 'jwks') {
      const jwks = upstreamJwks(version.client.jwks)
      if (jwks === null) notRestored.push('jwks (private keys are kept as thumbprints only)')
      else body.jwks = jwks
    } else {
      body[name] = version.client[name]
    }
  }
  return { body, notRestored }
}

// API 3.0 gives a client its own ID as alias: the new client gets its own, and Authlete refuses an
// alias of digits only on create.
function isDefaultAlias (name: string, version: StoredVersion): boolean {
  return name === 'clientIdAlias' && String(version.client.clientIdAlias) === version.clientId
}
