import type { NewVersion } from '../history/history-types.ts'

// The audit trail is an append-only, hash-chained list of entries. A mutating call writes an
// `intent` entry before anything is forwarded and an `outcome` entry after; a `checkpoint` entry
// records where retention pruned the chain. A record, as the API shows it, is an intent joined with
// its outcome (or `pending` when there is none: the process died in between, or the outcome could not
// be written). `unknown`: the upstream received the mutation but its answer timed out or was cut, so
// whether the change was made is not known. `abandoned`: never forwarded, though its intent is in the
// trail: the caller left before the intent was durable, or the intent was committed only after the
// caller had been refused (503, the store too slow).
export type EntryKind = 'intent' | 'outcome' | 'checkpoint'
// `denied`: refused because the target belongs to another team (ACCESS_MODEL=teams, src/teams).
export type Outcome = 'success' | 'failure' | 'unknown' | 'denied' | 'abandoned' | 'pending'

/** A user (and their source), as the audit trail names them. */
export interface AuditPrincipal {
  source: string
  username: string
}

/** Whom an identity-management action is about: the user, and the API token when there is one. */
export interface AuditTarget extends AuditPrincipal {
  tokenId?: string
}

export interface IntentData {
  actor: string | null
  /** Where the actor's identity comes from: local, oidc or gateway (absent in older entries). */
  source?: string | null
  roles: string[]
  /** How the actor proved who they are: session, api-token or gateway (absent in older entries). */
  via?: string | null
  /** The credential's label (an API token's id), never the credential. */
  credential?: string | null
  /** For an API token made by someone other than its owner (the actor): who made it. */
  tokenCreatedBy?: AuditPrincipal | null
  /** For token, session and login-failure management: whose (absent in older entries). */
  target?: AuditTarget | null
  action: string
  route: string
  clientId: string | null
  /** The alias the call named the client by, when it resolved to clientId (ACCESS_MODEL=teams; absent otherwise). */
  clientIdAlias?: string
  subject: string | null
  /** ACCESS_MODEL=teams: the target client's team (its developer); absent otherwise. */
  team?: string | null
  clientIp: string
  userAgent: string | null
  /** Names of the properties a write sets; never their values. */
  changedProperties: string[] | null
  /** Client writes judged by the security policy (src/policy): what it filled, and the rule IDs it let pass or refused. */
  policy?: AuditPolicy
  /** The X-Request-Id a trusted gateway sent (absent in older entries); the record's key is the proxy's own. */
  callerRequestId?: string | null
  /** The change request the record is a step of (src/approvals): its request, decisions, apply, break-glass. */
  changeRequestId?: string
  /** The reason given: X-Change-Reason, a rejection's, X-Break-Glass's. Printable, at most 500 characters. */
  reason?: string
  /** A gated change applied at once by a `*` admin (X-Break-Glass), to be reviewed after the fact. */
  breakGlass?: true
}

export interface AuditPolicy {
  filled: string[]
  /** Violations the client already had (the ratchet). */
  warnings: string[]
  /** Violations an exception covers. */
  excepted: string[]
  /** A refused change: its new violations. */
  violations?: string[]
}

export interface OutcomeData {
  status: number
  outcome: Exclude<Outcome, 'pending'>
  resultCode: string | null
  durationMs: number
  /** The client the call created (client.create); its intent, written before, could not know it. */
  clientId?: string
  /** The caller had disconnected before the answer: nobody received it (absent otherwise). */
  callerGone?: true
  /** The client version the change made (src/history), with its canonical hash: the chain vouches for it. */
  version?: number
  versionClientId?: string
  versionHash?: string
  /** history.prune: per client, the last version retention removed (versions 1 to it are gone). */
  prunedVersions?: Record<string, number>
}

export interface CheckpointData {
  /** The last pruned entry: the first kept entry's prevHash must equal this hash. */
  prunedThroughSeq: number
  prunedThroughHash: string
  prunedEntries: number
}

export interface NewEntry {
  kind: EntryKind
  requestId: string | null
  time: string
  data: IntentData | OutcomeData | CheckpointData
  /**
   * An outcome's client version (src/history): the store numbers it, writes it in the same
   * transaction and links its number and hash into `data`. Not part of the entry itself.
   */
  version?: NewVersion
}

export interface AuditEntry extends NewEntry {
  seq: number
  prevHash: string
  hash: string
}

export interface AuditRecord extends IntentData {
  id: number
  requestId: string
  time: string
  outcome: Outcome
  status: number | null
  resultCode: string | null
  durationMs: number | null
  completedAt: string | null
  callerGone?: true
  /** The client version the change made (src/history): GET /api/clients/{versionClientId}/history/{version}. */
  version?: number
  versionClientId?: string
}

export interface AuditQuery {
  actor?: string
  /** The actor's source (local, oidc, gateway); with `actor` and without it: local (older entries without one count as local). */
  source?: string
  /** The client's numeric ID; with an alias, the ID it resolves to and the alias itself (a call by alias in roles mode is recorded under the alias). */
  clientId?: string | string[]
  action?: string
  team?: string
  /**
   * ACCESS_MODEL=teams, an admin of some teams: only the records of these teams, and the actor's own
   * (none for an API token). Of their own records about clients outside these teams, the caller sees
   * neither the team nor `denied` (`failure` instead): another team's client looks like a missing one.
   */
  visibleTo?: { teams: string[], actor?: AuditPrincipal }
  outcome?: Outcome
  since?: string
  until?: string
  limit: number
  /** Records with an id below this one (the previous page's nextCursor). */
  cursor?: number
}

export interface AuditPage {
  records: AuditRecord[]
  nextCursor: number | null
}

export interface VerifyResult {
  ok: boolean
  checked: number
  /** `version`: the client version at fault (src/history/verify-versions.ts), when it is one. */
  firstProblem?: { seq: number, problem: string, version?: { clientId: string, version: number } }
  /** Client versions checked against the entries that vouch for them. */
  versions?: number
}
