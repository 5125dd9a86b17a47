import t from 'tap'
import { runCli as cli } from '../helpers/cli.ts'

// What the users commands' help says about a running server (issue 26 item 8), checked against what
// src/auth/users-plugin.ts and src/auth/access.ts do.
t.setTimeout(300_000)

t.test('authlete-bff users --help ...should say when a running server sees a change and what becomes of the sessions, in each editing command', async t => {
  const help = async (...level: string[]) => (await cli(['users', ...level, '--help'])).stdout.replace(/\s+/g, ' ')
  // What src/auth/users-plugin.ts and src/auth/access.ts do: a check every BFF_USERS_RELOAD_SECONDS, SIGHUP, 0.
  const pickedUp = /within BFF_USERS_RELOAD_SECONDS \(default 30; each replica on its own\), or at once on SIGHUP \(kill -HUP\); with BFF_USERS_RELOAD_SECONDS=0, on SIGHUP only/
  const group = await help()
  t.notMatch(group, /reads the file at start-up\./, 'no longer "at start-up" alone')
  t.match(group, /checks it every BFF_USERS_RELOAD_SECONDS \(default 30; each replica on its own\) and reads it again when it changed; SIGHUP \(kill -HUP\) reads it at once/)
  t.match(group, /a removed user's are refused \(401\), a demoted user's roles and teams shrink; a password change or a promotion does not touch sessions and tokens made before it/)
  for (const command of ['add', 'remove', 'passwd', 'roles', 'teams']) t.match(await help(command), pickedUp, `users ${command}`)
  t.match(await help('add'), /Until then the server refuses the new user's password \(401\)/)
  t.match(await help('remove'), /every session and API token of USERNAME is refused \(401\)\. They are not deleted: adding USERNAME again before they expire makes them work again\. To end them: DELETE \/auth\/sessions\?username=USERNAME/)
  t.match(await help('passwd'), /Sessions and API tokens made before keep working until they expire: a password change does not end them\. To end them: DELETE \/auth\/sessions/)
  t.match(await help('roles'), /a demotion reaches existing sessions and tokens; a promotion only those made after it \(sign in again\)/)
  t.match(await help('teams'), /a removed team reaches existing sessions and tokens; an added team only those made after it/)
  t.match(await help('list'), /a running server may still have the users of its last reading/)
})
