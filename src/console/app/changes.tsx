import type { ComponentChildren } from 'preact'
import { labelOf } from './groups.ts'
import type { Change } from './history.ts'
import { formatTime } from './ui.tsx'

const TIMES = new Set(['createdAt', 'modifiedAt', 'trustChainExpiresAt', 'trustChainUpdatedAt'])

interface ChangesTableProps {
  changes: Change[]
  caption: string
  beforeLabel: string
  afterLabel: string
  /** Properties equal on both sides, shown beside the changed ones (which are then marked "Changed"). */
  unchanged?: Array<[string, unknown]>
}

/** Two states side by side, one row per property: changed rows highlighted, set elements marked added or removed. */
export function ChangesTable ({ changes, caption, beforeLabel, afterLabel, unchanged = [] }: ChangesTableProps) {
  const rows: Array<Change & { changed: boolean }> = [
    ...changes.map(change => ({ ...change, changed: true })),
    ...unchanged.map(([property, value]) => ({ property, before: value, after: value, changed: false }))
  ].sort((one, two) => one.property.localeCompare(two.property))
  return (
    <div class='table-wrap'>
      <table class='changes'>
        <caption>{caption}</caption>
        <thead><tr><th scope='col'>Property</th><th scope='col'>{beforeLabel}</th><th scope='col'>{afterLabel}</th></tr></thead>
        <tbody>
          {rows.map(row => (
            <tr key={row.property} class={row.changed ? 'changed' : undefined} data-property={row.property}>
              <th scope='row'>
                {propertyLabel(row.property)} <code class='property-name'>{row.property}</code>
                {row.changed && unchanged.length > 0 && <> <span class='badge changed'>Changed</span></>}
              </th>
              <td data-label={beforeLabel}><Value name={row.property} value={row.before} marked={row.removed} mark='removed' /></td>
              <td data-label={afterLabel}><Value name={row.property} value={row.after} marked={row.added} mark='added' /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** "extension.accessTokenDuration" → "Extension: access token duration". */
function propertyLabel (property: string): string {
  const [first, ...rest] = property.split('.')
  if (rest.length === 0) return labelOf(first!)
  return `${labelOf(first!)}: ${rest.map(part => labelOf(part).toLowerCase()).join(': ')}`
}

interface ValueProps { name: string, value: unknown, marked: unknown[] | undefined, mark: 'added' | 'removed' }

function Value ({ name, value, marked, mark }: ValueProps) {
  if (value === undefined || value === null || value === '') return <span class='unset'>not set</span>
  if (TIMES.has(name) && typeof value === 'number') return <>{formatTime(value)}</>
  if (typeof value === 'boolean') return <>{value ? 'Yes' : 'No'}</>
  const keys = isKeySet(value) ? value.keys : undefined
  const items = keys ?? (Array.isArray(value) ? value : undefined)
  if (items !== undefined) {
    if (items.length === 0) return <span class='unset'>none</span>
    const markedItems = new Set((marked ?? []).map(item => JSON.stringify(item)))
    return (
      <ul class='values'>
        {items.map((item, index) => <li key={index}><Marked mark={markedItems.has(JSON.stringify(item)) ? mark : undefined}>{keys !== undefined ? keyText(item) : itemText(item)}</Marked></li>)}
      </ul>
    )
  }
  if (typeof value === 'object') return <pre>{JSON.stringify(value, null, 2)}</pre>
  return <>{String(value)}</>
}

function Marked ({ mark, children }: { mark: 'added' | 'removed' | undefined, children: ComponentChildren }) {
  if (mark === 'added') return <ins>{children}<span class='visually-hidden'> (added)</span></ins>
  if (mark === 'removed') return <del>{children}<span class='visually-hidden'> (removed)</span></del>
  return <>{children}</>
}

function isKeySet (value: unknown): value is { keys: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)
}

// Tagged values ({ tag, value }) and attributes ({ key, value }) as the client page shows them.
function itemText (item: unknown): string {
  if (typeof item !== 'object' || item === null) return String(item)
  return Object.values(item).map(String).join(' = ')
}

/** A JWK as what tells it apart: a private key's material is never stored, only its thumbprint. */
function keyText (key: unknown): string {
  if (typeof key !== 'object' || key === null) return String(key)
  const { kid, kty, use, alg, thumbprint } = key as Record<string, unknown>
  const described = [kty, use, alg].filter(part => typeof part === 'string').join(', ')
  const name = typeof kid === 'string' ? `key ${kid}` : 'key without kid'
  const print = typeof thumbprint === 'string' ? `, thumbprint ${thumbprint}` : thumbprint === null ? ', private key (no thumbprint)' : ''
  return `${name} (${described})${print}`
}
