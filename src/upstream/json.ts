// Authlete's IDs are int64: JSON.parse would round any above 2^53. Such numbers are kept as raw JSON
// values, which JSON.stringify writes back digit for digit. The reviver is only paid for when a long
// digit run is present, which ordinary answers do not have.
const LONG_NUMBER = /\d{16}/

interface RawJsonApi { rawJSON: (text: string) => unknown }
interface ReviverContext { source?: string }

export function parseUpstreamJson (text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text)
  return JSON.parse(text, keepLargeIntegers as (key: string, value: unknown) => unknown)
}

function keepLargeIntegers (_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)) {
    return (JSON as unknown as RawJsonApi).rawJSON(context.source)
  }
  return value
}

/** The JSON text of a value from an upstream answer, large integers included (for headers and URLs). */
export function jsonScalarText (value: unknown): string {
  if (typeof value === 'object' && value !== null && 'rawJSON' in value) return String((value as { rawJSON: unknown }).rawJSON)
  return String(value)
}
