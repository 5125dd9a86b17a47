import type { ChangeRequest, Status } from '../change-request.ts'

export interface ListQuery {
  status?: Status
  /** The teams whose requests may be listed; undefined: all (roles mode, or a `*` member). */
  teams?: readonly string[]
  offset: number
  limit: number
}

/**
 * Where change requests live, shared by the replicas (the audit database). `update` is the one change:
 * a compare-and-set on the stored revision, retried with the fresh row, so two replicas approving at
 * once each see the other's approval and exactly one of them turns the request `applying`.
 */
export interface ChangeRequestStore {
  insert: (request: ChangeRequest) => Promise<void>
  get: (id: string) => Promise<ChangeRequest | undefined>
  /** Newest first. */
  list: (query: ListQuery) => Promise<{ requests: ChangeRequest[], total: number }>
  /** Applies `change` to the current request; undefined from it (or no such request): nothing changes, undefined answered. */
  update: (id: string, change: (current: ChangeRequest) => ChangeRequest | undefined) => Promise<ChangeRequest | undefined>
  /** IDs of pending requests whose expiresAt is at or before `now`. */
  due: (now: string) => Promise<string[]>
  close: () => Promise<void>
}

// A compare-and-set that keeps losing means a storm of writers on one request: give up loudly.
export const UPDATE_ATTEMPTS = 10

/** One process's store (sandbox mode, unit tests). */
export function createMemoryChangeRequestStore (): ChangeRequestStore {
  const requests = new Map<string, ChangeRequest>()
  const copy = (request: ChangeRequest): ChangeRequest => structuredClone(request)
  return {
    async insert (request) { requests.set(request.id, copy(request)) },
    async get (id) {
      const found = requests.get(id)
      return found === undefined ? undefined : copy(found)
    },
    async list ({ status, teams, offset, limit }) {
      const matching = [...requests.values()].filter(request => matches(request, status, teams)).reverse()
      return { requests: matching.slice(offset, offset + limit).map(copy), total: matching.length }
    },
    async update (id, change) {
      const found = requests.get(id)
      const changed = found === undefined ? undefined : change(copy(found))
      if (changed !== undefined) requests.set(id, copy(changed))
      return changed
    },
    async due (now) {
      return [...requests.values()].filter(request => request.status === 'pending' && request.expiresAt <= now).map(request => request.id)
    },
    async close () {}
  }
}

export function matches (request: ChangeRequest, status: Status | undefined, teams: readonly string[] | undefined): boolean {
  return (status === undefined || request.status === status) && (teams === undefined || (request.team !== null && teams.includes(request.team)))
}

/** The audit store's database (AUDIT_STORE), in a table of its own: shared by the replicas. */
export async function openChangeRequestStore (auditStore: string): Promise<ChangeRequestStore> {
  if (auditStore.startsWith('sqlite:')) return (await import('./sqlite-change-request-store.ts')).openSqliteChangeRequestStore(auditStore.slice('sqlite:'.length))
  return await (await import('./postgres-change-request-store.ts')).openPostgresChangeRequestStore(auditStore)
}
