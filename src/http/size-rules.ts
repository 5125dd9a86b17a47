import { MAX_FIELD_PROBLEMS } from './validation-messages.ts'

// A body is checked against its schema's size rules first, stopping at the first breach, and only then
// against the whole schema with every error listed. Ajv's allErrors pass goes on past a broken
// `maxItems`, checking and reporting each of the items: 400,000 wrong items in a 0.8 MB body held the
// event loop for seconds. The size pass stops where a rule is broken, so its time follows the rule;
// a body that passes it has every array, object and string within its limits, so the full pass is
// bounded too.

type Schema = Record<string, unknown>

// What is checked: the limits. Everything else is dropped, so the size schema accepts more than the
// full one (a type error, a missing property, an enum... pass it) and never refuses what the full
// schema accepts.
const LIMITS = ['maxItems', 'maxProperties', 'maxLength']
const ONE_SCHEMA = ['items', 'additionalItems', 'additionalProperties']
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas']
const SCHEMA_LISTS = ['allOf', 'prefixItems']
const UNIONS = ['anyOf', 'oneOf']

/**
 * The size rules of a JSON schema, as a schema. An object that admits only its listed properties
 * gets their count as `maxProperties`, plus the unknown ones an answer can name (MAX_FIELD_PROBLEMS):
 * a few are each named by the full check, thousands stop at once. Union branches keep their `type`,
 * so a nullable array is held to its array's limits; a union becomes `anyOf` (`oneOf` could refuse a
 * value that two relaxed branches accept).
 */
export function sizeRulesOf (schema: unknown, isBranch = false): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return true
  const source = schema as Schema
  // A reference names a schema the size validator does not hold: accept anything there.
  if ('$ref' in source) return true
  const rules: Schema = {}
  if (isBranch && source.type !== undefined) rules.type = source.type
  for (const name of LIMITS) if (typeof source[name] === 'number') rules[name] = source[name]
  const listed = source.properties
  if (source.additionalProperties === false && source.patternProperties === undefined && typeof listed === 'object' && listed !== null) {
    const count = Object.keys(listed).length + MAX_FIELD_PROBLEMS
    rules.maxProperties = Math.min(count, typeof source.maxProperties === 'number' ? source.maxProperties : count)
  }
  for (const name of ONE_SCHEMA) {
    const value = source[name]
    if (Array.isArray(value)) rules[name] = value.map(item => sizeRulesOf(item))
    else if (typeof value === 'object' && value !== null) rules[name] = sizeRulesOf(value)
  }
  for (const name of SCHEMA_MAPS) {
    const value = source[name]
    if (typeof value === 'object' && value !== null) {
      rules[name] = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sizeRulesOf(item)]))
    }
  }
  for (const name of SCHEMA_LISTS) {
    const value = source[name]
    if (Array.isArray(value)) rules[name] = value.map(item => sizeRulesOf(item))
  }
  const unions = UNIONS.flatMap(name => Array.isArray(source[name]) ? [source[name] as unknown[]] : [])
  if (unions.length > 0) rules.allOf = [...(rules.allOf as unknown[] | undefined ?? []), ...unions.map(sizeRulesOfUnion)]
  return rules
}

/**
 * A value is held to the size rules of the branches of its type; a value of a type no branch has
 * passes (that type error is the full check's to name).
 */
function sizeRulesOfUnion (branches: unknown[]): Schema {
  const types = new Set(branches.flatMap(branch => typeof branch === 'object' && branch !== null ? [(branch as Schema).type ?? []].flat() : []))
  const otherTypes = types.size === 0 ? [] : [{ not: { type: [...types] } }]
  return { anyOf: [...branches.map(branch => sizeRulesOf(branch, true)), ...otherTypes] }
}

export const SIZE_KEYWORDS: ReadonlySet<string> = new Set(LIMITS)
