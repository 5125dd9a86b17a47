import type { FastifyInstance } from 'fastify'
import { errors } from './errors.ts'

const JSON_TYPES = ['application/json', 'application/merge-patch+json']
/** Deeper than any client or RFC 7591 metadata needs; far below what recursion anywhere could mind. */
export const MAX_JSON_DEPTH = 32

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/**
 * JSON bodies only (text, form and multipart are a 415), parsed by Fastify's own parser (which refuses
 * __proto__ and constructor.prototype), after one pass that refuses a property given twice in an object
 * (JSON.parse keeps the last, so what is audited and what is forwarded could differ) and nesting deeper
 * than MAX_JSON_DEPTH. The bytes are decoded strictly (RFC 8259 8.1: UTF-8, no byte order mark) and
 * no string may hold an unpaired surrogate: a lenient decoder would forward U+FFFD in place of what
 * was sent, and a lone surrogate is no character at all, so what is audited, forwarded and stored
 * could each read differently.
 */
export function useJsonBodies (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    let text: string
    try {
      text = decodeStrictly(body as Buffer)
      checkJsonShape(text)
    } catch (error) {
      done(error as Error, undefined)
      return
    }
    parse(request, text, (error, value) => {
      if (error === null && hasLoneSurrogate(value)) done(new errors.JsonEncoding('holds an unpaired surrogate (an escape in \\uD800-\\uDFFF without its pair)'), undefined)
      else done(error, value)
    })
  })
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const BOM = '\uFEFF'

function decodeStrictly (bytes: Buffer): string {
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new errors.JsonEncoding('is not valid UTF-8')
  }
  if (text.startsWith(BOM)) throw new errors.JsonEncoding('starts with a byte order mark')
  return text
}

// Nesting is at most MAX_JSON_DEPTH deep (checkJsonShape ran first), so recursion is safe.
function hasLoneSurrogate (value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed()
  if (Array.isArray(value)) return value.some(hasLoneSurrogate)
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, item]) => !key.isWellFormed() || hasLoneSurrogate(item))
  }
  return false
}

interface Container { keys: Set<string> | null }

/** Throws for a duplicate property or too deep a nesting; anything else is left to JSON.parse. */
export function checkJsonShape (text: string): void {
  const open: Container[] = []
  const end = text.length
  for (let i = 0; i < end; i++) {
    const char = text.charCodeAt(i)
    if (char === QUOTE) {
      const start = i
      let escaped = false
      for (i++; i < end; i++) {
        const inner = text.charCodeAt(i)
        if (inner === BACKSLASH) {
          escaped = true
          i++
        } else if (inner === QUOTE) {
          break
        }
      }
      const keys = open.at(-1)?.keys
      if (keys !== null && keys !== undefined && isFollowedByColon(text, i + 1)) {
        const raw = text.slice(start, i + 1)
        const name = escaped ? decodeKey(raw) : raw.slice(1, -1)
        if (keys.has(name)) throw new errors.JsonDuplicateProperty(describeName(name), pathOf(open.length))
        keys.add(name)
      }
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (open.length === MAX_JSON_DEPTH) throw new errors.JsonTooDeep(MAX_JSON_DEPTH)
      open.push({ keys: char === OPEN_OBJECT ? new Set() : null })
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      open.pop()
    }
  }
}

function isFollowedByColon (text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (char === COLON) return true
    if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) return false
  }
  return false
}

function decodeKey (raw: string): string {
  try {
    return JSON.parse(raw) as string
  } catch {
    // Not valid JSON: JSON.parse of the whole body names the error.
    return raw
  }
}

// Quoted and escaped by JSON.stringify, and short: the name is the caller's, the answer must stay small.
function describeName (name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name)
}

function pathOf (depth: number): string {
  return depth === 1 ? 'the top level' : `nesting level ${depth}`
}
