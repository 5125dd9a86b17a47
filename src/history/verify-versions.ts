import { verifyChain, type StoredEntry } from '../audit/chain.ts'
import type { OutcomeData, VerifyResult } from '../audit/audit-types.ts'
import type { AuditStore } from '../audit/stores/audit-store.ts'
import { versionHash } from './stores/version-rows.ts'
import type { StoredVersion } from './history-types.ts'

interface Named { seq: number, hash: string }
type VersionId = { clientId: string, version: number }

const keyOf = ({ clientId, version }: VersionId): string => `${clientId}#${version}`

/**
 * The audit chain, then the client versions against the outcome entries that name them (number and
 * canonical hash): a version whose content no longer matches its hash (edited), one an entry names
 * that is gone though retention did not prune it (dropped), and one no entry names (inserted) each
 * break the trail. A version older than the oldest kept entry may have lost its entry to audit
 * retention (AUDIT_RETENTION_DAYS): it is checked against its own hash only.
 */
export async function verifyAuditTrail (store: AuditStore): Promise<VerifyResult> {
  const named = new Map<string, Named & VersionId>()
  const pruned = new Map<string, number>()
  let oldestKept: { seq: number, time: string } | undefined
  const collect = async function * (entries: AsyncIterable<StoredEntry>): AsyncIterable<StoredEntry> {
    for await (const entry of entries) {
      oldestKept ??= { seq: entry.seq, time: entry.time }
      const data = entry.data as Partial<OutcomeData>
      if (entry.kind === 'outcome' && data.version !== undefined && data.versionClientId !== undefined && data.versionHash !== undefined) {
        named.set(keyOf({ clientId: data.versionClientId, version: data.version }), { seq: entry.seq, hash: data.versionHash, clientId: data.versionClientId, version: data.version })
      }
      for (const [clientId, through] of Object.entries(data.prunedVersions ?? {})) pruned.set(clientId, Math.max(through, pruned.get(clientId) ?? 0))
      yield entry
    }
  }
  const chain = await verifyChain(collect(store.entries()))
  if (!chain.ok) return chain

  let versions = 0
  const broken = (seq: number, id: VersionId, problem: string): VerifyResult =>
    ({ ok: false, checked: chain.checked, versions, firstProblem: { seq, problem: `version ${id.version} of client ${id.clientId} ${problem}`, version: { clientId: id.clientId, version: id.version } } })
  for await (const version of store.history.all()) {
    versions++
    const link = named.get(keyOf(version))
    named.delete(keyOf(version))
    if (versionHash(withoutHash(version)) !== version.hash) return broken(link?.seq ?? 0, version, 'altered: its content does not match its hash')
    if (link === undefined) {
      if (oldestKept !== undefined && oldestKept.seq > 1 && version.at < oldestKept.time) continue
      return broken(0, version, 'inserted: no audit record names it')
    }
    if (link.hash !== version.hash) return broken(link.seq, version, `altered: its hash is not the one audit entry ${link.seq} holds`)
  }
  for (const link of named.values()) {
    if ((pruned.get(link.clientId) ?? 0) >= link.version) continue
    return broken(link.seq, link, `missing: audit entry ${link.seq} names it, and no retention pruning removed it`)
  }
  return { ...chain, versions }
}

function withoutHash (version: StoredVersion): Omit<StoredVersion, 'hash'> {
  const { hash: _hash, ...rest } = version
  return rest
}
