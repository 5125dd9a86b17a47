// How a client property's value reads on the client page: times as dates, durations with their unit,
// and an unset property as "not set", with the value Authlete uses then when the schema names it.
import type { JsonSchema } from './schema.ts'
import { formatDuration, isDuration, unsetText } from './property-text.ts'
import { formatTime } from './ui.tsx'
import { labelOf } from './groups.ts'

const TIMES = new Set(['createdAt', 'modifiedAt', 'trustChainExpiresAt', 'trustChainUpdatedAt'])

export function Value ({ name, value: given, schema }: { name: string, value: unknown, schema?: JsonSchema }) {
  // An unset object with a schema (extension) reads as its properties, each unset.
  const value = (given === undefined || given === null) && schema?.properties !== undefined ? {} : given
  if (value === undefined || value === null || value === '') {
    return <span class='unset'>{unsetText(schema)}</span>
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
