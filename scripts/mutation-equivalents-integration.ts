import type { EquivalentMutant } from './mutation-equivalents.ts'

// The survivors of the groups over integration-tested modules (teams to stores in
// scripts/mutation-groups.ts), each with why no test should kill it, or which test kills it since.

const MEMBERSHIP = 'src/teams/membership.ts'
const OWNERSHIP = 'src/teams/ownership.ts'
const UNION_PAGER = 'src/teams/union-pager.ts'
const TEAMLESS_CALLER = 'Killed since: a caller of no team (an identity from before ACCESS_MODEL=teams) is now checked to ask the upstream for no team\'s list (test/teams/ownership.test.ts "should read digits as an ID and anything else as an alias", test/teams/union-pager.test.ts "should page through the caller\'s teams"); the mutant asks for its made-up team\'s.'
const PAGE_WITHOUT_CLIENTS = 'Killed since: a list page that leaves `clients` out (Authlete does when it is empty) now ends the paging though its total claims more (test/teams/alias-cache-unit.test.ts "should page through a team\'s list", test/teams/union-pager.test.ts "should scan SCAN_PAGE clients at a time"); the mutant reads on to the claimed total.'
const NO_TEAMS_BEFORE_TEAMS_MODE = 'Equivalent for every real team: the fallback is taken only by an identity from before ACCESS_MODEL=teams (an API token or a Redis session created in roles mode carries no teams), and makes it a member of no team; the mutant makes it a member of a team named "Stryker was here", which no client or user has. Only a test naming the mutant\'s own text could tell them apart.'

const REGISTRATION_ROUTES = 'src/clients/registration-routes.ts'
const CLIENT_CHANGE = 'src/clients/client-change.ts'
const SIGNED_IN = 'Unreachable: these routes need a role (editor at least), so the access hook has refused a caller without an identity before this runs: identity is always set.'
const ANY_FASTIFY = 'Equivalent: the version range only makes fastify-plugin refuse another major version of Fastify; with none given it checks nothing, and the app runs on Fastify 5 either way.'

const LOGIN_FAILURES = 'src/auth/login-failures/login-failures.ts'
const REDIS_LOGIN_STORE = 'src/auth/login-failures/redis-login-failure-store.ts'
const DEVICE_COOKIES = 'src/auth/login-failures/device-cookies.ts'
const CLEAR_ROUTE = 'Killed since: test/auth/login-failures.test.ts "DELETE /auth/login-failures ...should let an admin clear a username\'s failures" now sends an unknown query parameter (400 naming it) and checks the operator\'s log line.'
const CLEAR_TARGETS = 'Killed since: test/teams/user-admin.test.ts, which refuses a team admin who clears the failures of a user outside their teams, is now in the logins group (it was only in no group\'s list for this module).'
const LOGINS_PLUGIN = 'Equivalent: plugin metadata. fastify-plugin then names the plugin after its function and checks no dependency; nothing depends on its name, and app.ts registers access and the audit trail before it, so the app is the same.'
const SCRIPT_FLAG = 'Equivalent: the REFUND script asks ARGV[1] == \'1\' (clear the address) and ARGV[2] == \'0\' (count on the username too); an empty string is neither, so it acts as the \'0\' of the first and the \'1\' of the second, which is what the mutated value was.'

const TOKEN_ROUTES = 'src/auth/tokens/token-routes.ts'
const API_TOKENS = 'src/auth/tokens/api-tokens.ts'
const REDIS_TOKEN_STORE = 'src/auth/tokens/redis-token-store.ts'
const SQLITE_TOKEN_STORE = 'src/auth/tokens/sqlite-token-store.ts'
const TOKENS_IN_TEAMS = 'Killed since: test/teams/user-admin.test.ts, which refuses a team admin who creates, lists or revokes the tokens of a user outside their teams (403, audited as denied), is now in the api-tokens group.'
const TOKEN_FOR_ANOTHER = 'Killed since: test/teams/identities.test.ts "POST /auth/tokens ...should give a token made for another user only the teams both its creator and its owner are in" (new, and the file is now in the api-tokens group): the mutant gave a * admin\'s token for a user of three teams every team.'
const TOKEN_LIST_AND_REVOKE = 'Killed since: test/auth/tokens.test.ts "DELETE /auth/tokens/:id ...should let owners revoke their own tokens" now lists another source\'s user of the same name, sends an unknown query parameter, checks that a roles-mode token has no teams, checks the revocation\'s log line, and that the store is closed with the app.'
const SESSION_ACCESS = 'Equivalent: \'session\' (or \'\') is not a role, and hasRole of a name that is not a role is true for any caller holding a role; every identity holds one. What the routes refuse (an API token) is refused by their onRequest hook, refuseApiTokens.'
const NO_WATCH = 'Unreachable: exec() answers null only when a WATCHed key changed, and this store WATCHes nothing; and every command of the transaction answers a pair.'

