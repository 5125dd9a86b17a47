// The words for a client property's value that its schema decides: a duration with its unit, and an
// unset property with the value Authlete uses then (named last in its description).
import type { JsonSchema } from './schema.ts'

// The marker src/clients/client-descriptions.ts ends a description with.
const DEFAULT = /Authlete's default: (.+?)\.?$/

/** Authlete's value for an unset property, as its description names it. */
export function defaultOf (schema: JsonSchema | undefined): string | undefined {
  return DEFAULT.exec(schema?.description ?? '')?.[1]
}

export function isDuration (schema: JsonSchema | undefined): boolean {
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

/** "not set", with Authlete's value then as the page shows a value of that property: "false" → "No", "0" seconds → "0 s". */
export function unsetText (schema: JsonSchema | undefined): string {
  const fallback = defaultOf(schema)
  if (fallback === undefined) return 'not set'
  if (fallback === 'true' || fallback === 'false') return `not set (default ${fallback === 'true' ? 'Yes' : 'No'})`
  return `not set (default ${isDuration(schema) && /^\d+$/.test(fallback) ? formatDuration(Number(fallback)) : fallback})`
}
