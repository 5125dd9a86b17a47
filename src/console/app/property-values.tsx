// How a client property's value reads on the client page: times as dates, durations with their unit,
// and an unset property as "not set", with the value Authlete uses then when the schema names it.
import type { JsonSchema } from './schema.ts'
import { formatTime } from './ui.tsx'
import { labelOf } from './groups.ts'

const TIMES = new Set(['createdAt', 'modifiedAt', 'trustChainExpiresAt', 'trustChainUpdatedAt'])
// The marker src/clients/client-descriptions.ts ends a description with.
const DEFAULT = /Authlete's default: (.+?)\.?$/

/** Authlete's value for an unset property, as its description names it. */
export function defaultOf (schema: JsonSchema | undefined): string | undefined {
  return DEFAULT.exec(schema?.description ?? '')?.[1]
}

function isDuration (schema: JsonSchema | undefined): boolean {
  return /\bin seconds\b/.test(schema?.description ?? '')
}

const UNITS: Array<[number, string]> = [[86_400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']]

/** 3600 → "3600 s (1 hour)", 5400 → "5400 s (1 hour 30 minutes)"; under a minute, the seconds alone. */
export function formatDuration (seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  const parts: string[] = []
  let left = seconds
  for (const [size, unit] of UNITS) {
    const count = Math.floor(left / size)
    left -= count * size
    if (count > 0 && parts.length < 2) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`)
  }
  return `${seconds} s (${parts.join(' ')})`
}

/** A default as the page shows a value of that property: "false" → "No", "0" seconds → "0 s". */
function readable (fallback: string, schema: JsonSchema | undefined): string {
  if (fallback === 'true' || fallback === 'false') return fallback === 'true' ? 'Yes' : 'No'
  return isDuration(schema) && /^\d+$/.test(fallback) ? formatDuration(Number(fallback)) : fallback
}

export function Value ({ name, value: given, schema }: { name: string, value: unknown, schema?: JsonSchema }) {
  // An unset object with a schema (extension) reads as its properties, each unset.
  const value = (given === undefined || given === null) && schema?.properties !== undefined ? {} : given
  if (value === undefined || value === null || value === '') {
    const fallback = defaultOf(schema)
    return <span class='unset'>{fallback === undefined ? 'not set' : `not set (default ${readable(fallback, schema)})`}</span>
  }
  if (TIMES.has(name) && typeof value === 'number') return <>{formatTime(value)}</>
  if (typeof value === 'number' && isDuration(schema)) return <>{formatDuration(value)}</>
  if (typeof value === 'boolean') return <>{value ? 'Yes' : 'No'}</>
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class='unset'>none</span>
    return <ul class='values'>{value.map((item, index) => <li key={index}>{typeof item === 'object' ? Object.values(item as object).join(' = ') : String(item)}</li>)}</ul>
  }
  if (typeof value === 'object' && schema?.properties !== undefined) {
    // A nested object with a schema (extension): each of its properties read the same way.
    const names = [...new Set([...Object.keys(schema.properties), ...Object.keys(value)])]
    return (
      <dl class='nested'>
        {names.map(inner => (
          <div key={inner} class='property'>
            <dt>{labelOf(inner)}</dt>
            <dd data-property={`${name}.${inner}`}><Value name={inner} value={(value as Record<string, unknown>)[inner]} schema={schema.properties![inner]} /></dd>
          </div>
        ))}
      </dl>
    )
  }
  if (typeof value === 'object') return <pre>{JSON.stringify(value, null, 2)}</pre>
  return <>{String(value)}</>
}
