import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import type { Role } from '../../src/auth/roles.ts'

export const PASSWORDS: Record<'viewer' | 'editor' | 'admin', string> = {
  viewer: 'viewer-password-8c1f',
  editor: 'editor-password-52ab',
  admin: 'admin-password-e07d'
}

let usersFile: Promise<string> | undefined

/** A users file with one user per role (named after the role); hashed once per test process. */
export function testUsersFile (): Promise<string> {
  usersFile ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bff-users-'))
    const path = join(dir, 'users.json')
    const users = await Promise.all((Object.keys(PASSWORDS) as Role[]).map(async role => ({
      username: role, passwordHash: await hashPassword(PASSWORDS[role]), roles: [role]
    })))
    await writeFile(path, JSON.stringify(users))
    return path
  })()
  return usersFile
}