const JSON_BODY = 'src/http/json-body.ts'
const URI_FORMATS = 'src/http/uri-formats.ts'
const PAST_TEXT_END = 'Equivalent: one step past the end, charCodeAt answers NaN, which is no quote, bracket, colon or whitespace, so the scan ends as it would have (an unterminated text is then refused by JSON.parse).'

const RFC7591 = 'src/upstream/rfc7591.ts'
const EXCHANGE = 'src/upstream/exchange.ts'
const EVERY_ENUM_VALUE = 'Killed since: test/upstream/rfc7591.test.ts "should take enum values in any case and refuse others" now takes every value of the three Client enums in Authlete\'s documents, written out in the test.'

const SHUTDOWN = 'src/ops/shutdown.ts'
const OVERLOAD = 'src/ops/overload.ts'
const IN_THE_SERVER_PROCESS = 'Not measured: the process\'s own log destination and signal handlers run only in a server process (src/server.ts), which test/ops/shutdown.test.ts and test/ops/log-pipe.test.ts start as a child process and signal, outside Stryker\'s coverage. Those tests check what they are for: the exit codes and timings after SIGTERM, and that a log reader gone (EPIPE) does not keep the process alive.'
const REDUNDANT_CLOSE = 'Removed since, as dead code these survivors revealed: the onSend hook closes the connection of every answer from SIGTERM on, refusals included, so the onRequest hook\'s own Connection: close for a draining refusal was set twice. The verdicts are now serve and refuse; test/ops/overload.test.ts checks that draining refusals still close their connections.'
const NAMED_PLUGIN = 'Equivalent: plugin metadata. fastify-plugin then names the plugin after its function and checks no version; nothing depends on its name.'

const POSTGRES_STORE = 'src/audit/stores/postgres-audit-store.ts'
const SQLITE_AUDIT_STORE = 'src/audit/stores/sqlite-audit-store.ts'
const EMPTY_TABLE = 'Equivalent: there is no head, no oldest entry and nothing to keep through exactly when the table is empty, so the three tests are true together and any one of them decides (the others are there for the type checker).'
const CLOSED_ONCE = 'Killed since: test/audit/postgres-store.test.ts "close ...should end its connections, named for the operator, once however often asked" (pg_stat_activity holds the store\'s connections under its name, and none once closed).'

const LOCK_MARGIN = 'Not killed, and no deterministic test can: the lock wait ends a margin before the caller\'s deadline only to make a late commit rare; the caller is refused at its deadline whatever the wait (group commit), the wait is bounded by statement_timeout anyway, and an intent committed after its caller was refused is recorded abandoned and never forwarded (test/audit/postgres-deadline.test.ts). A longer wait changes only how often that path is taken, which a test could show only with timing margins.'

const POLICY_FINDINGS = 'Killed since: test/http/problem.test.ts "toProblem ...should carry a policy refusal\'s violations and warnings" (in the problem group; the findings were checked only by the policy tests, in no group of this module).'

