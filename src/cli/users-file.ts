import { access, rename, writeFile } from 'node:fs/promises'
import { readUsersFile, type User } from '../auth/users.ts'
import { UsageError } from './command.ts'

/** The users in the file, [] when it does not exist yet and `missingIsEmpty` (users add creates it). */
export async function loadUsers (path: string, missingIsEmpty: boolean): Promise<User[]> {
  try {
    await access(path)
  } catch {
    if (missingIsEmpty) return []
    throw new UsageError(`no users file at ${path} (give it with --file)`)
  }
  try {
    return await readUsersFile(path)
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^BFF_USERS_FILE: /, ''))
  }
}

/** Written beside and renamed: a crash never leaves a half-written users file. Owner-only: it holds hashes. */
export async function saveUsers (path: string, users: User[]): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 })
  await rename(`${path}.tmp`, path)
}
