import { randomBytes } from 'node:crypto'
import { hashPassword } from '../auth/passwords.ts'
import type { User } from '../auth/users.ts'
import { EVERY_TEAM } from './membership.ts'

// The sandbox's team users (src/sandbox/seed.ts seeds acme, globex and initech clients).
const TEAM_USERS: ReadonlyArray<Pick<User, 'username' | 'roles' | 'teams'>> = [
  { username: 'alice', roles: ['editor'], teams: ['acme'] },
  { username: 'bob', roles: ['viewer'], teams: ['globex', 'initech'] }
]

/** ACCESS_MODEL=teams in the sandbox: the admin of every team, and two team users, each with a password for this run only. */
export async function sandboxTeamUsers (admin: User, adminPassword: string, announce: (message: string) => void): Promise<User[]> {
  const users: User[] = [{ ...admin, teams: [EVERY_TEAM] }]
  const lines = [`sign in as "admin" (admin of every team) with the password ${adminPassword}`]
  for (const user of TEAM_USERS) {
    const password = randomBytes(18).toString('base64url')
    users.push({ ...user, passwordHash: await hashPassword(password) })
    lines.push(`sign in as "${user.username}" (${user.roles.join(', ')} of ${user.teams!.join(', ')}) with the password ${password}`)
  }
  announce(`\nSANDBOX MODE, ACCESS_MODEL=teams (passwords generated for this run only):\n  ${lines.join('\n  ')}\n\n`)
  return users
}
