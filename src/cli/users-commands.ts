import type { Command, CommandGroup } from './command.ts'

// Help texts only: the actions (argon2, TypeBox) load when a command runs, so --help is instant.
const actions = () => import('./users-actions.ts')
const FILE_HELP = '  -f, --file F   the users file (default: $BFF_USERS_FILE, else ./users.json)'
// When a running server sees a change (src/auth/users-plugin.ts): what every editing command's help says.
const PICKED_UP = `A running server whose BFF_USERS_FILE is this file sees the change within
BFF_USERS_RELOAD_SECONDS (default 30; each replica on its own), or at once on SIGHUP
(kill -HUP); with BFF_USERS_RELOAD_SECONDS=0, on SIGHUP only.`
// What reaches sessions and API tokens (src/auth/access.ts): the file is asked at every request.
const END_SESSIONS = `To end them: DELETE /auth/sessions?username=USERNAME (an admin) ends the
user's sessions on every replica; DELETE /auth/tokens/:id revokes an API token.`

const add: Command = {
  name: 'add',
  summary: 'add a user (asks for the password)',
  help: `Usage: authlete-bff users add [--file F] [--role R]... USERNAME

Adds USERNAME to the users file (created if missing, mode 0600). The password is asked on the
terminal without echo (twice), or read as the first line of stdin when it is not a terminal; at
least 12 characters. It is stored as an argon2id hash.

${PICKED_UP}
Until then the server refuses the new user's password (401).

Options:
${FILE_HELP}
  -r, --role R   viewer, editor or admin (repeatable; default viewer)
  -t, --team T   a team whose clients the user manages with ACCESS_MODEL=teams (repeatable;
                 '*' for every team; docs/teams.md)`,
  run: async args => await (await actions()).addUser(args)
}

const remove: Command = {
  name: 'remove',
  summary: 'remove a user',
  help: `Usage: authlete-bff users remove [--file F] USERNAME

Removes USERNAME from the users file.

${PICKED_UP}
From then on every session and API token of USERNAME is refused (401). They are not deleted:
adding USERNAME again before they expire makes them work again.
${END_SESSIONS}

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).removeUser(args)
}

const passwd: Command = {
  name: 'passwd',
  summary: 'set a user\'s password (asks for it)',
  help: `Usage: authlete-bff users passwd [--file F] USERNAME

Sets USERNAME's password: asked on the terminal without echo (twice), or the first line of stdin;
at least 12 characters.

${PICKED_UP}
From then on only the new password signs in. Sessions and API tokens made before keep working
until they expire: a password change does not end them.
${END_SESSIONS}

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).setPassword(args)
}

const rolesCommand: Command = {
  name: 'roles',
  summary: 'set a user\'s roles',
  help: `Usage: authlete-bff users roles [--file F] USERNAME ROLE...

Replaces USERNAME's roles with the ROLEs given: viewer, editor, admin (each includes the ones
before it).

${PICKED_UP}
From then on every request of a session or API token gets the smaller of the roles it was made
with and the roles the file grants: a demotion reaches existing sessions and tokens; a promotion
only those made after it (sign in again).

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).setRoles(args)
}

const teams: Command = {
  name: 'teams',
  summary: 'set a user\'s teams (ACCESS_MODEL=teams)',
  help: `Usage: authlete-bff users teams [--file F] USERNAME [TEAM...]

Replaces USERNAME's teams with the TEAMs given (none: no teams). A team name is a letter or
digit, then up to 99 letters, digits, '.', '_' or '-'; '*' means every team. With
ACCESS_MODEL=teams a user manages only the clients whose developer is one of their teams
(docs/teams.md); in the default roles mode the teams are kept in the file and ignored.

${PICKED_UP}
From then on every request of a session or API token keeps only those of the teams it was made
with that the file still grants: a removed team reaches existing sessions and tokens; an added
team only those made after it (sign in again).

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).setTeams(args)
}

const list: Command = {
  name: 'list',
  summary: 'list the users, their roles and teams',
  help: `Usage: authlete-bff users list [--file F] [--json]

One line per user: username, roles, teams (tab-separated). Password hashes are never printed. This
is the file as it is now; a running server may still have the users of its last reading (see
authlete-bff users --help).

Options:
${FILE_HELP}
  --json         a JSON array of {username, roles, teams}`,
  run: async args => await (await actions()).listUsers(args)
}

const unlock: Command = {
  name: 'unlock',
  summary: 'clear a username\'s failed logins (Redis: on every replica)',
  help: `Usage: authlete-bff users unlock [--redis URL] USERNAME

Clears the failed logins counted against USERNAME (as typed at login; case does not matter), from
every address and device, so its owner can sign in again at once: what DELETE /auth/login-failures
does, without a session (the one admin may be the locked one). It works on the server's counters in
Redis (REDIS_URL or REDIS_URL_FILE, as the server reads them, or --redis), shared by every replica.
Without Redis each server process counts in its own memory, which this command cannot reach: it
then exits 1 and says so (restarting the server clears those counters). A browser that signed in as
USERNAME before has a failure budget of its own and is not locked out by others' failures.

Options:
  --redis URL    redis://... (default: $REDIS_URL or $REDIS_URL_FILE)`,
  run: async args => await (await actions()).unlockUser(args)
}

export const usersCommands: CommandGroup = {
  name: 'users',
  summary: 'manage a local users file (BFF_USERS_FILE)',
  help: `Usage: authlete-bff users <command> [--file F] ...

Edits the JSON users file that BFF_USERS_FILE names (argon2id hashes, roles, teams), whole or not at
all (a temporary file renamed over it), so a server never reads half a file.

A running server reads the file at start-up, then checks it every BFF_USERS_RELOAD_SECONDS
(default 30; each replica on its own) and reads it again when it changed; SIGHUP (kill -HUP) reads
it at once; with BFF_USERS_RELOAD_SECONDS=0, only SIGHUP does. A file it cannot read or that is
invalid leaves the users it had in place (and logs an error).

Sessions and API tokens of local users are checked against the server's users at every request:
a removed user's are refused (401), a demoted user's roles and teams shrink; a password change or
a promotion does not touch sessions and tokens made before it.
${END_SESSIONS}`,
  commands: [add, remove, passwd, rolesCommand, teams, list, unlock]
}
