// Authlete's IDs are int64: JSON.parse would round any above 2^53. Such numbers are kept as raw JSON
// values, which JSON.stringify writes back digit for digit. The reviver is only paid for when the
// answer has an integer of 16 digits or more (json-scan.ts tells), which ordinary answers do not.

interface RawJsonApi { rawJSON: (text: string) => unknown }
interface ReviverContext { source?: string }

export function parseUpstreamJson (text: string, hasLongIntegers: boolean): unknown {
  if (!hasLongIntegers) return JSON.parse(text)
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

export function isStringArray (value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
