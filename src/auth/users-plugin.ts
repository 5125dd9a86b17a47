import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createUserDirectory, readUsersFile, usersFileVersion, type User, type UserDirectory } from './users.ts'

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
  const directory = await createUserDirectory(users)
  let version = path === undefined ? '' : await usersFileVersion(path).catch(() => '')

  const reload = async (onlyIfChanged: boolean): Promise<void> => {
    if (path === undefined) return
    try {
      const current = await usersFileVersion(path)
      if (onlyIfChanged && current === version) return
      const next = await readUsersFile(path)
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

export default fp(usersPlugin, { name: 'users', fastify: '5.x' })