export const INTEGRATION_EQUIVALENTS: EquivalentMutant[] = [
  { file: MEMBERSHIP, original: "typeof team === 'string'", replacement: 'true', reason: 'Equivalent: team is a string, null or undefined, and teams holds only strings, so includes() of null or undefined is false, as the guard answers.' },
  { file: MEMBERSHIP, original: 'TEAM_NAME.source.slice(1, -1)', replacement: 'TEAM_NAME.source', reason: 'Equivalent: the slice drops TEAM_NAME\'s own ^ and $; kept inside the alternative, they match at the same two places as the outer anchors, so the pattern accepts the same strings.' },
  { file: OWNERSHIP, original: '[]', replacement: '["Stryker was here"]', line: 64, reason: TEAMLESS_CALLER },
  { file: OWNERSHIP, original: 'wanted === team', replacement: 'false', reason: 'Equivalent: the caller passed inTeam(teams, team) just before, so moving to the same team passes the next test anyway: inTeam(teams, wanted) for a team, inEveryTeam(teams) for none (a client without a team is only reachable with *).' },
  { file: OWNERSHIP, original: "typeof wanted === 'string'", replacement: 'true', reason: 'Equivalent: for a developer set to null, inTeam(teams, null) is teams.includes(\'*\'), which is what inEveryTeam(teams) answers.' },
  { file: 'src/teams/sandbox-users.ts', original: "', '", replacement: '""', line: 19, reason: 'Equivalent: each sandbox team user has exactly one role, so how roles are joined never shows (the teams join, which does show for bob, is killed).' },
  { file: 'src/teams/user-admin.ts', original: '[]', replacement: '["Stryker was here"]', line: 36, reason: NO_TEAMS_BEFORE_TEAMS_MODE },
  { file: UNION_PAGER, original: '[]', replacement: '["Stryker was here"]', line: 51, reason: TEAMLESS_CALLER },
  { file: UNION_PAGER, original: '[]', replacement: '["Stryker was here"]', line: 135, reason: PAGE_WITHOUT_CLIENTS },
  { file: 'src/teams/alias-cache.ts', original: '[]', replacement: '["Stryker was here"]', line: 87, reason: PAGE_WITHOUT_CLIENTS },
  { file: UNION_PAGER, original: 'answer.total === 0', replacement: 'true', reason: 'Equivalent: the filter check\'s answer is trusted only when nothing was dropped, and for the check team everything counted is dropped (dropped is its totalCount), so a trusted answer has a total of 0.' },
  { file: UNION_PAGER, original: "'developer'", replacement: '""', line: 78, reason: 'Killed since: test/teams/union-pager.test.ts "should take items without developer on trust where the list may leave it out" now has a team page that also holds another team\'s client (developer set): it is dropped and the page rebuilt; the mutant took every item on trust.' },
  { file: UNION_PAGER, original: 'readTeam === undefined', replacement: 'false', reason: 'Killed since: test/teams/union-pager.test.ts "should read at most SCAN_MAX_CLIENT_READS clients" now scans 600 clients of no team where items never leave developer out: none costs a read and the total is exact; the mutant counted them against the read budget and cut the scan.' },
  { file: UNION_PAGER, original: "''", replacement: '"Stryker was here!"', line: 129, reason: 'Equivalent: byTeam holds only the caller\'s team names, and neither \'\' nor "Stryker was here!" can be one (TEAM_NAME), so an item of no team is dropped either way.' },
  { file: REGISTRATION_ROUTES, original: '[]', replacement: '["Stryker was here"]', line: 66, reason: SIGNED_IN },
  { file: REGISTRATION_ROUTES, original: 'request.identity?.roles', replacement: 'request.identity.roles', line: 66, reason: SIGNED_IN },
  { file: REGISTRATION_ROUTES, original: 'parsed !== null', replacement: 'true', reason: 'Equivalent: content that is the JSON text null then comes back as null instead of undefined, and its one caller takes either with ??, making the content from the client.' },
  { file: REGISTRATION_ROUTES, original: '{\n    return undefined\n  }', replacement: '{}', reason: 'Equivalent: a function that ends without a return answers undefined, as the return did.' },
  { file: CLIENT_CHANGE, original: '[]', replacement: '["Stryker was here"]', line: 50, reason: SIGNED_IN },
  { file: CLIENT_CHANGE, original: '[]', replacement: '["Stryker was here"]', line: 109, reason: SIGNED_IN },
  { file: CLIENT_CHANGE, original: 'echoedProperties(request.body).length > 0', replacement: 'true', reason: 'Equivalent: with no echoed property, dropEchoedProperties finds none that differs and deletes none: the guard only saves that call.' },
  { file: CLIENT_CHANGE, original: 'echoedProperties(request.body).length > 0', replacement: 'echoedProperties(request.body).length >= 0', reason: 'Equivalent: with no echoed property, dropEchoedProperties finds none that differs and deletes none: the guard only saves that call.' },
  { file: CLIENT_CHANGE, original: "'5.x'", replacement: '""', reason: ANY_FASTIFY },
  { file: LOGIN_FAILURES, original: 'counts.pair > options.pair.max', replacement: 'counts.pair >= options.pair.max', line: 77, reason: 'Killed since: test/auth/login-failures-unit.test.ts "should name the username\'s budget when only it is spent, the address\'s being used up but not spent" (the mutant names the address\'s budget and its window).' },
  { file: LOGIN_FAILURES, original: 'false', replacement: 'true', line: 84, reason: 'Killed since: test/auth/login-failures-unit.test.ts "should give the attempt back and pass the error on when verify throws" now checks that the address keeps its failures (the mutant cleared them, as a success does).' },
  { file: LOGIN_FAILURES, original: '{ additionalProperties: false }', replacement: '{}', reason: CLEAR_ROUTE },
  { file: LOGIN_FAILURES, original: 'false', replacement: 'true', line: 104, reason: CLEAR_ROUTE },
  { file: LOGIN_FAILURES, original: '{ target: request.query.username, failuresCleared }', replacement: '{}', reason: CLEAR_ROUTE },
  { file: LOGIN_FAILURES, original: "'login failures cleared'", replacement: '""', reason: CLEAR_ROUTE },
  { file: LOGIN_FAILURES, original: "username => ({ source: 'local' as const, username })", replacement: '() => undefined', reason: CLEAR_TARGETS },
  { file: LOGIN_FAILURES, original: "{ source: 'local' as const, username }", replacement: '{}', reason: CLEAR_TARGETS },
  { file: LOGIN_FAILURES, original: "{ name: 'login-failures', fastify: '5.x', dependencies: ['access', 'audit-trail'] }", replacement: '{}', reason: LOGINS_PLUGIN },
  { file: LOGIN_FAILURES, original: "'login-failures'", replacement: '""', line: 117, reason: LOGINS_PLUGIN },
  { file: LOGIN_FAILURES, original: "'5.x'", replacement: '""', reason: ANY_FASTIFY },
  { file: LOGIN_FAILURES, original: "['access', 'audit-trail']", replacement: '[]', reason: LOGINS_PLUGIN },
  { file: REDIS_LOGIN_STORE, original: "'base64url'", replacement: '""', reason: 'Equivalent in practice: the Redis keys are then the digest\'s bytes read as text instead of base64url, still one fixed key per username and address, and nothing but this store reads them; what the text decoding loses of 256 bits leaves keys of different values apart.' },
  { file: REDIS_LOGIN_STORE, original: "'1'", replacement: '""', line: 62, reason: SCRIPT_FLAG },
  { file: REDIS_LOGIN_STORE, original: "'0'", replacement: '""', line: 62, reason: SCRIPT_FLAG },
  { file: DEVICE_COOKIES, original: "''", replacement: '"Stryker was here!"', line: 33, reason: 'Equivalent: without the cookie, either text has no dot, so there is no MAC part and the cookie is not read, as with an empty one.' },
  { file: DEVICE_COOKIES, original: 'nonce === undefined', replacement: 'false', reason: 'Equivalent: split() always answers at least one string, so the nonce is never undefined; the test is there for the type checker.' },
  { file: TOKEN_ROUTES, original: '{ additionalProperties: false }', replacement: '{}', line: 49, reason: TOKEN_LIST_AND_REVOKE },
  { file: TOKEN_ROUTES, original: 'false', replacement: 'true', line: 49, reason: TOKEN_LIST_AND_REVOKE },
  { file: TOKEN_ROUTES, original: 'a.id < b.id', replacement: 'a.id <= b.id', reason: 'Equivalent: ids are unique, so a tie compares a token with itself only, where 0 and 1 are both not below 0.' },
  { file: TOKEN_ROUTES, original: 'a.id < b.id', replacement: 'false', reason: 'Equivalent: the comparator\'s answer is only ever tested for being below 0 (page()\'s findIndex, and V8\'s sort: the same order for 300 tied tokens in a shuffled order, tried by hand), so answering 0 instead of 1 changes no order; test/auth/token-routes.test.ts checks a four-way tie.' },
  { file: TOKEN_ROUTES, original: '[]', replacement: '["Stryker was here"]', line: 91, reason: 'Equivalent: a cursor the pattern does not match leaves createdAt undefined either way, and is refused as BFF_BAD_CURSOR.' },
  { file: TOKEN_ROUTES, original: 'last !== undefined', replacement: 'true', reason: 'Equivalent: when more tokens follow the page (start + limit below the count), the page is not empty, so its last token is defined.' },
  { file: TOKEN_ROUTES, original: "'session'", replacement: '""', line: 171, reason: SESSION_ACCESS },
  { file: TOKEN_ROUTES, original: "'session'", replacement: '""', line: 210, reason: SESSION_ACCESS },
  { file: TOKEN_ROUTES, original: "'session'", replacement: '""', line: 227, reason: SESSION_ACCESS },
  { file: TOKEN_ROUTES, original: '[owner]', replacement: '[]', line: 196, reason: TOKENS_IN_TEAMS },
  { file: TOKEN_ROUTES, original: '[owner]', replacement: '[]', line: 222, reason: TOKENS_IN_TEAMS },
  { file: TOKEN_ROUTES, original: "'auth.tokens.list'", replacement: '""', line: 222, reason: TOKENS_IN_TEAMS },
  { file: TOKEN_ROUTES, original: '[tokenOwner(record)]', replacement: '[]', reason: TOKENS_IN_TEAMS },
  { file: TOKEN_ROUTES, original: "app.accessModel === 'teams'", replacement: 'true', line: 200, reason: TOKEN_LIST_AND_REVOKE },
  { file: TOKEN_ROUTES, original: 'asked === undefined || ownerRoles === undefined', replacement: 'true', reason: TOKEN_FOR_ANOTHER },
  { file: TOKEN_ROUTES, original: 'app.users.teamsOf(owner.username) ?? []', replacement: 'app.users.teamsOf(owner.username) && []', reason: TOKEN_FOR_ANOTHER },
  { file: TOKEN_ROUTES, original: '[]', replacement: '["Stryker was here"]', line: 201, reason: 'Equivalent: the owner is a local user of the users file, which gives every user teams in teams mode; were it to give none, the mutant\'s made-up team is not among the teams asked, so the token gets none either way.' },
  { file: TOKEN_ROUTES, original: "source ?? 'local'", replacement: "source && 'local'", reason: TOKEN_LIST_AND_REVOKE },
  { file: TOKEN_ROUTES, original: "'local'", replacement: '""', line: 220, reason: 'Unreachable: the query schema gives source its default, local, before the handler runs (useDefaults), so the fallback is never taken.' },
  { file: TOKEN_ROUTES, original: '{ tokenId: id, owner: tokenOwner(record) }', replacement: '{}', reason: TOKEN_LIST_AND_REVOKE },
  { file: TOKEN_ROUTES, original: "'api token revoked'", replacement: '""', reason: TOKEN_LIST_AND_REVOKE },
  { file: API_TOKENS, original: '{ await store.close() }', replacement: '{}', reason: TOKEN_LIST_AND_REVOKE },
  { file: API_TOKENS, original: "{ name: 'api-tokens', fastify: '5.x', dependencies: ['access', 'audit-trail', 'users'] }", replacement: '{}', reason: LOGINS_PLUGIN },
  { file: API_TOKENS, original: "'api-tokens'", replacement: '""', line: 32, reason: LOGINS_PLUGIN },
  { file: API_TOKENS, original: "'5.x'", replacement: '""', reason: ANY_FASTIFY },
  { file: API_TOKENS, original: "['access', 'audit-trail', 'users']", replacement: '[]', reason: LOGINS_PLUGIN },
  { file: REDIS_TOKEN_STORE, original: 'value === undefined', replacement: 'false', reason: 'Equivalent: GET and MGET answer a string or null, never undefined; the test is for the type checker.' },
  { file: REDIS_TOKEN_STORE, original: "[[new Error('transaction aborted')]]", replacement: '[]', reason: NO_WATCH },
  { file: REDIS_TOKEN_STORE, original: "[new Error('transaction aborted')]", replacement: '[]', reason: NO_WATCH },
  { file: REDIS_TOKEN_STORE, original: "'transaction aborted'", replacement: '""', reason: NO_WATCH },
  { file: REDIS_TOKEN_STORE, original: 'error !== null', replacement: 'false', reason: 'Equivalent: in this transaction only SADD can fail, on an index key of another type (WRONGTYPE); the SMEMBERS of the same key right after fails the same way, so the creation is refused with the same 503.' },
  { file: REDIS_TOKEN_STORE, original: 'results?.[0]?.[1] === 1', replacement: 'true', reason: 'Equivalent for every caller: it differs only when the token vanishes between the GET and the DEL (its expiry, or a revocation on another replica, in that instant), and the one caller, the revoke route, does not read the answer.' },
  { file: REDIS_TOKEN_STORE, original: 'results?.[0]?.[1]', replacement: 'results?.[0][1]', reason: NO_WATCH },
  { file: REDIS_TOKEN_STORE, original: 'results?.[0]', replacement: 'results[0]', reason: NO_WATCH },
  { file: SQLITE_TOKEN_STORE, original: 'version < 1', replacement: 'true', reason: 'Equivalent: schema version 1 creates its table and index IF NOT EXISTS, so running it on a newer file changes nothing.' },
  { file: SQLITE_TOKEN_STORE, original: 'version < 1', replacement: 'version <= 1', reason: 'Equivalent: schema version 1 creates its table and index IF NOT EXISTS, so running it on a version 1 file changes nothing.' },
  { file: SQLITE_TOKEN_STORE, original: '{ cause }', replacement: '{}', reason: 'Killed since: test/auth/sqlite-token-store.test.ts "every method ...should throw BFF_TOKEN_STORE_UNAVAILABLE" now checks that the error carries its cause (the one the log shows).' },
  { file: JSON_BODY, original: "'error'", replacement: '""', line: 26, reason: 'Equivalent: secure-json-parse takes an empty action as its default, error (`options.protoAction || \'error\'`), so __proto__ and constructor.prototype are refused either way.' },
  { file: JSON_BODY, original: 'error === null', replacement: 'true', reason: 'Equivalent: after a parse error the value is undefined, in which hasLoneSurrogate finds nothing, so the error is passed on as before.' },
  { file: JSON_BODY, original: 'i < end', replacement: 'i <= end', reason: PAST_TEXT_END },
  { file: JSON_BODY, original: 'i < text.length', replacement: 'i <= text.length', reason: PAST_TEXT_END },
  { file: 'src/http/size-rules.ts', original: "typeof branch === 'object'", replacement: 'true', reason: 'Equivalent: a branch that is not an object is a boolean schema, whose .type reads undefined, so it adds no type either way.' },
  { file: URI_FORMATS, original: '{\n    return undefined\n  }', replacement: '{}', reason: 'Equivalent: a function that ends without a return answers undefined, as the return did.' },
  { file: URI_FORMATS, original: '/^127\\.\\d+\\.\\d+\\.\\d+$/', replacement: '/127\\.\\d+\\.\\d+\\.\\d+$/', reason: 'Equivalent: a hostname that ends in four dotted numbers is parsed by WHATWG URL as an IPv4 address or refused, so whatever would come before 127 (1127.0.0.1, x.127.0.0.1) never reaches the test as such.' },
  { file: URI_FORMATS, original: '/^127\\.\\d+\\.\\d+\\.\\d+$/', replacement: '/^127\\.\\d+\\.\\d+\\.\\d$/', reason: 'Killed since: test/http/uri-formats.test.ts "isLoopback ...should know localhost, [::1] and 127.x.x.x" now has 127.0.0.10 and 127.1.22.233 (a last part of more than one digit).' },
  { file: URI_FORMATS, original: "format === 'redirect-uri' || format === 'web-uri'", replacement: 'true', reason: 'Equivalent: every other format Ajv reports (uri, date-time, email...) is no key of URI_FORMATS, so the lookup answers undefined as the guard did.' },
  { file: EXCHANGE, original: 'true', replacement: 'false', line: 68, reason: 'Equivalent: undici does not read onHeaders\' answer for an interim (1xx) answer: its HTTP/1 parser returns before looking at pause (undici 7, lib/dispatcher/client-h1.js), so the socket is never paused by it.' },
  { file: EXCHANGE, original: 'header.length === name.length', replacement: 'true', reason: 'Equivalent: a shortcut; a name of another length is never equal once lower-cased, so the comparison after it answers the same.' },
  { file: RFC7591, original: "'CLIENT_SECRET_JWT'", replacement: '""', reason: EVERY_ENUM_VALUE },
  { file: RFC7591, original: "'TLS_CLIENT_AUTH'", replacement: '""', reason: EVERY_ENUM_VALUE },
  { file: RFC7591, original: "'SELF_SIGNED_TLS_CLIENT_AUTH'", replacement: '""', reason: EVERY_ENUM_VALUE },
  { file: RFC7591, original: "'PUBLIC'", replacement: '""', reason: EVERY_ENUM_VALUE },
  { file: RFC7591, original: 'parts.some((part) => !RESPONSE_TYPE_ORDER.includes(part))', replacement: 'parts.every(part => !RESPONSE_TYPE_ORDER.includes(part))', reason: 'Killed since: test/upstream/rfc7591.test.ts "should map response types in any order" now refuses \'CODE token\' (one part in the wrong case, which the mutant let through as CODE_TOKEN).' },
  { file: RFC7591, original: "typeof mapped !== 'string'", replacement: 'false', reason: 'Equivalent: a value that is not a string is in no list of enum values either, so includes() refuses it the same.' },
  { file: RFC7591, original: 'jwks === undefined', replacement: 'false', reason: 'Equivalent: JSON.stringify(undefined) is undefined, what the guard gave.' },
  { file: RFC7591, original: "typeof data.jwks === 'string'", replacement: 'true', reason: 'Equivalent for Authlete\'s answers: jwks is a string or absent in its documents (the emulator\'s answers are checked against them in the tests); absent, JSON.parse(undefined) throws and the catch leaves it out as before.' },
  { file: SHUTDOWN, original: '{\n  const stream = pino.destination({ dest: 1, sync: false })\n  return {\n    stream,\n    flush: timeoutMs => new Promise(resolve => {\n      const timer = setTimeout(resolve, timeoutMs)\n      stream.flush(() => {\n        clearTimeout(timer)\n        resolve()\n      })\n    }),\n    silence: () => {\n      stream.write = () => true\n      stream.flushSync = () => {}\n      stream.end = () => {}\n    }\n  }\n}', replacement: '{}', line: 20, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{ dest: 1, sync: false }', replacement: '{}', line: 21, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: 'false', replacement: 'true', line: 21, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n    stream,\n    flush: timeoutMs => new Promise(resolve => {\n      const timer = setTimeout(resolve, timeoutMs)\n      stream.flush(() => {\n        clearTimeout(timer)\n        resolve()\n      })\n    }),\n    silence: () => {\n      stream.write = () => true\n      stream.flushSync = () => {}\n      stream.end = () => {}\n    }\n  }', replacement: '{}', line: 22, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: 'timeoutMs => new Promise(resolve => {\n      const timer = setTimeout(resolve, timeoutMs)\n      stream.flush(() => {\n        clearTimeout(timer)\n        resolve()\n      })\n    })', replacement: '() => undefined', line: 24, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n      const timer = setTimeout(resolve, timeoutMs)\n      stream.flush(() => {\n        clearTimeout(timer)\n        resolve()\n      })\n    }', replacement: '{}', line: 24, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n        clearTimeout(timer)\n        resolve()\n      }', replacement: '{}', line: 26, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n      stream.write = () => true\n      stream.flushSync = () => {}\n      stream.end = () => {}\n    }', replacement: '{}', line: 31, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '() => true', replacement: '() => undefined', line: 32, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: 'true', replacement: 'false', line: 32, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n  const onSignal = shutdownOnSignals(app, options, async code => {\n    await logs.flush(LOG_FLUSH_TIMEOUT_MS)\n    logs.silence()\n    process.exit(code)\n  })\n  for (const signal of [\'SIGTERM\', \'SIGINT\'] as const) process.on(signal, onSignal)\n}', replacement: '{}', line: 57, reason: IN_THE_SERVER_PROCESS },
  { file: SHUTDOWN, original: '{\n    await logs.flush(LOG_FLUSH_TIMEOUT_MS)\n    logs.silence()\n    process.exit(code)\n  }', replacement: '{}', line: 58, reason: IN_THE_SERVER_PROCESS },
  { file: OVERLOAD, original: 'query < 0', replacement: 'query <= 0', reason: 'Equivalent: a request target starts with / (Fastify answers 400 to any other), so a query never starts at index 0.' },
  { file: OVERLOAD, original: "verdict === 'refuse and close'", replacement: 'true', reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: "verdict === 'refuse and close'", replacement: 'false', reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: "verdict === 'refuse and close'", replacement: "verdict !== 'refuse and close'", reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: "'refuse and close'", replacement: '""', line: 75, reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: "'connection'", replacement: '""', line: 75, reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: "'close'", replacement: '""', line: 75, reason: REDUNDANT_CLOSE },
  { file: OVERLOAD, original: 'app.draining', replacement: 'true', line: 94, reason: 'Killed since: test/ops/overload.test.ts "should leave other keep-alive connections open after an answer while serving" (the mutant closed every idle connection after each answer).' },
  { file: OVERLOAD, original: "{ name: 'overload', fastify: '5.x' }", replacement: '{}', reason: NAMED_PLUGIN },
  { file: OVERLOAD, original: "'overload'", replacement: '""', line: 99, reason: NAMED_PLUGIN },
  { file: OVERLOAD, original: "'5.x'", replacement: '""', reason: ANY_FASTIFY },
  { file: POSTGRES_STORE, original: 'last === undefined || through === undefined || oldest.seq === null', replacement: '(last === undefined || through === undefined) && oldest.seq === null', reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: 'last === undefined || through === undefined', replacement: 'false', reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: 'last === undefined || through === undefined', replacement: 'last === undefined && through === undefined', reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: 'last === undefined', replacement: 'false', line: 113, reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: 'through === undefined', replacement: 'false', line: 113, reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: 'oldest.seq === null', replacement: 'false', line: 113, reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'last === undefined || through === undefined || oldest.seq === null', replacement: '(last === undefined || through === undefined) && oldest.seq === null', reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'last === undefined || through === undefined', replacement: 'false', reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'last === undefined || through === undefined', replacement: 'last === undefined && through === undefined', reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'last === undefined', replacement: 'false', line: 70, reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'through === undefined', replacement: 'false', line: 70, reason: EMPTY_TABLE },
  { file: SQLITE_AUDIT_STORE, original: 'oldest.seq === null', replacement: 'false', line: 70, reason: EMPTY_TABLE },
  { file: POSTGRES_STORE, original: "'authlete-bff-audit'", replacement: '""', line: 48, reason: CLOSED_ONCE },
  { file: POSTGRES_STORE, original: '{\n      if (!pool.ended && !pool.ending) await pool.end()\n    }', replacement: '{}', reason: CLOSED_ONCE },
  { file: POSTGRES_STORE, original: '!pool.ended && !pool.ending', replacement: 'false', reason: CLOSED_ONCE },
  { file: POSTGRES_STORE, original: '!pool.ended', replacement: 'pool.ended', reason: CLOSED_ONCE },
  { file: POSTGRES_STORE, original: '!pool.ending', replacement: 'pool.ending', reason: CLOSED_ONCE },
  { file: POSTGRES_STORE, original: '!pool.ended && !pool.ending', replacement: '!pool.ended || !pool.ending', reason: 'Equivalent unless a close comes while a connection is still checked out: pg-pool\'s end() marks the pool ended at once when every connection is idle, so a second close finds it ended (the new close test sends two at once); the app closes its stores once, after its requests.' },
  { file: POSTGRES_STORE, original: 'true', replacement: 'false', line: 170, reason: 'Unreachable: everything thrown in a transaction is an Error (pg\'s errors, CommitOutcomeUnknown, the work\'s own), so the connection is always released with it and destroyed.' },
  { file: POSTGRES_STORE, original: "'ROLLBACK'", replacement: '""', reason: 'Equivalent: the connection is destroyed right after (released with the error), and PostgreSQL rolls back the transaction of a connection that closes; the ROLLBACK only makes it sooner.' },
  { file: 'src/audit/stores/sql.ts', original: "', '", replacement: '""', line: 116, reason: 'Killed since: test/audit/sql.test.ts "recordQuery ...should give a caller of several teams one placeholder per team when it masks records outside them".' },
  { file: 'src/audit/stores/sql.ts', original: "typeof record.team === 'string'", replacement: 'true', reason: 'Equivalent: the teams of a caller are strings, so includes() of a missing team is false, as the guard answers.' },
  { file: 'src/audit/stores/sql.ts', original: 'row.outcome_data === null', replacement: 'false', reason: 'Equivalent: JSON.parse(null) is null, and the outcome is only read through ?. (null and undefined alike).' },
  { file: POSTGRES_STORE, original: 'true', replacement: 'false', line: 43, reason: 'Not observable in a test run: TCP keepalive finds a link that died silently after the kernel\'s keepalive time (two hours by default); the store\'s own timeouts (query, statement, connection) bound every call meanwhile.' },
  { file: POSTGRES_STORE, original: "'error'", replacement: '""', line: 157, reason: 'Killed since: test/audit/postgres-store.test.ts "append ...should refuse, not crash, when its connection is killed while it waits for the chain\'s lock" (pg_terminate_backend on the waiting backend: with the mutant, the dead connection\'s error event had no listener and ended the test process).' },
  { file: POSTGRES_STORE, original: '{ throw new CommitOutcomeUnknown(error) }', replacement: '{}', line: 163, reason: 'Killed since: test/audit/postgres-store.test.ts "append ...should refuse a write whose COMMIT answer is lost as one that may be committed" (a TCP hop drops the link right after forwarding the COMMIT: the mutant answered the append as written, on a dead connection, instead of refusing it as one that may be committed).' },
  { file: POSTGRES_STORE, original: "'error'", replacement: '""', line: 164, reason: 'Killed since: test/audit/postgres-store.test.ts "append ...should leave no listener behind on a pooled connection" (15 transactions on one connection: the mutant left a listener each time, and Node warned past 10).' },
  { file: POSTGRES_STORE, original: "'error'", replacement: '""', line: 169, reason: 'Equivalent: on this path the connection is destroyed right after (released with the error), its listeners with it.' },
  { file: POSTGRES_STORE, original: 'performance.now() + writeTimeoutMs', replacement: 'performance.now() - writeTimeoutMs', reason: 'Killed since: test/audit/postgres-store.test.ts "prune ...should wait for the chain\'s lock while another replica holds it" (the mutant gave both prunes a lock timeout of 1 ms).' },
  { file: POSTGRES_STORE, original: 'writeTimeoutMs * (1 - LOCK_MARGIN_SHARE)', replacement: 'writeTimeoutMs / (1 - LOCK_MARGIN_SHARE)', reason: LOCK_MARGIN },
  { file: POSTGRES_STORE, original: '1 - LOCK_MARGIN_SHARE', replacement: '1 + LOCK_MARGIN_SHARE', reason: LOCK_MARGIN },
  { file: POSTGRES_STORE, original: 'lockDeadline - performance.now()', replacement: 'lockDeadline + performance.now()', reason: LOCK_MARGIN },
  { file: 'src/http/problem.ts', original: 'error.policyFindings !== undefined', replacement: 'true', reason: 'Equivalent: Object.assign(problem, undefined) adds nothing.' },
  { file: 'src/http/problem.ts', original: 'error.policyFindings !== undefined', replacement: 'false', reason: POLICY_FINDINGS },
  { file: 'src/http/problem.ts', original: 'error.policyFindings !== undefined', replacement: 'error.policyFindings === undefined', reason: POLICY_FINDINGS }
]
