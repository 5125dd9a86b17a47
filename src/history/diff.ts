import { canonicalJson } from '../audit/chain.ts'

/** One changed property between two stored states; `added`/`removed` for lists compared as sets. */
export interface Change { property: string, before: unknown, after: unknown, added?: unknown[], removed?: unknown[] }

// Lists whose order means nothing to Authlete: compared as sets, so a reordering is no change.
// `defaultAcrs` (in order of preference, OIDC Registration §2) and `trustChain` (leaf to anchor) are
// ordered, so they are not here. Tagged values and attributes compare element by element.
const UNORDERED: readonly string[] = [
  'redirectUris', 'grantTypes', 'responseTypes', 'responseModes', 'contacts', 'requestUris', 'authorizationDetailsTypes',
  'clientRegistrationTypes', 'fapiModes', 'clientNames', 'descriptions', 'logoUris', 'tosUris', 'policyUris', 'clientUris',
  'attributes', 'extension.requestableScopes'
]
// Differs between any two versions and is not something a restore puts back: the version's time says it.
const NOT_COMPARED: readonly string[] = ['modifiedAt']
// Where a missing list and an empty one mean different things: no requestable scopes set means the
// service's scopes, an empty set means none. Elsewhere an absent list and [] are the same.
const EMPTY_IS_NOT_ABSENT: readonly string[] = ['extension.requestableScopes']
// Objects compared property by property, each change named by its path (`extension.accessTokenDuration`).
const NESTED: readonly string[] = ['extension']

/**
 * The properties that differ from `before` to `after` (two stored states, see stored-state.ts), sorted by
 * name; [] when they are equal. An absent property and null are the same. `jwks` compares its keys
 * as a set: a key whose `kid` stays but whose material changes shows as removed and added.
 */
export function diffStates (before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  return compareObjects(before, after, '')
}

function compareObjects (before: Record<string, unknown>, after: Record<string, unknown>, prefix: string): Change[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return names.flatMap(name => {
    const property = prefix + name
    if (NOT_COMPARED.includes(property)) return []
    if (NESTED.includes(property)) return compareObjects(asObject(before[name]), asObject(after[name]), `${property}.`)
    const change = compareValues(property, before[name] ?? null, after[name] ?? null)
    return change === null ? [] : [change]
  })
}

function compareValues (property: string, before: unknown, after: unknown): Change | null {
  if (canonicalJson(before) === canonicalJson(after)) return null
  if (UNORDERED.includes(property) && isListOrNull(before) && isListOrNull(after)) return compareSets(property, before, after)
  if (property === 'jwks' && isKeySetOrNull(before) && isKeySetOrNull(after)) {
    const change = compareSets(property, before?.keys ?? null, after?.keys ?? null)
    return change === null ? null : { ...change, before, after }
  }
  return { property, before, after }
}

function compareSets (property: string, before: unknown[] | null, after: unknown[] | null): Change | null {
  const beforeItems = new Set((before ?? []).map(item => canonicalJson(item)))
  const afterItems = new Set((after ?? []).map(item => canonicalJson(item)))
  const added = (after ?? []).filter(item => !beforeItems.has(canonicalJson(item)))
  const removed = (before ?? []).filter(item => !afterItems.has(canonicalJson(item)))
  const emptinessMatters = EMPTY_IS_NOT_ABSENT.includes(property) && (before === null) !== (after === null)
  if (added.length === 0 && removed.length === 0 && !emptinessMatters) return null
  return { property, before, after, added, removed }
}

function isListOrNull (value: unknown): value is unknown[] | null {
  return value === null || Array.isArray(value)
}

function isKeySetOrNull (value: unknown): value is { keys: unknown[] } | null {
  return value === null || (typeof value === 'object' && Array.isArray((value as { keys?: unknown }).keys))
}

function asObject (value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
}
