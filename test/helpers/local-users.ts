import { mkdtemp, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/auth/passwords.ts'
import type { Role } from '../../src/auth/roles.ts'

export interface LocalUser { username: string, password: string, roles: Role[], teams?: string[] }

/** A users file of one's own (BFF_USERS_FILE), and a way to rewrite it as an operator would (write, rename). */
export async function usersFile (users: LocalUser[]): Promise<{ path: string, rewrite: (next: LocalUser[]) => Promise<void> }> {
  const path = join(await mkdtemp(join(tmpdir(), 'bff-users-')), 'users.json')
  const write = async (list: LocalUser[]): Promise<void> => {
    const entries = await Promise.all(list.map(async ({ username, password, roles, teams }) => ({ username, passwordHash: await hashPassword(password), roles, ...(teams === undefined ? {} : { teams }) })))
    await writeFile(`${path}.new`, JSON.stringify(entries))
    await rename(`${path}.new`, path)
  }
  await write(users)
  return { path, rewrite: write }
}
