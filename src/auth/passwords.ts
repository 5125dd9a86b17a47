import argon2 from 'argon2'

// OWASP's argon2id baseline (19 MiB, 2 passes): logins stay fast and a burst of them cannot
// exhaust memory the way the library default (64 MiB each) could.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

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
