import { readFile, rename, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Value } from 'typebox/value'
import { hashPassword } from '../src/auth/passwords.ts'
import { ROLES, type Role } from '../src/auth/roles.ts'
import { UsernameSchema, UsersFileSchema, type User } from '../src/auth/users.ts'
import { TeamsSchema } from '../src/teams/membership.ts'

// Usage: npm run users:add -- --file users.json --role editor [--team payments ...] alice   (the password is read from stdin)
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { file: { type: 'string', default: 'users.json' }, role: { type: 'string', default: 'viewer' }, team: { type: 'string', multiple: true } }
})

function fail (message: string): never {
  process.stderr.write(`users:add: ${message}\n`)
  process.exit(2)
}

const username = positionals[0] ?? fail('give a username: npm run users:add -- --file users.json --role editor alice')
if (!Value.Check(UsernameSchema, username)) fail('usernames are 1-64 characters of A-Z a-z 0-9 . _ @ -')
if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
const teams = values.team === undefined ? undefined : [...new Set(values.team)]
if (teams !== undefined && !Value.Check(TeamsSchema, teams)) fail('--team: 1-100 characters, no control characters; * for every team (ACCESS_MODEL=teams, docs/teams.md)')

const users = await readUsers(values.file)
if (users.some(user => user.username === username)) fail(`${username} is already in ${values.file}`)
const password = await readPassword()
if (password.length < 12) fail('the password must have at least 12 characters')
users.push({ username, passwordHash: await hashPassword(password), roles: [values.role as Role], ...(teams === undefined ? {} : { teams }) })
// Written beside and renamed: a crash never leaves a half-written users file.
await writeFile(`${values.file}.tmp`, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 })
await rename(`${values.file}.tmp`, values.file)
process.stdout.write(`added ${username} (${values.role}${teams === undefined ? '' : ` of ${teams.join(', ')}`}) to ${values.file}\n`)

async function readUsers (path: string): Promise<User[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return []
  }
  const parsed: unknown = JSON.parse(text)
  if (!Value.Check(UsersFileSchema, parsed)) fail(`${path} is not a users file`)
  return parsed
}

async function readPassword (): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`password for ${username}: `)
  const lines = createInterface({ input: process.stdin, terminal: false })
  const line = await new Promise<string>(resolve => {
    lines.once('line', resolve)
    lines.once('close', () => resolve(''))
  })
  lines.close()
  return line
}
