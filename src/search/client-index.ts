import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { teamOf } from '../teams/membership.ts'

/**
 * What the index keeps of a client: the fields a search matches, none of them secret (allow-list:
 * nothing else of the client is ever copied in), each also lower-cased once for matching.
 */
export interface IndexedClient {
  clientId: string
  clientName: string | null
  clientIdAlias: string | null
  developer: string | null
  redirectUriHosts: string[]
  /** The matched fields, lower-cased, in SEARCHED_FIELDS order, joined by NUL (which a search text cannot hold): one `includes` per client. */
  haystack: string
}

/** The fields a search looks in, as answers name them. */
export const SEARCHED_FIELDS = ['clientName', 'clientIdAlias', 'clientId', 'developer', 'redirectUriHosts'] as const
export type SearchedField = typeof SEARCHED_FIELDS[number]

const text = (value: unknown): string | null => typeof value === 'string' && value !== '' ? value : null

/** The hosts of a client's redirect URIs, each once (a URI that does not parse has none). */
export function redirectUriHosts (client: AuthleteClient): string[] {
  const uris = Array.isArray(client.redirectUris) ? client.redirectUris : []
  const hosts = new Set<string>()
  for (const uri of uris) {
    if (typeof uri !== 'string') continue
    try {
      const { hostname } = new URL(uri)
      if (hostname !== '') hosts.add(hostname)
    } catch {}
  }
  return [...hosts]
}

export function indexedClient (client: AuthleteClient): IndexedClient {
  const entry = {
    clientId: jsonScalarText(client.clientId),
    clientName: text(client.clientName),
    clientIdAlias: text(client.clientIdAlias),
    developer: teamOf(client),
    redirectUriHosts: redirectUriHosts(client)
  }
  return { ...entry, haystack: [entry.clientName ?? '', entry.clientIdAlias ?? '', entry.clientId, entry.developer ?? '', entry.redirectUriHosts.join(' ')].join(FIELD_SEPARATOR).toLowerCase() }
}

const FIELD_SEPARATOR = '\u0000'

/** Whether `entry` matches `folded` (a lower-cased search text without NUL). */
export const matches = (entry: IndexedClient, folded: string): boolean => entry.haystack.includes(folded)

/** The fields of `entry` that contain `folded`: asked for the clients of the answered page only. */
export function matchedFields (entry: IndexedClient, folded: string): SearchedField[] {
  const fields = entry.haystack.split(FIELD_SEPARATOR)
  return SEARCHED_FIELDS.filter((_field, index) => fields[index]!.includes(folded))
}

// By name as people read it, then by ID: a stable order for paging.
const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true })
export function compareEntries (a: IndexedClient, b: IndexedClient): number {
  return byName.compare(a.clientName ?? '', b.clientName ?? '') || a.clientId.length - b.clientId.length || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0)
}

/**
 * One replica's index of the clients: filled from the list API (search-plugin.ts), changed by the
 * proxy's own writes. A refresh builds a new map while the old one answers; writes made meanwhile
 * are noted and applied again to the new map, so a refresh that listed a client before its change
 * does not bring the old version back.
 */
export class ClientIndex {
  #entries = new Map<string, IndexedClient>()
  #next: Map<string, IndexedClient> | undefined
  #writesDuringRefresh = new Map<string, IndexedClient | null>()
  /** The entries in answer order (compareEntries): sorted once per fill, kept in order by each write (a binary search, no sort). */
  #sorted: IndexedClient[] | undefined
  /** When the last complete fill started (its data is at least that fresh); undefined before one completed. */
  builtAt: number | undefined
  /** The first fill is under way: its pages go into the live map, so searches find what is read so far. */
  #firstFill = true

  get size (): number {
    return this.#entries.size
  }

  get complete (): boolean {
    return this.builtAt !== undefined
  }

  entries (): IterableIterator<IndexedClient> {
    return this.#entries.values()
  }

  /** Every entry in answer order, so a search's matches need no sorting of their own. */
  sorted (): readonly IndexedClient[] {
    this.#sorted ??= [...this.#entries.values()].sort(compareEntries)
    return this.#sorted
  }

  /** The numeric ID of the client that has `alias` (exactly, as Authlete compares them), if the index knows one. */
  idOfAlias (alias: string): string | undefined {
    for (const entry of this.#entries.values()) if (entry.clientIdAlias === alias) return entry.clientId
    return undefined
  }

  /** A write through this replica: the client as it now is, or its deletion. */
  put (client: AuthleteClient): void {
    const entry = indexedClient(client)
    this.#unsort(this.#entries.get(entry.clientId))
    this.#entries.set(entry.clientId, entry)
    this.#sorted?.splice(this.#position(entry), 0, entry)
    if (this.#next !== undefined) this.#writesDuringRefresh.set(entry.clientId, entry)
  }

  remove (clientId: string): void {
    this.#unsort(this.#entries.get(clientId))
    this.#entries.delete(clientId)
    if (this.#next !== undefined) this.#writesDuringRefresh.set(clientId, null)
  }

  beginFill (): void {
    this.#next = this.#firstFill ? this.#entries : new Map()
    this.#writesDuringRefresh.clear()
  }

  /** A page of the list read by the fill. */
  add (clients: AuthleteClient[]): void {
    const target = this.#next
    if (target === undefined) return
    for (const client of clients) {
      const entry = indexedClient(client)
      if (!this.#writesDuringRefresh.has(entry.clientId)) target.set(entry.clientId, entry)
    }
    if (target === this.#entries) this.#sorted = undefined
  }

  /** The fill read the whole list: its map answers from now on. */
  finishFill (startedAt: number): void {
    const next = this.#next
    if (next === undefined) return
    for (const [clientId, entry] of this.#writesDuringRefresh) {
      if (entry === null) next.delete(clientId)
      else next.set(clientId, entry)
    }
    this.#entries = next
    // Sorted here, in the fill, so that no search pays for it.
    this.#sorted = [...next.values()].sort(compareEntries)
    this.#next = undefined
    this.#writesDuringRefresh.clear()
    this.#firstFill = false
    this.builtAt = startedAt
  }

  // Where `entry` goes in the sorted entries: the first place whose entry comes after it.
  #position (entry: IndexedClient): number {
    const sorted = this.#sorted!
    let low = 0
    let high = sorted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compareEntries(sorted[middle]!, entry) <= 0) low = middle + 1
      else high = middle
    }
    return low
  }

  #unsort (entry: IndexedClient | undefined): void {
    if (entry === undefined || this.#sorted === undefined) return
    const at = this.#position(entry) - 1
    if (this.#sorted[at] === entry) this.#sorted.splice(at, 1)
    else this.#sorted = undefined
  }

  /** The fill failed: the map in place keeps answering (during the first fill, with what it read). */
  abandonFill (): void {
    this.#next = undefined
    this.#writesDuringRefresh.clear()
  }
}
