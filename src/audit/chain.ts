import { createHash } from 'node:crypto'
import type { AuditEntry, CheckpointData, IntentData, NewEntry, OutcomeData, VerifyResult } from './audit-types.ts'

export const GENESIS_HASH = '0'.repeat(64)

/**
 * JSON with object keys sorted at every depth: the same entry always hashes the same. The default
 * sort orders strings by UTF-16 code units, the order every entry hashed so far was written in.
 */
export function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>
    const keys = Object.keys(object).filter(key => object[key] !== undefined).sort()
    return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function entryHash (seq: number, prevHash: string, entry: NewEntry): string {
  const content = canonicalJson({ seq, kind: entry.kind, requestId: entry.requestId, time: entry.time, data: entry.data })
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex')
}

export function chainEntry (seq: number, prevHash: string, entry: NewEntry): AuditEntry {
  return { ...entry, seq, prevHash, hash: entryHash(seq, prevHash, entry) }
}

/** Copies of entry fields kept in their own columns for queries; verify checks they still agree. */
export interface IndexColumns {
  actor: string | null
  action: string | null
  clientId: string | null
  outcome: string | null
  /** ACCESS_MODEL=teams: the target's team; absent when it has none, as in the entries of roles mode. */
  team?: string
}

export function indexColumns (entry: NewEntry): IndexColumns {
  const data = entry.data as Partial<IntentData & OutcomeData>
  return {
    actor: entry.kind === 'intent' ? data.actor ?? null : null,
    action: entry.kind === 'intent' ? data.action ?? null : null,
    clientId: entry.kind === 'checkpoint' ? null : data.clientId ?? null,
    outcome: entry.kind === 'outcome' ? data.outcome ?? null : null,
    ...(entry.kind === 'intent' && typeof data.team === 'string' ? { team: data.team } : {})
  }
}

export interface StoredEntry extends AuditEntry {
  columns: IndexColumns
}

/**
 * Walks entries in seq order and names the first one that was altered, removed or re-linked. The
 * oldest kept entry may follow pruned ones only if a checkpoint later in the chain vouches for it.
 */
export async function verifyChain (entries: AsyncIterable<StoredEntry>): Promise<VerifyResult> {
  let previous: StoredEntry | undefined
  let unvouched: { seq: number, prevHash: string } | undefined
  let checked = 0
  for await (const entry of entries) {
    checked++
    if (entry.hash !== entryHash(entry.seq, entry.prevHash, entry)) return failed(entry.seq, 'altered: its content does not match its hash', checked)
    if (canonicalJson(entry.columns) !== canonicalJson(indexColumns(entry))) return failed(entry.seq, 'altered: its query columns do not match its content', checked)
    if (previous === undefined) {
      if (entry.seq === 1 && entry.prevHash !== GENESIS_HASH) return failed(entry.seq, 'altered: the first entry does not start the chain', checked)
      if (entry.seq > 1) unvouched = { seq: entry.seq, prevHash: entry.prevHash }
    } else {
      if (entry.seq !== previous.seq + 1) return failed(previous.seq + 1, `missing: entries ${previous.seq + 1} to ${entry.seq - 1} are gone`, checked)
      if (entry.prevHash !== previous.hash) return failed(entry.seq, 'altered: it does not link to the entry before it', checked)
    }
    if (unvouched !== undefined && entry.kind === 'checkpoint') {
      const checkpoint = entry.data as CheckpointData
      if (checkpoint.prunedThroughSeq === unvouched.seq - 1 && checkpoint.prunedThroughHash === unvouched.prevHash) unvouched = undefined
    }
    previous = entry
  }
  if (unvouched !== undefined) return failed(unvouched.seq - 1, `missing: entries up to ${unvouched.seq - 1} are gone and no checkpoint records their pruning`, checked)
  return { ok: true, checked }
}

function failed (seq: number, problem: string, checked: number): VerifyResult {
  return { ok: false, checked, firstProblem: { seq, problem } }
}
