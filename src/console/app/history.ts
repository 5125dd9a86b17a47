// The change history of clients (issue 24), as the public API answers it: the console computes no
// diff of its own, it shows the server's.
import { call, get, query } from './api.ts'

export interface Version {
  version: number
  at: string
  actor: string | null
  source?: string | null
  via?: string | null
  action: string
  /** The requestId of the audit record that made it. */
  auditId?: string | null
  changed?: string[] | null
  external?: boolean
  restoredFrom?: number | null
  /** A deleted client's restore: the old client ID. */
  restoredFromClientId?: string
}
export interface HistoryPage { versions: Version[], next: number | string | null }
/** One changed property; `added`/`removed` for lists compared as sets (and JWK Sets, by key). */
export interface Change { property: string, before: unknown, after: unknown, added?: unknown[], removed?: unknown[] }
export interface DeletedClient {
  clientId: string
  clientName: string | null
  developer: string | null
  deletedAt: string
  deletedBy: { actor: string | null, source: string | null }
  lastVersion: number
  /** The client a restore made from it, if any. */
  restoredAs: string | null
}
export interface DeletedPage { clients: DeletedClient[], next: string | null }
/** A deleted client recreated: a new client, under a new ID, with a new secret. */
export interface Recreated { clientId: string, oldClientId: string, message: string, notRestored: string[], client: Record<string, unknown> }

const HISTORY_PAGE = 20
const historyPath = (clientId: string) => `/api/clients/${encodeURIComponent(clientId)}`

export const historyPage = async (clientId: string, before?: number | string) =>
  (await get<HistoryPage>(`${historyPath(clientId)}/history${query({ limit: HISTORY_PAGE, before })}`)).data

/** The client as a version stored it (secret-free). */
export const versionState = async (clientId: string, version: number) =>
  (await get<Version & { client: Record<string, unknown> }>(`${historyPath(clientId)}/history/${version}`)).data

/** What changed from one version to another (`to` left out: to the live client). */
export const changesBetween = async (clientId: string, from: number, to?: number) =>
  (await get<{ changes: Change[] }>(`${historyPath(clientId)}/diff${query({ from, to })}`)).data.changes

/** Restores a version as a PUT would; `etag` is the client's as the preview saw it (412 when it changed since). */
export const restoreVersion = async (clientId: string, version: number, etag: string | undefined) =>
  (await call<Record<string, unknown>>('POST', `${historyPath(clientId)}/history/${version}/restore`, { headers: etag === undefined ? {} : { 'if-match': etag } })).data

export const deletedClients = async (cursor?: string) =>
  (await get<DeletedPage>(`/api/history/deleted${query({ limit: HISTORY_PAGE, cursor })}`)).data

export const restoreDeleted = async (clientId: string) =>
  (await call<Recreated>('POST', `/api/history/deleted/${encodeURIComponent(clientId)}/restore`)).data

/** The same changes seen the other way round: from `after` to `before`. */
export function reversed (changes: Change[]): Change[] {
  return changes.map(({ property, before, after, added, removed }) => ({
    property, before: after, after: before, ...(added === undefined ? {} : { removed: added }), ...(removed === undefined ? {} : { added: removed })
  }))
}

/** "alice (local, session)", or who made a change outside the proxy. */
export function whoMade (version: Version): string {
  if (version.external === true) return 'Outside the proxy'
  const where = [version.source, version.via].filter(part => typeof part === 'string' && part !== '').join(', ')
  const actor = version.actor ?? 'unknown'
  return where === '' ? actor : `${actor} (${where})`
}
