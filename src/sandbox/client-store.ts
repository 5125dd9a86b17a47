import { createHash, randomBytes, randomInt } from 'node:crypto'
import { withDefaults } from './client-model.ts'
import type { ClientData } from './client-model.ts'
import { ResultCode, badRequest, clientNotFound } from './wire.ts'
import type { Generation } from './wire.ts'

export interface StoredClient { id: string, data: ClientData }

export interface GrantedScopes { latest: string[], merged: string[], modifiedAt: number }

export interface CreateOptions {
  id?: string
  createdAt?: number
  dynamicallyRegistered?: boolean
  registrationAccessTokenHash?: string
}

// Kept across a full replacement (update) because only the server or the secret APIs may change them.
const SERVER_OWNED = ['number', 'serviceNumber', 'clientSecret', 'createdAt', 'modifiedAt', 'dynamicallyRegistered']
// Writable (not readOnly in either document), but an update that leaves them out keeps them: a
// replacement that forgot them would otherwise unlock the client or void its registration token.
const KEPT_UNLESS_GIVEN = ['locked', 'registrationAccessTokenHash']

export function newClientSecret (): string {
  return randomBytes(64).toString('base64url')
}

export function hashRegistrationToken (token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

export function isDigits (value: string): boolean {
  return /^\d+$/.test(value)
}

const INT64_MAX = 9223372036854775807n

// Authlete parses client IDs as int64, so "0042" names client 42 and 2^63 names nothing.
export function canonicalClientId (value: string): string | undefined {
  if (!isDigits(value) || BigInt(value) > INT64_MAX) return undefined
  return value.replace(/^0+(?=\d)/, '')
}

export class ClientStore {
  readonly serviceId: string
  readonly serviceNumber: number
  readonly #clients = new Map<string, ClientData>()
  // clientId -> subject -> scopes of the access tokens the subject let the client obtain
  readonly #authorizations = new Map<string, Map<string, string[]>>()
  // Authlete keeps granted-scope records apart from tokens: deleting one leaves the other.
  readonly #grantedScopes = new Map<string, Map<string, GrantedScopes>>()
  #nextNumber = 6164

  constructor (serviceId: string, serviceNumber: number) {
    this.serviceId = serviceId
    this.serviceNumber = serviceNumber
  }

  find (id: string): ClientData | undefined {
    return this.#clients.get(id)
  }

  get (id: string): ClientData {
    const data = this.#clients.get(id)
    if (data === undefined) throw clientNotFound(id)
    return data
  }

  // A clientIdentifier is the numeric ID, or the alias of a client whose alias is enabled; in 3.0
  // every alias is enabled (the Client schema: clientIdAliasEnabled "Always set to true").
  resolve (identifier: string, generation: Generation): StoredClient {
    if (isDigits(identifier)) {
      const id = canonicalClientId(identifier)
      if (id === undefined) throw clientNotFound(identifier)
      return { id, data: this.get(id) }
    }
    for (const [id, data] of this.#clients) {
      const enabled = generation === '3.0' || data.clientIdAliasEnabled === true
      if (enabled && data.clientIdAlias === identifier) return { id, data }
    }
    throw clientNotFound(identifier)
  }

  list (developer?: string): StoredClient[] {
    const clients: StoredClient[] = []
    for (const [id, data] of this.#clients) {
      if (developer === undefined || data.developer === developer) clients.push({ id, data })
    }
    return clients
  }

  create (writable: ClientData, options: CreateOptions = {}): StoredClient {
    const id = options.id ?? this.#newClientId()
    this.#checkAlias(writable.clientIdAlias, id)
    const now = options.createdAt ?? Date.now()
    const data: ClientData = {
      number: this.#nextNumber++,
      serviceNumber: this.serviceNumber,
      ...withDefaults(writable),
      clientSecret: newClientSecret(),
      dynamicallyRegistered: options.dynamicallyRegistered ?? false,
      createdAt: now,
      modifiedAt: now,
      locked: writable.locked ?? false
    }
    if (options.registrationAccessTokenHash !== undefined) {
      data.registrationAccessTokenHash = options.registrationAccessTokenHash
    }
    this.#clients.set(id, data)
    return { id, data }
  }

  replace (id: string, writable: ClientData): StoredClient {
    const current = this.get(id)
    this.#checkAlias(writable.clientIdAlias, id)
    const data = withDefaults(writable)
    for (const name of SERVER_OWNED) {
      if (current[name] !== undefined) data[name] = current[name]
    }
    for (const name of KEPT_UNLESS_GIVEN) {
      if (data[name] === undefined && current[name] !== undefined) data[name] = current[name]
    }
    data.modifiedAt = nextModifiedAt(current)
    this.#clients.set(id, data)
    return { id, data }
  }

  // A property set to undefined in `changes` is removed from the client.
  patch (id: string, changes: ClientData): ClientData {
    const current = this.get(id)
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete current[name]
      else current[name] = value
    }
    current.modifiedAt = nextModifiedAt(current)
    return current
  }

  delete (id: string): void {
    this.get(id)
    this.#clients.delete(id)
    this.#authorizations.delete(id)
    this.#grantedScopes.delete(id)
  }

  authorizedBy (subject: string, developer?: string): StoredClient[] {
    return this.list(developer).filter(({ id }) => this.#authorizations.get(id)?.has(subject) === true)
  }

  authorize (id: string, subject: string, scopes: string[], at = Date.now()): void {
    entry(this.#authorizations, id).set(subject, [...scopes])
    const previous = this.#grantedScopes.get(id)?.get(subject)
    const merged = [...new Set([...(previous?.merged ?? []), ...scopes])]
    entry(this.#grantedScopes, id).set(subject, { latest: [...scopes], merged, modifiedAt: at })
  }

  // Returns how many access tokens were affected: the emulator models one per (client, subject).
  updateAuthorization (id: string, subject: string, scopes: string[] | undefined): number {
    this.get(id)
    const tokens = this.#authorizations.get(id)
    if (tokens?.has(subject) !== true) return 0
    if (scopes !== undefined) tokens.set(subject, [...scopes])
    return 1
  }

  deleteAuthorization (id: string, subject: string): number {
    this.get(id)
    return this.#authorizations.get(id)?.delete(subject) === true ? 1 : 0
  }

  grantedScopes (id: string, subject: string): GrantedScopes | undefined {
    this.get(id)
    return this.#grantedScopes.get(id)?.get(subject)
  }

  deleteGrantedScopes (id: string, subject: string): void {
    this.get(id)
    this.#grantedScopes.get(id)?.delete(subject)
  }

  #checkAlias (alias: unknown, ownerId: string): void {
    if (typeof alias !== 'string') return
    // A numeric alias would be indistinguishable from another client's ID in {clientIdentifier}
    // paths; the client's own ID is its default alias in 3.0.
    if (isDigits(alias) && alias !== ownerId) {
      throw badRequest(ResultCode.clientIdAliasUnavailable, 'The client ID alias must not consist of digits only.')
    }
    for (const [id, data] of this.#clients) {
      if (id !== ownerId && data.clientIdAlias === alias) {
        throw badRequest(ResultCode.clientIdAliasUnavailable, `The client ID alias '${alias}' is already in use.`)
      }
    }
  }

  #newClientId (): string {
    let id: string
    do id = String(randomInt(10_000_000_000_000, 100_000_000_000_000))
    while (this.#clients.has(id))
    return id
  }
}

// Strictly increasing, so that a client can tell that an update happened within the same millisecond.
function nextModifiedAt (current: ClientData): number {
  const previous = typeof current.modifiedAt === 'number' ? current.modifiedAt : 0
  return Math.max(Date.now(), previous + 1)
}

function entry<V> (map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key)
  if (inner === undefined) {
    inner = new Map()
    map.set(key, inner)
  }
  return inner
}
