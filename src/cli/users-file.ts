import { access } from 'node:fs/promises'
import { readUsersFile, type User } from '../auth/users.ts'
import { UsageError } from './command.ts'

export { writeUsersFile as saveUsers } from '../auth/users-file-writer.ts'

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
