import { randomBytes } from 'node:crypto'
import { lstat, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { User } from './users.ts'

/**
 * Writes the users file whole, or not at all: into a temporary file of a fresh random name beside it,
 * created exclusively (an existing file or link of that name is never reused, so neither its mode nor
 * its target), owner-only, flushed to disk, then renamed over the file. A target that is a symbolic
 * link is refused: writing through it would put the hashes wherever the link points, and renaming over
 * it would silently replace the link with a file.
 */
export async function writeUsersFile (path: string, users: User[]): Promise<void> {
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (existing?.isSymbolicLink() === true) throw new Error(`${path} is a symbolic link: not written through it; give the file it points to`)
  if (existing !== undefined && !existing.isFile()) throw new Error(`${path} is not a regular file`)
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`)
  const file = await open(temporary, 'wx', 0o600)
  try {
    await file.writeFile(`${JSON.stringify(users, null, 2)}\n`)
    await file.sync()
    await file.close()
    await rename(temporary, path)
  } catch (error) {
    await file.close().catch(() => {})
    await unlink(temporary).catch(() => {})
    throw error
  }
  await syncDirectory(dirname(path))
}

// The rename itself is durable once the folder's entry is on disk; a platform that cannot open a
// folder for syncing (Windows) still has the whole file in place.
async function syncDirectory (folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined)
  if (handle === undefined) return
  await handle.sync().catch(() => {})
  await handle.close()
}
