import argon2 from 'argon2'

// OWASP's argon2id baseline (19 MiB, 2 passes): logins stay fast and a burst of them cannot
// exhaust memory the way the library default (64 MiB each) could.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

/** The parameters of new hashes, as a PHC string writes them. */
export const HASH_PARAMETERS = `m=${HASH_OPTIONS.memoryCost},t=${HASH_OPTIONS.timeCost},p=${HASH_OPTIONS.parallelism}`

export async function hashPassword (password: string): Promise<string> {
  return await argon2.hash(password, HASH_OPTIONS)
}

export async function verifyPassword (hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}

/**
 * Whether a hash was made with the parameters (and argon2 version) of new hashes. One made with others
 * takes another time to check, so a login's duration would tell its user apart from the rest.
 */
export function hashIsCurrent (hash: string): boolean {
  try {
    return !argon2.needsRehash(hash, HASH_OPTIONS)
  } catch {
    return false
  }
}
