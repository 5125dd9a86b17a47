import type { LoginCounts, LoginFailureStore } from './login-failure-store.ts'

interface Counter { count: number, resetAt: number }
interface UserCounters { user: Counter | undefined, pairs: Map<string, Counter> }

// Usernames kept at most (the least recently failed go first), and addresses per username: a spray of one
// username from many addresses forgets the oldest addresses, never the username's own counter.
const MAX_USERNAMES = 100_000
const MAX_ADDRESSES_PER_USERNAME = 1000

/** Counters of this process only; with REDIS_URL every replica shares them instead. */
export function createMemoryLoginFailureStore (): LoginFailureStore {
  const users = new Map<string, UserCounters>()

  const live = (counter: Counter | undefined, now: number): Counter | undefined => counter !== undefined && counter.resetAt > now ? counter : undefined
  const bump = (counter: Counter | undefined, windowMs: number, now: number): Counter => {
    const current = live(counter, now) ?? { count: 0, resetAt: now + windowMs }
    current.count++
    return current
  }

  return {
    async add ({ username, address, device }, windows) {
      const now = Date.now()
      const entry = users.get(username) ?? { user: undefined, pairs: new Map() }
      users.delete(username)
      users.set(username, entry)
      if (users.size > MAX_USERNAMES) users.delete(users.keys().next().value!)
      if (!device) entry.user = bump(entry.user, windows.userMs, now)
      const user = live(entry.user, now)
      const pair = bump(entry.pairs.get(address), windows.pairMs, now)
      entry.pairs.delete(address)
      entry.pairs.set(address, pair)
      if (entry.pairs.size > MAX_ADDRESSES_PER_USERNAME) entry.pairs.delete(entry.pairs.keys().next().value!)
      const counts: LoginCounts = { pair: pair.count, user: user?.count ?? 0, pairResetMs: pair.resetAt - now, userResetMs: (user?.resetAt ?? now) - now }
      return counts
    },
    async refund ({ username, address, device }, clearPair) {
      const entry = users.get(username)
      if (entry === undefined) return
      const now = Date.now()
      const user = device ? undefined : live(entry.user, now)
      if (user !== undefined && user.count > 0) user.count--
      const pair = live(entry.pairs.get(address), now)
      if (clearPair) entry.pairs.delete(address)
      else if (pair !== undefined && pair.count > 0) pair.count--
    },
    async clearUser (username) {
      const entry = users.get(username)
      users.delete(username)
      return live(entry?.user, Date.now())?.count ?? 0
    }
  }
}
