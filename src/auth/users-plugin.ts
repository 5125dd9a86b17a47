import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createUserDirectory, readUsersFile, usersFileVersion, type User, type UserDirectory } from './users.ts'
import { writeUsersFile } from './users-file-writer.ts'
import { HASH_PARAMETERS, hashIsCurrent } from './passwords.ts'

export interface LocalUsers extends UserDirectory {
  /**
   * Reads the users file again (SIGHUP, or every BFF_USERS_RELOAD_SECONDS when it changed). A file that
   * cannot be read or is invalid leaves the users in place and is logged: a half-written file must not
   * sign everybody out, nor let anybody in.
   */
  reload: () => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The local users (BFF_USERS_FILE, or the sandbox admin) as they are now. */
    users: LocalUsers
  }
}

export interface UsersOptions {
  users: User[]
  /** BFF_USERS_FILE, when the users come from a file that may change. */
  path?: string
  /** BFF_USERS_RELOAD_SECONDS; 0: only on SIGHUP. */
  reloadSeconds: number
}

async function usersPlugin (app: FastifyInstance, { users, path, reloadSeconds }: UsersOptions): Promise<void> {
  warnOfOutdatedHashes(app, users)
  const directory = await createUserDirectory(users, path === undefined ? undefined : async (username, previous, next) => { await keepRehash(app, path, username, previous, next) })
  let version = path === undefined ? '' : await usersFileVersion(path).catch(() => '')

  const reload = async (onlyIfChanged: boolean): Promise<void> => {
    if (path === undefined) return
    try {
      const current = await usersFileVersion(path)
      if (onlyIfChanged && current === version) return
      const next = await readUsersFile(path)
      warnOfOutdatedHashes(app, next)
      directory.replace(next)
      version = current
      app.log.info({ users: next.length }, 'users file reloaded')
    } catch (error) {
      app.log.error({ err: error }, 'users file not reloaded: the previous users stay in place')
    }
  }

  app.decorate('users', { ...directory, reload: async () => { await reload(false) } })
  if (path !== undefined && reloadSeconds > 0) {
    const timer = setInterval(() => { reload(true).catch(() => {}) }, reloadSeconds * 1000)
    timer.unref()
    app.addHook('onClose', async () => { clearInterval(timer) })
  }
}

const NAMES_LOGGED = 20

function warnOfOutdatedHashes (app: FastifyInstance, users: User[]): void {
  const outdated = users.filter(user => !hashIsCurrent(user.passwordHash)).map(user => user.username)
  if (outdated.length === 0) return
  app.log.warn({ users: outdated.slice(0, NAMES_LOGGED), count: outdated.length },
    `users file: ${outdated.length} password hash(es) use other argon2 parameters than ${HASH_PARAMETERS}; their logins take another time, which tells those users apart. Each is re-hashed at its user's next login (or set it again with users passwd)`)
}

/**
 * Puts a re-hashed password in the users file, unless the file changed meanwhile (the operator's
 * version wins: the user's hash stays re-hashed in this process only, and is re-hashed again at a
 * later login). A file that cannot be written (read-only mount, symbolic link) is logged, not fatal.
 */
async function keepRehash (app: FastifyInstance, path: string, username: string, previous: string, next: string): Promise<void> {
  try {
    const version = await usersFileVersion(path)
    const users = await readUsersFile(path)
    const user = users.find(candidate => candidate.username === username && candidate.passwordHash === previous)
    if (user === undefined || await usersFileVersion(path) !== version) return
    user.passwordHash = next
    await writeUsersFile(path, users)
    app.log.info({ username }, `password re-hashed with ${HASH_PARAMETERS} and written to the users file`)
  } catch (error) {
    app.log.warn({ err: error, username }, 'password re-hashed for this process only: the users file could not be written')
  }
}

export default fp(usersPlugin, { name: 'users', fastify: '5.x' })
