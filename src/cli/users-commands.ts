import type { Command, CommandGroup } from './command.ts'

// Help texts only: the actions (argon2, TypeBox) load when a command runs, so --help is instant.
const actions = () => import('./users-actions.ts')
const FILE_HELP = '  -f, --file F   the users file (default: $BFF_USERS_FILE, else ./users.json)'

const add: Command = {
  name: 'add',
  summary: 'add a user (asks for the password)',
  help: `Usage: authlete-bff users add [--file F] [--role R]... USERNAME

Adds USERNAME to the users file (created if missing, mode 0600). The password is asked on the
terminal without echo (twice), or read as the first line of stdin when it is not a terminal; at
least 12 characters. It is stored as an argon2id hash.

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

Removes USERNAME from the users file. A running server keeps its sessions until they expire or
are ended (DELETE /auth/sessions).

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).removeUser(args)
}

const passwd: Command = {
  name: 'passwd',
  summary: 'set a user\'s password (asks for it)',
  help: `Usage: authlete-bff users passwd [--file F] USERNAME

Sets USERNAME's password: asked on the terminal without echo (twice), or the first line of stdin.

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

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).setRoles(args)
}

const teams: Command = {
  name: 'teams',
  summary: 'set a user\'s teams (ACCESS_MODEL=teams)',
  help: `Usage: authlete-bff users teams [--file F] USERNAME [TEAM...]

Replaces USERNAME's teams with the TEAMs given (none: no teams). A team name is a letter or digit,
then up to 99 letters, digits, '.', '_' or '-'; '*' means every team. With ACCESS_MODEL=teams a user manages only the
clients whose developer is one of their teams (docs/teams.md); in the default roles mode the
teams are kept in the file and ignored.

Options:
${FILE_HELP}`,
  run: async args => await (await actions()).setTeams(args)
}

const list: Command = {
  name: 'list',
  summary: 'list the users, their roles and teams',
  help: `Usage: authlete-bff users list [--file F] [--json]

One line per user: username, roles, teams (tab-separated). Password hashes are never printed.

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

Edits the JSON users file that BFF_USERS_FILE names (argon2id hashes, roles, teams). A running
server reads the file at start-up.`,
  commands: [add, remove, passwd, rolesCommand, teams, list, unlock]
}
