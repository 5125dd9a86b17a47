import { hash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'

/**
 * Remembers values that may be used once (login states, logout-token ids) until they could no longer
 * be accepted anyway. In Redis when the app has one, so a value used on one replica is refused on all.
 */
export interface OneTimeMarks {
  /** True the first time a value is presented; false for every later time until `ttlMs` has passed. */
  firstUse: (kind: string, value: string, ttlMs: number) => Promise<boolean>
  close: () => void
}

const SWEEP_INTERVAL_MS = 60_000

export function createOneTimeMarks (redis: Redis | null): OneTimeMarks {
  return redis === null ? memoryMarks() : redisMarks(redis)
}

// Hashed: the store never holds a usable state or token id.
const markKey = (kind: string, value: string): string => `bff:oidc:used:${kind}:${hash('sha256', value, 'base64url')}`

function redisMarks (redis: Redis): OneTimeMarks {
  return {
    async firstUse (kind, value, ttlMs) {
      try {
        return await redis.set(markKey(kind, value), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX') === 'OK'
      } catch (cause) {
        // Fail closed: without the check a replayed state or logout token could not be told apart.
        throw new errors.OidcReplayCheckUnavailable({ cause })
      }
    },
    close () {}
  }
}

function memoryMarks (): OneTimeMarks {
  const marks = new Map<string, number>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, expiresAt] of marks) if (expiresAt <= now) marks.delete(key)
  }, SWEEP_INTERVAL_MS)
  sweep.unref()
  return {
    async firstUse (kind, value, ttlMs) {
      const key = markKey(kind, value)
      const now = Date.now()
      const seenUntil = marks.get(key)
      if (seenUntil !== undefined && seenUntil > now) return false
      marks.set(key, now + Math.max(1, ttlMs))
      return true
    },
    close () {
      clearInterval(sweep)
      marks.clear()
    }
  }
}
