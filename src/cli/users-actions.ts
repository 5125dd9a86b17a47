// What the users commands do (users-commands.ts has their help); loaded only when one runs.
import { Value } from 'typebox/value'
import { hashPassword } from '../auth/passwords.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { UsernameSchema, type User } from '../auth/users.ts'
import { TEAM_NAME_RULE, TeamSchema } from '../teams/membership.ts'
import { parseOptions, UsageError } from './command.ts'
import { readPassword } from './password-prompt.ts'
import { loadUsers, saveUsers } from './users-file.ts'
import { loadConfig } from '../config.ts'
import { createRedisLoginFailureStore } from '../auth/login-failures/redis-login-failure-store.ts'

const MIN_PASSWORD = 12
const MAX_PASSWORD = 1024
const FILE_OPTION = { file: { type: 'string', short: 'f' } } as const

function usersFile (file: string | undefined): string {
  return file ?? (process.env.BFF_USERS_FILE || 'users.json')
}

function username (positionals: string[], usage: string): string {
  const name = positionals[0]
  if (name === undefined) throw new UsageError(`give a username: ${usage}`)
  if (!Value.Check(UsernameSchema, name)) throw new UsageError(`'${name}': usernames are 1-64 characters of A-Z a-z 0-9 . _ @ -`)
  return name
}

function roles (values: string[]): Role[] {
  if (values.length === 0) throw new UsageError(`give at least one role: ${ROLES.join(', ')}`)
  for (const value of values) {
    if (!ROLES.includes(value as Role)) throw new UsageError(`'${value}' is not a role; roles are ${ROLES.join(', ')}`)
  }
  return [...new Set(values as Role[])]
}

function find (users: User[], name: string, file: string): User {
  const user = users.find(candidate => candidate.username === name)
  if (user === undefined) throw new Error(`${name} is not in ${file}`)
  return user
}

// On a terminal the password is asked twice; from a pipe, its first line is the password.
async function newPassword (name: string): Promise<string> {
  const password = await readPassword(`password for ${name}: `)
  if (password.length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`)
  if (password.length > MAX_PASSWORD) throw new UsageError(`the password must have at most ${MAX_PASSWORD} characters`)
  if (process.stdin.isTTY && await readPassword('again: ') !== password) throw new UsageError('the two passwords differ')
  return await hashPassword(password)
}

async function change (file: string, name: string, edit: (user: User) => void | Promise<void>): Promise<void> {
  const users = await loadUsers(file, false)
  await edit(find(users, name, file))
  await saveUsers(file, users)
}

export async function addUser (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { ...FILE_OPTION, role: { type: 'string', short: 'r', multiple: true }, team: { type: 'string', short: 't', multiple: true } })
  const name = username(positionals, 'authlete-bff users add --role editor alice')
  const userRoles = roles(values.role ?? ['viewer'])
  const userTeams = values.team === undefined ? undefined : teamNames(values.team)
  const file = usersFile(values.file)
  const users = await loadUsers(file, true)
  if (users.some(user => user.username === name)) throw new Error(`${name} is already in ${file} (change the password with users passwd)`)
  users.push({ username: name, passwordHash: await newPassword(name), roles: userRoles, ...(userTeams === undefined ? {} : { teams: userTeams }) })
  await saveUsers(file, users)
  process.stdout.write(`added ${name} (${userRoles.join(', ')}${userTeams === undefined ? '' : ` of ${userTeams.join(', ')}`}) to ${file}\n`)
  return 0
}

export async function removeUser (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, FILE_OPTION)
  const name = username(positionals, 'authlete-bff users remove alice')
  const file = usersFile(values.file)
  const users = await loadUsers(file, false)
  find(users, name, file)
  await saveUsers(file, users.filter(user => user.username !== name))
  process.stdout.write(`removed ${name} from ${file}\n`)
  return 0
}

export async function setPassword (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, FILE_OPTION)
  const name = username(positionals, 'authlete-bff users passwd alice')
  const file = usersFile(values.file)
  const users = await loadUsers(file, false)
  const user = find(users, name, file)
  user.passwordHash = await newPassword(name)
  await saveUsers(file, users)
  process.stdout.write(`changed the password of ${name} in ${file}\n`)
  return 0
}

export async function setRoles (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, FILE_OPTION)
  const name = username(positionals, 'authlete-bff users roles alice editor')
  const userRoles = roles(positionals.slice(1))
  const file = usersFile(values.file)
  await change(file, name, user => { user.roles = userRoles })
  process.stdout.write(`${name}: ${userRoles.join(', ')}\n`)
  return 0
}

function teamNames (given: string[]): string[] {
  const names = [...new Set(given)]
  for (const team of names) {
    if (!Value.Check(TeamSchema, team)) throw new UsageError(`'${team}': a team name is ${TEAM_NAME_RULE}; * for every team`)
  }
  return names
}

export async function setTeams (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, FILE_OPTION)
  const name = username(positionals, 'authlete-bff users teams alice payments')
  const names = teamNames(positionals.slice(1))
  const file = usersFile(values.file)
  await change(file, name, user => {
    if (names.length === 0) delete user.teams
    else user.teams = names
  })
  process.stdout.write(`${name}: teams ${names.length === 0 ? '(none)' : names.join(', ')}\n`)
  return 0
}

// The server's own store of login failures: Redis when REDIS_URL is set. Without it each server process
// counts in its own memory, which no other process can reach.
export async function unlockUser (args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, { redis: { type: 'string' } })
  const name = positionals[0]
  if (name === undefined || name === '' || name.length > 256) throw new UsageError('give the username as typed at login: authlete-bff users unlock alice')
  const url = values.redis ?? loadConfig().REDIS_URL
  if (url === undefined) {
    throw new Error('without REDIS_URL each server process counts failed logins in its own memory, out of this command\'s reach: ' +
      `restart the server to clear them, or an admin clears them with DELETE /auth/login-failures?username=${encodeURIComponent(name)}; ` +
      `a browser that signed in as ${name} before is not locked out`)
  }
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null })
  // ioredis rejects connect() with "Connection is closed"; the reason (refused, unknown host) came as an event.
  let reason: Error | undefined
  redis.on('error', (error: Error) => { reason = error })
  try {
    await redis.connect().catch((error: unknown) => { throw new Error(`cannot reach Redis (REDIS_URL): ${(reason ?? error as Error).message}`) })
    const cleared = await createRedisLoginFailureStore(redis).clearUser(name.toLowerCase())
    process.stdout.write(`cleared the failed logins of ${name} on every replica (${cleared} on the username's counter), from every address and device\n`)
    return 0
  } finally {
    redis.disconnect()
  }
}

export async function listUsers (args: string[]): Promise<number> {
  const { values } = parseOptions(args, { ...FILE_OPTION, json: { type: 'boolean' } })
  const users = await loadUsers(usersFile(values.file), false)
  const shown = users.map(user => ({ username: user.username, roles: user.roles, teams: user.teams ?? [] }))
  process.stdout.write(values.json === true
    ? `${JSON.stringify(shown)}\n`
    : shown.map(user => `${user.username}\t${user.roles.join(',')}\t${user.teams.join(',')}\n`).join(''))
  return 0
}
