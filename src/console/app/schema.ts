// The client forms come from the server's own schema: ClientInput, the body of POST /api/clients,
// served with the console (/console-client-schema.json, there with DOCS_ENABLED=false too). A
// property the server adds shows up in the forms (under "Other") without a change here.
import { get, isObject } from './api.ts'

export interface JsonSchema {
  type?: string
  enum?: unknown[]
  anyOf?: JsonSchema[]
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  description?: string
  title?: string
}

export type FieldKind = 'text' | 'longtext' | 'integer' | 'boolean' | 'choice' | 'choices' | 'lines' | 'pairs' | 'object'

export interface FieldSpec {
  name: string
  kind: FieldKind
  schema: JsonSchema
  options?: string[]
  nullable?: boolean
  /** For pairs: the two property names ('tag'/'value', 'key'/'value'). */
  pair?: [string, string]
  children?: FieldSpec[]
  /** The property's one-line description, from the API's schema. */
  description?: string
}

let clientInput: Promise<JsonSchema> | undefined

export function loadClientInput (): Promise<JsonSchema> {
  clientInput ??= get<JsonSchema>('/console-client-schema.json').then(({ data }) => {
    if (data.properties === undefined) throw new Error('/console-client-schema.json has no properties')
    return data
  })
  clientInput.catch(() => { clientInput = undefined })
  return clientInput
}

export function fieldsOf (schema: JsonSchema): FieldSpec[] {
  return Object.entries(schema.properties ?? {}).map(([name, property]) => fieldOf(name, property))
}

function fieldOf (name: string, property: JsonSchema): FieldSpec {
  const alternatives = property.anyOf?.filter(option => option.type !== 'null')
  const nullable = property.anyOf !== undefined && alternatives!.length < property.anyOf.length
  const schema = alternatives?.length === 1 ? alternatives[0]! : property
  const base = { name, schema, nullable, description: property.description }
  if (schema.enum !== undefined) return { ...base, kind: 'choice', options: schema.enum.map(String) }
  if (schema.anyOf !== undefined && schema.anyOf.every(option => option.enum !== undefined || option.type === 'null')) {
    return { ...base, kind: 'choice', nullable: true, options: schema.anyOf.flatMap(option => option.enum ?? []).map(String) }
  }
  switch (schema.type) {
    case 'boolean': return { ...base, kind: 'boolean' }
    case 'integer': case 'number': return { ...base, kind: 'integer' }
    case 'object': return { ...base, kind: 'object', children: fieldsOf(schema) }
    case 'array': {
      const items = schema.items ?? {}
      if (items.enum !== undefined) return { ...base, kind: 'choices', options: items.enum.map(String) }
      const keys = Object.keys(items.properties ?? {})
      if (items.type === 'object' && keys.length === 2) return { ...base, kind: 'pairs', pair: [keys[0]!, keys[1]!] }
      return { ...base, kind: 'lines' }
    }
    default: return { ...base, kind: (schema.maxLength ?? 0) > 4096 ? 'longtext' : 'text' }
  }
}

/** What a control holds: text for inputs and text areas, a flag, a list of choices, or nested drafts. */
export type Draft = string | boolean | string[] | { [name: string]: Draft }

export function draftOf (field: FieldSpec, value: unknown): Draft {
  switch (field.kind) {
    case 'boolean': return value === true
    case 'choices': return Array.isArray(value) ? value.map(String) : []
    case 'lines': return Array.isArray(value) ? value.map(String).join('\n') : ''
    case 'pairs': return Array.isArray(value) ? value.map(entry => `${String(entry?.[field.pair![0]] ?? '')}=${String(entry?.[field.pair![1]] ?? '')}`).join('\n') : ''
    case 'object': return Object.fromEntries(field.children!.map(child => [child.name, draftOf(child, isObject(value) ? value[child.name] : undefined)]))
    default: return value === undefined || value === null ? '' : String(value)
  }
}

export class DraftError extends Error {}

/** The JSON value of a draft; undefined for "not set". */
export function valueOf (field: FieldSpec, draft: Draft): unknown {
  switch (field.kind) {
    case 'boolean': return draft === true
    case 'choices': return (draft as string[]).length === 0 ? undefined : draft
    case 'lines': {
      const lines = splitLines(draft as string)
      return lines.length === 0 ? undefined : lines
    }
    case 'pairs': {
      const lines = splitLines(draft as string)
      if (lines.length === 0) return undefined
      return lines.map(line => {
        const at = line.indexOf('=')
        if (at < 1) throw new DraftError(`each line must be ${field.pair![0]}=${field.pair![1]}: "${line}" has no ${field.pair![0]}`)
        return { [field.pair![0]]: line.slice(0, at).trim(), [field.pair![1]]: line.slice(at + 1).trim() }
      })
    }
    case 'integer': {
      const text = (draft as string).trim()
      if (text === '') return undefined
      if (!/^-?\d+$/.test(text)) throw new DraftError('must be a whole number')
      return Number(text)
    }
    case 'object': {
      const entries = field.children!.map(child => [child.name, valueOf(child, (draft as Record<string, Draft>)[child.name]!)] as const)
        .filter(([, value]) => value !== undefined && value !== false)
      return entries.length === 0 ? undefined : Object.fromEntries(entries)
    }
    case 'choice': return draft === '' ? (field.nullable === true ? null : undefined) : draft
    default: return draft === '' ? undefined : draft
  }
}

function splitLines (text: string): string[] {
  return text.split('\n').map(line => line.trim()).filter(line => line !== '')
}

/** Equal as a client property: absent, null, false and [] all mean "not set". */
export function sameValue (a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b))
}

function normalise (value: unknown): unknown {
  if (value === null || value === false || (Array.isArray(value) && value.length === 0)) return undefined
  if (Array.isArray(value)) return value.map(normalise)
  if (isObject(value)) {
    const entries = Object.entries(value).map(([name, inner]) => [name, normalise(inner)] as const).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => a.localeCompare(b))
    return entries.length === 0 ? undefined : Object.fromEntries(entries)
  }
  return value
}

/** The field a validation problem's path names: "/body/extension/accessTokenDuration" → "extension.accessTokenDuration". */
export function fieldOfProblemPath (path: string, fields: FieldSpec[]): string | undefined {
  const [name, child] = path.replace(/^\/body\//, '').split('/')
  const field = fields.find(candidate => candidate.name === name)
  if (field === undefined) return undefined
  if (field.kind === 'object' && field.children!.some(inner => inner.name === child)) return `${name}.${child}`
  return name
}
