import { readFile, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { RoleSchema, type Role } from './roles.ts'
import { hashIsCurrent, hashPassword, verifyPassword } from './passwords.ts'
import { TEAM_NAME_RULE, TeamsSchema } from '../teams/membership.ts'

export const UsernameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' })

// A whole argon2id PHC string (version, the three parameters in any order, salt, hash): a mangled
// hash would otherwise pass the start-up check and only fail, silently, at each of that user's logins.
const ARGON2ID_HASH = '^\\$argon2id\\$v=\\d+\\$(?:[mtp]=\\d+,){2}[mtp]=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+$'

export const UserSchema = Type.Object({
  username: UsernameSchema,
  passwordHash: Type.String({ pattern: ARGON2ID_HASH, maxLength: 512 }),
  roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 3 }),
  teams: Type.Optional(TeamsSchema)
}, { additionalProperties: false })

export const UsersFileSchema = Type.Array(UserSchema, { maxItems: 10_000 })

export type User = Static<typeof UserSchema>
export interface UserSummary { username: string, roles: Role[], teams?: string[] }

export interface UserDirectory {
  /** The user whose password matches, or undefined; takes about as long whether or not the user exists. */
  authenticate: (username: string, password: string) => Promise<{ username: string, roles: Role[], teams?: string[] } | undefined>
  /** The roles the users file grants a local user now; undefined once the user is gone from it. */
  rolesOf: (username: string) => Role[] | undefined
  /** The teams the users file grants a local user now (none: []); undefined once the user is gone. */
  teamsOf: (username: string) => string[] | undefined
  /** The users named `username` but for case (login failures are counted per lower-cased name). */
  namesAnyCase: (username: string) => string[]
  /** Every user, by name: what an admin may see of them (never the password hash). */
  list: () => UserSummary[]
  /** Puts a new list of users in place (a reload of the users file). */
  replace: (users: User[]) => void
}

export async function readUsersFile (path: string): Promise<User[]> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new Error(`BFF_USERS_FILE: cannot read ${path}: ${(error as Error).message}`)
  }
  const problem = Value.Errors(UsersFileSchema, parsed)[0]
  if (problem !== undefined) throw new Error(`BFF_USERS_FILE: ${path}${problem.instancePath} ${problem.message}${teamNamed(parsed, problem.instancePath)}`)
  const users = parsed as User[]
  const names = new Set(users.map(user => user.username))
  if (names.size !== users.length) throw new Error(`BFF_USERS_FILE: ${path} names a user twice`)
  return users
}

// A refused team is named with the rule (a team is no secret; a password hash would be, so only teams).
function teamNamed (parsed: unknown, instancePath: string): string {
  const at = /^\/(\d+)\/teams\/(\d+)$/.exec(instancePath)
  if (at === null) return ''
  const team: unknown = (parsed as Array<{ teams: unknown[] }>)[Number(at[1])]?.teams[Number(at[2])]
  return `: ${JSON.stringify(team)} is not a team name (${TEAM_NAME_RULE}; * for every team)`
}

// Allow-listed: what a user is, as answers show it; the password hash stays inside this module.
function summaryOf (user: User): UserSummary {
  return { username: user.username, roles: [...user.roles], ...(user.teams === undefined ? {} : { teams: [...user.teams] }) }
}

/** Told of a password re-hashed at login, to keep the new hash (users-plugin.ts writes it to the file). */
export type RehashListener = (username: string, previous: string, next: string) => Promise<void>

export async function createUserDirectory (users: User[], onRehash?: RehashListener): Promise<UserDirectory> {
  let byName = new Map(users.map(user => [user.username, user]))
  // Unknown names are checked against a real hash so both failures cost the same time.
  const decoyHash = await hashPassword(randomBytes(16).toString('base64url'))

  // A hash with other argon2 parameters takes another time to check than every other user's (and the
  // decoy's): the first successful login replaces it with one of the current parameters.
  const rehash = async (user: User, password: string): Promise<void> => {
    const next = await hashPassword(password)
    if (byName.get(user.username) !== user) return
    byName.set(user.username, { ...user, passwordHash: next })
    await onRehash?.(user.username, user.passwordHash, next)
  }

  return {
    async authenticate (username, password) {
      const user = byName.get(username)
      const valid = await verifyPassword(user?.passwordHash ?? decoyHash, password)
      if (user === undefined || !valid) return undefined
      if (!hashIsCurrent(user.passwordHash)) await rehash(user, password)
      return summaryOf(user)
    },
    rolesOf (username) {
      const user = byName.get(username)
      return user === undefined ? undefined : [...user.roles]
    },
    teamsOf (username) {
      const user = byName.get(username)
      return user === undefined ? undefined : [...user.teams ?? []]
    },
    namesAnyCase (username) {
      const folded = username.toLowerCase()
      return [...byName.keys()].filter(name => name.toLowerCase() === folded)
    },
    list () {
      return [...byName.values()].map(summaryOf).sort((a, b) => a.username < b.username ? -1 : a.username > b.username ? 1 : 0)
    },
    replace (next) {
      byName = new Map(next.map(user => [user.username, user]))
    }
  }
}

/** What tells a changed users file from an unchanged one without reading it: modification time and size. */
export async function usersFileVersion (path: string): Promise<string> {
  const { mtimeMs, size, ino } = await stat(path)
  return `${mtimeMs}:${size}:${ino}`
}

/** The sandbox's own admin, with a password generated for this run only. */
export async function createSandboxAdmin (): Promise<{ user: User, password: string }> {
  const password = randomBytes(18).toString('base64url')
  return { user: { username: 'admin', passwordHash: await hashPassword(password), roles: ['admin'] }, password }
}
