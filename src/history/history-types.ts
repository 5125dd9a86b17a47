// A version is the client's stored state (src/history/stored-state.ts: allow-listed, secret-free)
// after one change, numbered per client 1, 2, 3... It is written in the same transaction as the
// outcome entry of the audit record that made it, and that entry carries the version's number and
// canonical hash: the audit chain vouches for every version (src/history/verify-versions.ts).

/** What a write asks the audit store to record with its outcome. */
export interface NewVersion {
  /** The numeric client ID. */
  clientId: string
  /** storedState() of the client after the change. */
  state: Record<string, unknown>
  /** Authlete's modifiedAt of that state (ms): a later one on a read is a change made outside the proxy. */
  modifiedAt: number | null
  /** The audited action (client.update, client.lock...), or client.external-change. */
  action: string
  actor: string | null
  source: string | null
  via: string | null
  external: boolean
  restoredFrom: number | null
  /** A deleted client's restore: the client the state came from. */
  restoredFromClientId?: string
  /** Changes the state cannot show (a new secret: `clientSecret`); never their values. */
  alsoChanged?: string[]
  /** An external version is only written when no version already has this modifiedAt or a later one. */
  onlyIfNewer?: boolean
}

/** A version as stored and answered. */
export interface ClientVersion {
  clientId: string
  version: number
  at: string
  actor: string | null
  source: string | null
  via: string | null
  action: string
  /** The audit record's key (its requestId). */
  auditId: string
  /** Property names that differ from the previous version (diffStates), plus alsoChanged. */
  changed: string[]
  external: boolean
  restoredFrom: number | null
  restoredFromClientId?: string
  modifiedAt: number | null
  client: Record<string, unknown>
}

export interface StoredVersion extends ClientVersion {
  /** canonicalHash of the version (hashedContent), as written. */
  hash: string
}

/** What an outcome entry's data says of the version it made. */
export interface VersionLink {
  version: number
  versionClientId: string
  versionHash: string
}

export interface VersionPage {
  versions: ClientVersion[]
  /** The `before` of the next page, or null on the last one. */
  next: number | null
}

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

export interface DeletedPage {
  clients: DeletedClient[]
  /** The cursor of the next page, or null on the last one. */
  next: string | null
}

/** Reads of the version table (the writes go with audit outcomes, through AuditStore.append). */
export interface HistoryStore {
  latest: (clientId: string) => Promise<StoredVersion | undefined>
  list: (clientId: string, options: { limit: number, before?: number }) => Promise<VersionPage>
  get: (clientId: string, version: number) => Promise<StoredVersion | undefined>
  /** Clients whose latest version is a delete; `teams` limits them to those teams' (developer). */
  deleted: (options: { limit: number, cursor?: string, teams?: readonly string[] }) => Promise<DeletedPage>
  /** Every version, client by client, version by version. */
  all: () => AsyncIterable<StoredVersion>
  /**
   * Removes the versions older than `before`, never a client's latest unless it is a delete, and
   * records what it removed in the audit chain (an audit record `history.prune`). Answers how many.
   */
  prune: (before: string) => Promise<number>
}
