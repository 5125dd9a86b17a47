import { samePrincipal } from '../identity.ts'
import { sessionPrincipal, type SessionRecord, type SessionStore } from './session-store.ts'

const SWEEP_INTERVAL_MS = 60_000

/** Sessions of this process only: fine for one replica; a restart logs everybody out. */
export function createMemorySessionStore (): SessionStore {
  const entries = new Map<string, { record: SessionRecord, expiresAt: number }>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key)
  }, SWEEP_INTERVAL_MS)
  sweep.unref()

  const deleteWhere = (matches: (record: SessionRecord) => boolean): number => {
    let removed = 0
    for (const [key, entry] of entries) {
      if (!matches(entry.record)) continue
      entries.delete(key)
      if (entry.expiresAt > Date.now()) removed++
    }
    return removed
  }

  return {
    async get (key) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key)
        return undefined
      }
      return copy(entry.record)
    },
    async set (key, record, ttlMs) {
      entries.set(key, { record: copy(record), expiresAt: Date.now() + ttlMs })
    },
    async touch (key, record, ttlMs) {
      const entry = entries.get(key)
      if (entry !== undefined && entry.expiresAt > Date.now()) entries.set(key, { record: copy(record), expiresAt: Date.now() + ttlMs })
    },
    async delete (key) {
      entries.delete(key)
    },
    async listByUser (user) {
      const now = Date.now()
      return [...entries].filter(([, entry]) => entry.expiresAt > now && samePrincipal(sessionPrincipal(entry.record), user))
        .map(([key, entry]) => ({ key, record: copy(entry.record) }))
    },
    async deleteByUser (user) {
      return deleteWhere(record => samePrincipal(sessionPrincipal(record), user))
    },
    async deleteByProviderSession (issuer, subject, sessionId) {
      return deleteWhere(({ provider }) => provider?.issuer === issuer &&
        (sessionId !== undefined ? provider.sessionId === sessionId : provider.subject === subject))
    },
    async count () {
      const now = Date.now()
      let unexpired = 0
      for (const entry of entries.values()) if (entry.expiresAt > now) unexpired++
      return unexpired
    },
    async close () {
      clearInterval(sweep)
      entries.clear()
    }
  }
}

// Callers may change what they get (touching lastSeenAt) without changing the stored session.
function copy (record: SessionRecord): SessionRecord {
  return { ...record, roles: [...record.roles], ...(record.provider === undefined ? {} : { provider: { ...record.provider } }) }
}
