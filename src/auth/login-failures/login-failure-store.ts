/** A username's counter and its (username, address or device) counter, as one login attempt sees them. */
export interface LoginCounts {
  pair: number
  user: number
  /** Milliseconds until each counter's window ends. */
  pairResetMs: number
  userResetMs: number
}

export interface LoginKey {
  /** Lower-cased: `ADMIN` and `admin` spend one budget. */
  username: string
  /** The client address's key (an IPv6 address's /64), or `device:<id>` for a browser's device cookie. */
  address: string
  /**
   * A browser with a device cookie for this username: its attempts count on its own counter only (the
   * `pair` one), never on the username's, and the username's budget does not apply to it.
   */
  device: boolean
}

export interface LoginWindows {
  pairMs: number
  userMs: number
}

/**
 * Counters of failed password logins, apart from every other rate-limit counter so other traffic can
 * never push them out. A window starts at its counter's first failure. An attempt is counted when it
 * starts (`add`) and given back (`refund`) when it is refused or succeeds, so concurrent guesses cannot
 * all pass a check made before any of them failed. Every method throws when the counters cannot be
 * reached: the caller refuses the login (503), never lets it through unchecked.
 */
export interface LoginFailureStore {
  add: (key: LoginKey, windows: LoginWindows) => Promise<LoginCounts>
  /** Takes back one attempt from both counters; `clearPair` also drops the address's counter (a success). */
  refund: (key: LoginKey, clearPair: boolean) => Promise<void>
  /** Drops the username's counter and those of every address and device for it; answers the failures it held. */
  clearUser: (username: string) => Promise<number>
}
