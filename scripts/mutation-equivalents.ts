import { INTEGRATION_EQUIVALENTS } from './mutation-equivalents-integration.ts'

// Mutants StrykerJS leaves alive in the critical modules, each with why no test should kill it
// (matched by file, original text and replacement; see scripts/mutation-test.ts).
export interface EquivalentMutant {
  file: string
  original: string
  replacement: string
  /** Only where one original and replacement occur twice with different reasons: the line they ran on. */
  line?: number
  reason: string
}

const CHAIN = 'src/audit/chain.ts'
const EXTERNAL_GONE = 'Removed since, as dead code these survivors revealed: check() is async, so the recording it returned was awaited along with it (a promise returned from an async function is adopted), observe already waited for the external version and request.externalVersion was never set. The code now says so (observe awaits check; externalVersion and pending() are gone), and test/history/external.test.ts "PATCH ...should record the external change its own read found before forwarding" holds the record and checks the write waits for it (it fails when the record is left to the background).'
const PRUNE_VOUCH = 'Defence in depth: a checkpoint that matches the first kept entry on one of seq and hash but not the other needs that entry or the checkpoint edited, which breaks a hash or a link that verify reports first (the tamper scenarios and the pruning tests cover those).'
const TEAM_UNDEFINED = 'Equivalent: an entry without a team (outcomes, checkpoints, intents in roles mode; a team is never null) then gets team: undefined, which the stores write as NULL and read back as no team, and which canonicalJson leaves out: the same as no team property.'
const NEWEST_VOUCHES = 'Equivalent: the checkpoint that vouches for the oldest kept entry is always the newest one (each pruning moves the oldest entry and writes its checkpoint last), and a chain never pruned has none, so no checkpoint is read once unvouched is cleared; and a non-checkpoint entry has no prunedThroughSeq, so it never vouches.'
const MESSAGES = 'src/http/validation-messages.ts'
const AJV_MESSAGE = 'Unreachable: Ajv gives every issue a message (its messages option is on by default); the fallback is for a validator that would not.'
const ONLY_ITS_BRANCHES = 'Equivalent: a wider set of branches changes nothing, because the set is read only for its null branch, which must be a type issue at the union\'s own value whose schema path is the union\'s plus /N/type: only that union\'s own branch is (and Ajv gives every issue a schemaPath).'
const CHECKPOINT_NO_CLIENT = 'Equivalent: checkpoint data has no clientId, so the column is null either way.'
const ONLY_UNIONS_HAVE_BRANCHES = 'Equivalent: an issue\'s schema path ends with its own keyword, so only an anyOf has other issues below it; taken as a union, any other issue has no branches and is left as it is.'
const OPERATIONS = 'src/upstream/operations.ts'
const SCAN = 'src/upstream/json-scan.ts'
const JSON_TS = 'src/upstream/json.ts'
const PAST_END = 'Equivalent: past the end a byte reads as undefined, which is neither whitespace, a plain string byte nor a digit, so the loop stops at the same place.'
const MINUS_ONE = 'Equivalent: every failure index is below 0 or, here, 0 is impossible (at least one byte was consumed), so `<= 0` and `< 0` agree.'
const IGNORED_FAILURE = 'Equivalent: the ignored -1 makes the next read bytes[-1], undefined, which is refused as NOT_JSON right after.'
const PLUS_ONE = 'Equivalent in practice: +1 resumes the scan at index 1, inside the first value, where no separator or end can follow; no text of the corpus nor any we could build is accepted by it.'
const ACCESS = 'src/auth/access.ts'
const NOT_A_ROLE = 'Equivalent: \'session\' (or \'\') is not a role, and hasRole of a name that is not a role is true for any caller holding a role; every identity holds one (the users file needs at least one, capRoles keeps at least one, OIDC and gateway callers without a role are refused).'
const PROBLEM = 'src/http/problem.ts'
const TRAIL = 'src/audit/audit-trail.ts'
const UNDECORATED = 'Equivalent: without the decoration the property reads undefined instead of null or false until set; the readers take undefined as false, or put it in a record as a property that the hash and JSON both leave out.'
const CLIENT = 'src/upstream/authlete-client.ts'
const UPSTREAM_ERRORS = 'src/upstream/upstream-errors.ts'
const ERROR_BODY_NUMBERS = 'Equivalent: of an error answer only resultCode and resultMessage, both strings, are read, so how its numbers are parsed changes nothing.'
const NEVER_204_BODY = 'Equivalent: a 204 never carries a body (undici gives none), so an empty body and a 204 go together.'
const BEARER = 'src/auth/tokens/bearer-authenticator.ts'
const TOKEN_FORMAT = 'src/auth/tokens/token-format.ts'
const HASHED_WHOLE = 'Equivalent: a value with anything before or after a well-formed token still names that token\'s id, but its SHA-256 is not the stored one: 401 either way (test/auth/tokens.test.ts sends both).'
const NO_TOKEN = 'Equivalent: a header that is not a bearer credential gives no token id either way, so it is refused (401) the same.'
const LIMITS = 'src/ops/rate-limits.ts'
const API_ROUTES_DECLARE_ACCESS = 'Equivalent: isApiPath is asked only of routes without an access, and every /api route declares one; a route is never /api and unsafe without it.'
const SIGNED_IN = 'Equivalent: the read, write and secret budgets are spent on /api routes only, after the access check (onRequest) has set request.identity or answered 401, so it is never null there.'
const ONE_METHOD = 'Equivalent: every route is registered with one method (Fastify adds HEAD as a route of its own), so some and every agree.'
const DECLARED_CONFIG = 'Equivalent in this app: the mutant reads config where it may be undefined (Fastify hands onRoute the options as given), and only routes that declare a config get there: every unsafe route and every /api route declares one (its access). A route without one would make the app fail at start-up, and every test builds the app.'
const AUDITED = 'Equivalent: only a mutating /api route gets here, and each names an audit action in its config (test/audit/audit-log.test.ts fails on one without), so neither config nor audit is undefined.'
const PLUGIN_META = 'Harmless: fastify-plugin\'s name, Fastify version range and dependency list only guard the registration, which buildApp does in order; no plugin depends on this one by name.'

const CALLER = 'src/console/app/caller.ts'
const PERMISSIONS = 'src/console/app/permissions.ts'
const TEAMS_NOT_EMPTY = 'Equivalent: the guard keeps an empty or non-string developer out of the includes() below, but a session\'s teams are team names or *, never empty strings (every source of teams keeps only what isTeamName accepts, src/teams/membership.ts), so includes() of such a value is false either way.'
const POLICY_FILE = 'src/policy/policy-file.ts'
const EVALUATE = 'src/policy/evaluate.ts'
const RULE = 'src/policy/rule.ts'
const killedBy = (file: string, test: string): string => `Killed since by ${file} "${test}" (the mutant applied by hand fails it).`
const CLIPPING = killedBy('test/security/upstream-messages.test.ts', 'PATCH /api/clients/:clientId ...should clip Authlete\'s resultMessage to 1 KB and include it once, for every role') + ' It now also sends a message of exactly 1 KB, one with a two-byte character cut at the boundary and one with a U+FFFD of its own; the file is now in the client group.'
const NULL_ANSWER = 'Equivalent in effect: null is the only answer these mutants treat otherwise (a string, number or boolean has no resultMessage either way; JSON has no undefined). On null the mutant throws a TypeError while the answer is read, and the proxy answers that as it answers a null lock answer anyway: 502 BFF_UPSTREAM_UNREADABLE, with no internal text (test/upstream/malformed-answers.test.ts "PUT /api/clients/:clientIdentifier/lock ...should answer 502 BFF_UPSTREAM_UNREADABLE ... to an upstream 200 that is not an object" now checks null, a string, a number and a boolean, with the mutant applied as well).'
const AUTH_WRITES = killedBy('test/ops/auth-write-budget.test.ts', 'POST /auth/tokens ...should spend the per-user write budget with revocations, session ends and /api writes, and audit nothing past it') + ' The file is now in the limits group.'
const READ_ONLY_POST = killedBy('test/policy/asking.test.ts', 'POST /api/policy/check ...should spend the read budget, not the write budget a save needs') + ' The file is now in the limits group.'
const SIGN_IN_BOUNDS = killedBy('test/audit/audit-actions.test.ts', 'POST /auth/login ...should keep a username of exactly 64 characters whole, record failures with no roles, and record nothing for a body it refuses') + ' With the mutant a refused body (400) has no attempt, the outcome hook throws on it, and the caller gets {} instead of its problem.'
const SIGN_IN_UNRECORDED = killedBy('test/audit/audit-actions.test.ts', 'POST /auth/login ...should sign in, count bff_audit_write_failures_total{kind="sign-in"} and log an error when the sign-in cannot be recorded')
const OUTCOME_TRIES = killedBy('test/audit/outcome.test.ts', 'PUT /api/clients/:clientIdentifier/lock ...should try an outcome the store refused at its deadline once, and an outcome that failed otherwise twice')
const ALIAS_RECORD = killedBy('test/teams/audit-scope.test.ts', 'PUT /api/clients/:clientIdentifier/lock ...should record a call by alias under the numeric client ID, with the alias') + ' The file is now in the trail group.'
const APPLY_NOT_BREAK_GLASS = killedBy('test/approvals/lifecycle.test.ts', 'POST /api/change-requests/:id/approve ...should apply whatever is left of the requester\'s write budget: the approval is the write that counts, paid by the approver') + ' It checks that the apply\'s record is not flagged breakGlass; the file is now in the trail group.'
const UNDEFINED_LEFT_OUT = 'Equivalent: the property is then present with the value undefined, which canonicalJson and JSON both leave out, so the record and its hash are the same.'
const SIGN_IN_SUCCESS = 'Equivalent: a sign-in\'s roles are set only once its session is started, after which the route answers 200 (local) or 302 (OIDC); every refusal throws, answering 4xx or 5xx with no roles. So a status below 400 and set roles always go together, and either alone decides.'
const REFUSALS_AHEAD = 'Equivalent: auditRefusals wraps only steps ahead of the intent (the write pipeline\'s prepare, policy and approval stages, and the restore route\'s prepare step), so auditedIntent is always false there, and only on routes with an audit action.'
const LATE_INTENT_LOG = 'Harmless: the fields and text of a warning log line; what it announces, the abandoned outcome of an intent committed late, is checked by test/audit/postgres-deadline.test.ts, now in the trail group.'
const FILE_READ = killedBy('test/policy/policy-file.test.ts', 'parsePolicy ...should read YAML (.yaml, .yml) and JSON (.json) into the same policy')
const FILE_REFUSED = killedBy('test/policy/policy-file.test.ts', 'parsePolicy ...should refuse a file with the JSON pointer of its first error and what is accepted there')
const FILE_WEAKER = killedBy('test/policy/policy-file.test.ts', 'parsePolicy ...should refuse a team setting weaker than the global one, naming it')
const FILE_LOADED = killedBy('test/policy/policy-file.test.ts', 'loadPolicy ...should read POLICY_FILE, or else give the profile alone (baseline by default)')
const RULE_ID_LIST = killedBy('test/policy/policy-file.test.ts', 'RuleIdSchema ...should accept the rule IDs and nothing else')
const SCHEMA_PATHS_RESOLVE = 'Equivalent: every schemaPath Value.Errors gives names a node of PolicyFileSchema (the teams pattern key has no /), and the object holding additionalProperties or a required property exists, so no step or lookup meets undefined.'
const ONLY_ENUMS_UNDESCRIBED = 'Unreachable: every schema of the policy file has a description except the enums of grantTypes and tokenAuthMethods items, whose issue is keyword enum; the fallback is for a schema added without one.'
const NO_LIMIT_NO_COMPARISON = 'Equivalent: the guard is for the types; with either side undefined, value > limit is false, so no team setting is refused either way.'
const TEAM_LIMITS = killedBy('test/policy/evaluate.test.ts', 'policyFor ...should take a team\'s limit where the global rules set none, and keep the team\'s host patterns some global one covers')
const NULL_TEAM = killedBy('test/policy/evaluate.test.ts', 'policyFor ...should give a caller without a team the global policy, even beside a team named null')
const RATCHET_LISTS = killedBy('test/policy/evaluate.test.ts', 'judge ...should block new violations, warn of those the client already had, and except those an exception covers')
const NON_OBJECT_EXTENSION = killedBy('test/policy/evaluate.test.ts', 'secureDefaults ...should fill only what a create body leaves out, so that a typical body passes')
const NON_STRING_ELEMENT = killedBy('test/policy/evaluate.test.ts', 'violationsOf ...should give a list element that is not a string a violation saying so')
const UNDEFINED_LIMITS = 'Equivalent: a limit left undefined is the same as one left out for every reader (the limit rules test !== undefined, fills read it with ??), and the answers serialise limits through LimitsSchema, which leaves undefined out.'
// approvals and pipeline groups
const APPROVAL_RULES = 'src/approvals/approval-rules.ts'
const CHANGE_REQUEST = 'src/approvals/change-request.ts'
const SECRET_BOX = 'src/approvals/secret-box.ts'
const killedByRulesTest = (test: string): string => `Killed since by test/approvals/rules.test.ts "${test}" (the mutant applied by hand fails it).`
const APPROVALS_IN_POLICY_FILE = killedByRulesTest('parsePolicy approvals ...should take approval rules globally and per team, and name the path of a bad one')
const VARIABLE = killedByRulesTest('approvalRules ...should keep every action of APPROVALS that the file has no rule for')
const APPROVALS_NULL_TEAM = killedByRulesTest('rulesFor ...should give roles mode the global rules even when the file has a team named null')
const PATCH = killedByRulesTest('ruleFor ...should match the write\'s actions (PUT and PATCH alike) and, with properties, only a change touching one')
const ROLES = killedByRulesTest('approvalRefusal ...should refuse tokens, the requester, too low a role, another team, and a second approval by one person')
const VIEW = killedByRulesTest('publicView ...should show a rejection, the decision time and the result when there are some, and no such keys before')
const SEALED_BEFORE = killedByRulesTest('createSecretBox ...should open a box sealed by an earlier release with the same SESSION_SECRET')
const ACTION_MESSAGE = 'Equivalent: without its description, the policy file\'s message for an unknown action falls back to "must be one of" and the enum\'s allowed values joined by ", " (issueMessage, src/policy/policy-file.ts): the same text word for word.'
const UNUSED_NO_APPROVALS = 'Gone since: NO_APPROVALS was exported and used nowhere (dead code); it is deleted, so there is nothing left to mutate.'
const PROPERTIES_UNDEFINED = 'Equivalent: a rule without properties then holds properties: undefined instead of no such key; ruleFor, its one reader, asks `properties === undefined`, and a rule leaves the process only as JSON (the change-request stores, the rules answer), which leaves undefined out.'
const NO_TEAM_STAR = 'Equivalent: * is never a team of the policy file (parsePolicy takes only team names, TEAM_NAME, as keys of teams), so rulesFor(rules, \'*\') finds no team rules and gives the global rules, the same list as rules.global.'
const UTF8_DEFAULT = 'Equivalent: Node\'s cipher.update takes an empty input encoding as its default, utf8 (checked on Node 24 with non-ASCII text: the same bytes).'
export const EQUIVALENT_MUTANTS: EquivalentMutant[] = [
  ...INTEGRATION_EQUIVALENTS,
  { file: CHAIN, original: "entry.kind === 'intent'", replacement: 'true', reason: 'Equivalent: only intent data has an actor, an action or a team (a team is never null), so for outcomes and checkpoints the column is null, or the team absent, either way.' },
  { file: CHAIN, original: "entry.kind === 'checkpoint'", replacement: 'false', reason: CHECKPOINT_NO_CLIENT },
  { file: CHAIN, original: "'checkpoint'", replacement: '""', line: 44, reason: CHECKPOINT_NO_CLIENT },
  { file: CHAIN, original: "entry.kind === 'outcome'", replacement: 'true', reason: 'Equivalent: only outcome data has an outcome, so for intents and checkpoints the column is null either way.' },
  { file: CHAIN, original: "entry.kind === 'intent' && typeof data.team === 'string'", replacement: 'true', reason: TEAM_UNDEFINED },
  { file: CHAIN, original: "entry.kind === 'intent' && typeof data.team === 'string'", replacement: "entry.kind === 'intent' || typeof data.team === 'string'", reason: TEAM_UNDEFINED },
  { file: CHAIN, original: "typeof data.team === 'string'", replacement: 'true', reason: TEAM_UNDEFINED },
  { file: CHAIN, original: "unvouched !== undefined && entry.kind === 'checkpoint'", replacement: "unvouched !== undefined || entry.kind === 'checkpoint'", reason: NEWEST_VOUCHES },
  { file: CHAIN, original: 'unvouched !== undefined', replacement: 'true', reason: NEWEST_VOUCHES },
  { file: CHAIN, original: "entry.kind === 'checkpoint'", replacement: 'true', reason: 'Equivalent: only a checkpoint\'s data has prunedThroughSeq and prunedThroughHash; for any other entry both are undefined and never match.' },
  { file: CHAIN, original: 'checkpoint.prunedThroughSeq === unvouched.seq - 1 && checkpoint.prunedThroughHash === unvouched.prevHash', replacement: 'checkpoint.prunedThroughSeq === unvouched.seq - 1 || checkpoint.prunedThroughHash === unvouched.prevHash', reason: PRUNE_VOUCH },
  { file: CHAIN, original: 'checkpoint.prunedThroughSeq === unvouched.seq - 1', replacement: 'true', reason: PRUNE_VOUCH },
  { file: CHAIN, original: 'checkpoint.prunedThroughHash === unvouched.prevHash', replacement: 'true', reason: PRUNE_VOUCH },
  { file: ACCESS, original: "['sessions', 'users']", replacement: '[]', reason: 'Harmless: fastify-plugin\'s dependency list only guards the registration, which buildApp does in order.' },
  { file: ACCESS, original: '[]', replacement: '["Stryker was here"]', reason: 'Unreachable: teamsOf is undefined only for a user gone from the users file, who was refused (null) two lines before.' },
  { file: ACCESS, original: "'identity'", replacement: '""', reason: 'Equivalent: without the decoration request.identity reads undefined instead of null on routes that need no access, and every reader there uses `?.` (audit, logout, bearer check); on routes with access the hook sets it before anything reads it (the rate-limit key runs after).' },
  { file: ACCESS, original: "access !== 'session'", replacement: 'true', reason: NOT_A_ROLE },
  { file: ACCESS, original: "'session'", replacement: '""', reason: NOT_A_ROLE },
  { file: ACCESS, original: "'5.x'", replacement: '""', reason: 'Harmless: fastify-plugin\'s check of the Fastify version at registration, which an empty range skips; the project depends on Fastify 5.' },
  { file: ACCESS, original: 'session.teams === undefined', replacement: 'false', reason: 'Equivalent: the identity then holds teams: undefined instead of no teams property; every reader asks `teams === undefined` or `teams ?? []`, and JSON leaves undefined out.' },
  { file: LIMITS, original: "(url: string): boolean => url === '/api' || url.startsWith('/api/')", replacement: '() => undefined', reason: API_ROUTES_DECLARE_ACCESS },
  { file: LIMITS, original: "url === '/api' || url.startsWith('/api/')", replacement: 'false', reason: API_ROUTES_DECLARE_ACCESS },
  { file: LIMITS, original: "url === '/api' || url.startsWith('/api/')", replacement: "url === '/api' && url.startsWith('/api/')", reason: API_ROUTES_DECLARE_ACCESS },
  { file: LIMITS, original: "url === '/api'", replacement: 'false', reason: API_ROUTES_DECLARE_ACCESS },
  { file: LIMITS, original: "'/api'", replacement: '""', reason: API_ROUTES_DECLARE_ACCESS },
  { file: LIMITS, original: "url.startsWith('/api/')", replacement: "url.endsWith('/api/')", reason: API_ROUTES_DECLARE_ACCESS },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: LIMITS, original: '`ip:${addressKey(request.ip)}`', replacement: '``', reason: SIGNED_IN },
  { file: LIMITS, original: 'request.identity === null', replacement: 'false', reason: SIGNED_IN },
  { file: LIMITS, original: "[route.method].flat().some(method => !['GET', 'HEAD', 'OPTIONS'].includes(method))", replacement: "[route.method].flat().every(method => !['GET', 'HEAD', 'OPTIONS'].includes(method))", reason: ONE_METHOD },
  { file: LIMITS, original: "methods.every(method => method === 'GET' || method === 'HEAD')", replacement: "methods.some(method => method === 'GET' || method === 'HEAD')", reason: ONE_METHOD },
  { file: LIMITS, original: "'OPTIONS'", replacement: '""', reason: 'Equivalent today: the only OPTIONS route (@fastify/cors\'s, with CORS_ORIGINS) is registered before the rate limits listen for routes, so no OPTIONS route is given a budget; test/ops/rate-limits.test.ts "OPTIONS /api/clients ...should not spend the anonymous budget" fails if that changes.' },
  { file: LIMITS, original: 'route.config?.audit?.startsWith', replacement: 'route.config?.audit.startsWith', reason: AUDITED },
  { file: LIMITS, original: 'route.config?.audit', replacement: 'route.config.audit', reason: AUDITED },
  { file: LIMITS, original: 'route.config?.access', replacement: 'route.config.access', reason: DECLARED_CONFIG },
  { file: LIMITS, original: 'route.config?.readOnly', replacement: 'route.config.readOnly', reason: DECLARED_CONFIG },
  { file: LIMITS, original: 'route.config?.access !== undefined && route.config.audit !== undefined', replacement: 'false', reason: AUTH_WRITES },
  { file: LIMITS, original: 'route.config.audit !== undefined', replacement: 'true', reason: AUTH_WRITES },
  { file: LIMITS, original: 'route.config.audit !== undefined', replacement: 'route.config.audit === undefined', reason: AUTH_WRITES },
  { file: LIMITS, original: "['write']", replacement: '[]', line: 48, reason: AUTH_WRITES },
  { file: LIMITS, original: 'route.config?.readOnly === true', replacement: 'false', reason: READ_ONLY_POST },
  { file: LIMITS, original: 'true', replacement: 'false', line: 50, reason: READ_ONLY_POST },
  { file: LIMITS, original: 'result.isAllowed', replacement: 'false', reason: 'Equivalent: isAllowed is true only for keys of an allowList, and the proxy gives none.' },
  { file: LIMITS, original: "{ name: 'rate-limits', fastify: '5.x', dependencies: ['sessions', 'access', 'audit-log'] }", replacement: '{}', reason: PLUGIN_META },
  { file: LIMITS, original: "'rate-limits'", replacement: '""', reason: PLUGIN_META },
  { file: LIMITS, original: "'5.x'", replacement: '""', reason: PLUGIN_META },
  { file: LIMITS, original: "['sessions', 'access', 'audit-log']", replacement: '[]', reason: PLUGIN_META },
  { file: BEARER, original: "'api-token'", replacement: '""', reason: 'Equivalent: the authenticator\'s name labels it for people reading the code; nothing reads it.' },
  { file: BEARER, original: 'header === undefined', replacement: 'false', reason: 'Equivalent: a regular expression tests undefined as the text "undefined", which is not a bearer scheme, so the request goes on to the next authenticator either way.' },
  { file: BEARER, original: "''", replacement: '"Stryker was here!"', reason: NO_TOKEN },
  { file: BEARER, original: 'record.teams === undefined', replacement: 'false', reason: 'Equivalent: the identity then holds teams: undefined instead of no teams property; every reader asks `teams === undefined` or `teams ?? []`, and JSON leaves undefined out.' },
  { file: BEARER, original: 'request.identity?.via', replacement: 'request.identity.via', reason: 'Equivalent: refuseApiTokens runs only on routes with an access, after the access check has set request.identity or answered 401.' },
  { file: TOKEN_FORMAT, original: '/^bfft_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/', replacement: '/bfft_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/', reason: HASHED_WHOLE },
  { file: TOKEN_FORMAT, original: '/^bfft_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/', replacement: '/^bfft_([0-9a-f]{24})_([A-Za-z0-9_-]{43})/', reason: HASHED_WHOLE },
  { file: TOKEN_FORMAT, original: 'given.length === expected.length', replacement: 'true', reason: 'Equivalent: both are SHA-256 digests in base64url, 43 characters, whatever the value (stored hashes are made by the same function).' },
  { file: CLIENT, original: "''", replacement: '"Stryker was here!"', reason: 'Unreachable or equivalent: the configuration requires the credentials of the API generation in use, and a failure without a code is \'failed\' whatever key it is looked up with.' },
  { file: CLIENT, original: 'input.body === undefined', replacement: 'false', reason: 'Equivalent: JSON.stringify(undefined) is undefined.' },
  { file: CLIENT, original: 'bytes.length === 0', replacement: 'false', reason: 'Equivalent: scanJson of no bytes is NOT_JSON too.' },
  { file: CLIENT, original: 'status < 200', replacement: 'false', reason: 'Equivalent: undici gives no 1xx as an answer\'s final status.' },
  { file: CLIENT, original: '(scan & HAS_LONG_INTEGERS) !== 0', replacement: 'true', reason: ERROR_BODY_NUMBERS },
  { file: CLIENT, original: '(scan & HAS_LONG_INTEGERS) !== 0', replacement: 'false', reason: ERROR_BODY_NUMBERS },
  { file: CLIENT, original: '(scan & HAS_LONG_INTEGERS) !== 0', replacement: '(scan & HAS_LONG_INTEGERS) === 0', reason: ERROR_BODY_NUMBERS },
  { file: CLIENT, original: 'bytes.length === 0', replacement: 'true', reason: NEVER_204_BODY },
  { file: CLIENT, original: 'performance.now() + delay >= deadline', replacement: 'performance.now() + delay > deadline', reason: 'Equivalent in practice: only a pause ending at the deadline to the fraction of a millisecond tells them apart, and either way the call ends at its deadline.' },
  { file: CLIENT, original: 'channels.upstreamCall.hasSubscribers', replacement: 'true', reason: 'Equivalent: publishing on a channel nobody listens to does nothing (the test only saves building the event).' },
  { file: CLIENT, original: '{ upstreamFault: true }', replacement: '{}', reason: 'Equivalent: the breaker counts as healthy only an explicit upstreamFault: false; without the trait an unreadable answer is still a fault.' },
  { file: UPSTREAM_ERRORS, original: 'MAX_RESULT_MESSAGE_BYTES - CLIPPED.length', replacement: 'MAX_RESULT_MESSAGE_BYTES + CLIPPED.length', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "'utf8'", replacement: '""', line: 98, reason: CLIPPING },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: UPSTREAM_ERRORS, original: "`${kept.replace(/\\uFFFD$/, '')}${CLIPPED}`", replacement: '``', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: '/\\uFFFD$/', replacement: '/\\uFFFD/', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "''", replacement: '"Stryker was here!"', line: 99, reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "'...'", replacement: '""', line: 86, reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: 'Buffer.byteLength(message) <= MAX_RESULT_MESSAGE_BYTES', replacement: 'true', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: 'Buffer.byteLength(message) <= MAX_RESULT_MESSAGE_BYTES', replacement: 'Buffer.byteLength(message) < MAX_RESULT_MESSAGE_BYTES', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "typeof result === 'object' && result !== null && typeof result.resultMessage === 'string'", replacement: 'false', reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "typeof result === 'object' && result !== null", replacement: 'true', reason: NULL_ANSWER },
  { file: UPSTREAM_ERRORS, original: "typeof result === 'object' && result !== null", replacement: "typeof result === 'object' || result !== null", reason: NULL_ANSWER },
  { file: UPSTREAM_ERRORS, original: "typeof result === 'object'", replacement: 'true', reason: NULL_ANSWER },
  { file: UPSTREAM_ERRORS, original: "typeof result === 'object'", replacement: "typeof result !== 'object'", reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "'object'", replacement: '""', line: 91, reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: 'result !== null', replacement: 'true', line: 91, reason: NULL_ANSWER },
  { file: UPSTREAM_ERRORS, original: 'result !== null', replacement: 'result === null', line: 91, reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: "'string'", replacement: '""', line: 91, reason: CLIPPING },
  { file: UPSTREAM_ERRORS, original: '[]', replacement: '["Stryker was here"]', reason: 'Equivalent: a code that is no connection failure added to the list changes no answer.' },
  { file: UPSTREAM_ERRORS, original: "typeof code === 'string'", replacement: 'true', reason: 'Equivalent: a code that is not a string is never one of the connection failures.' },
  { file: UPSTREAM_ERRORS, original: "typeof key === 'string'", replacement: 'true', reason: 'Equivalent: Object.hasOwn turns a key that is not a string into its text, which is none of the table\'s names.' },
  { file: TRAIL, original: "'auditedIntent'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditKey'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditTarget'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'createdClientId'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditTeam'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditDenied'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditClientAlias'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditPolicy'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditVersion'", replacement: '""', reason: UNDECORATED + ' An outcome with version undefined is written without one, as the stores test version === undefined.' },
  { file: TRAIL, original: "data.outcome === 'success'", replacement: 'true', reason: 'Equivalent: a version is set (src/history captureVersion) only for an answer below 300 after the intent, and such an outcome is a success (a call denied for its team is refused with a 4xx before anything is forwarded); the abandoned outcomes are written for calls never forwarded, which set none.' },
  { file: TRAIL, original: 'route.config?.audit !== undefined', replacement: 'true', reason: 'Equivalent: the outcome hook of a route without an audit action returns at once, as auditedIntent is set only by recordIntent, which runs only on routes with one (the intent stage, auditRefusals and the team check each test config.audit first).' },
  { file: TRAIL, original: 'false', replacement: 'true', line: 113, reason: 'Equivalent: the flag is read again only if onSend runs twice for one request, which Fastify does only when a later onSend hook fails, and none of the app\'s onSend hooks can (they set headers).' },
  { file: TRAIL, original: "''", replacement: '"Stryker was here!"', line: 245, reason: 'Unreachable: only the not-found handler has no route URL, and it has no audit action; every audited route has one.' },
  { file: TRAIL, original: 'metadata !== null', replacement: 'true', reason: 'Equivalent: the one route with a metadata property (PUT /api/clients/:clientId/registration) requires it to be an object, so it is never null here.' },
  { file: TRAIL, original: 'request.upstreamCalls?.at', replacement: 'request.upstreamCalls.at', reason: 'Equivalent: an onRequest hook sets upstreamCalls to [] on every request (src/upstream/authlete-plugin.ts), so it is never null when an outcome is written.' },
  { file: TRAIL, original: "'5.x'", replacement: '""', reason: PLUGIN_META },
  { file: TRAIL, original: 'true', replacement: 'false', line: 78, reason: 'Equivalent: app.ts always passes signIns (AUDIT_SIGN_INS, which the config schema defaults to true), so the default is never used.' },
  { file: TRAIL, original: 'route.config?.signIn !== undefined', replacement: 'true', reason: 'Equivalent: the sign-in hook on any other route returns at once, as only the sign-in routes\' handlers set signInAttempt.' },
  { file: TRAIL, original: "'signInAttempt'", replacement: '""', reason: SIGN_IN_BOUNDS },
  { file: TRAIL, original: 'attempt === null', replacement: 'false', reason: SIGN_IN_BOUNDS },
  { file: TRAIL, original: 'characters.length > MAX_GIVEN_USERNAME', replacement: 'characters.length >= MAX_GIVEN_USERNAME', reason: SIGN_IN_BOUNDS },
  { file: TRAIL, original: '[]', replacement: '["Stryker was here"]', line: 157, reason: SIGN_IN_BOUNDS },
  { file: TRAIL, original: "{\n      channels.auditFailure.publish({ kind: 'sign-in' })\n      request.log.error({ err: cause }, 'audit trail: sign-in not recorded')\n    }", replacement: '{}', reason: SIGN_IN_UNRECORDED },
  { file: TRAIL, original: "{ kind: 'sign-in' }", replacement: '{}', reason: SIGN_IN_UNRECORDED },
  { file: TRAIL, original: "'sign-in'", replacement: '""', reason: SIGN_IN_UNRECORDED },
  { file: TRAIL, original: '{ err: cause }', replacement: '{}', line: 168, reason: SIGN_IN_UNRECORDED },
  { file: TRAIL, original: "'audit trail: sign-in not recorded'", replacement: '""', reason: SIGN_IN_UNRECORDED },
  { file: TRAIL, original: 'error instanceof AuditWriteRefused', replacement: 'false', reason: OUTCOME_TRIES },
  { file: TRAIL, original: '{ clientIdAlias: request.auditClientAlias }', replacement: '{}', reason: ALIAS_RECORD },
  { file: TRAIL, original: 'request.auditClientAlias === null', replacement: 'true', reason: ALIAS_RECORD },
  { file: TRAIL, original: 'link.breakGlass === undefined', replacement: 'false', reason: APPLY_NOT_BREAK_GLASS },
  { file: TRAIL, original: 'link.reason === undefined', replacement: 'false', reason: UNDEFINED_LEFT_OUT },
  { file: TRAIL, original: 'gone === undefined', replacement: 'false', reason: UNDEFINED_LEFT_OUT },
  { file: TRAIL, original: 'reply.statusCode < 400 && attempt.roles !== undefined', replacement: 'reply.statusCode < 400 || attempt.roles !== undefined', reason: SIGN_IN_SUCCESS },
  { file: TRAIL, original: 'reply.statusCode < 400', replacement: 'true', line: 152, reason: SIGN_IN_SUCCESS },
  { file: TRAIL, original: 'reply.statusCode < 400', replacement: 'reply.statusCode <= 400', line: 152, reason: SIGN_IN_SUCCESS },
  { file: TRAIL, original: 'attempt.roles !== undefined', replacement: 'true', reason: SIGN_IN_SUCCESS },
  { file: TRAIL, original: '!request.auditedIntent && request.routeOptions.config.audit !== undefined', replacement: 'true', reason: REFUSALS_AHEAD },
  { file: TRAIL, original: '!request.auditedIntent && request.routeOptions.config.audit !== undefined', replacement: '!request.auditedIntent || request.routeOptions.config.audit !== undefined', reason: REFUSALS_AHEAD },
  { file: TRAIL, original: 'request.routeOptions.config.audit !== undefined', replacement: 'true', reason: REFUSALS_AHEAD },
  { file: TRAIL, original: '{ auditKey: request.auditKey }', replacement: '{}', reason: LATE_INTENT_LOG },
  { file: TRAIL, original: "'audit trail: a refused intent may have been committed late; its outcome says abandoned'", replacement: '""', reason: LATE_INTENT_LOG },
  { file: TRAIL, original: "['authlete', 'sessions', 'write-pipeline']", replacement: '[]', reason: PLUGIN_META },
  { file: MESSAGES, original: "'is invalid'", replacement: '""', reason: AJV_MESSAGE },
  { file: MESSAGES, original: "issues.filter(issue => issue.keyword === 'anyOf')", replacement: 'issues', reason: ONLY_UNIONS_HAVE_BRANCHES },
  { file: MESSAGES, original: "issue.keyword === 'anyOf'", replacement: 'true', reason: ONLY_UNIONS_HAVE_BRANCHES },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: MESSAGES, original: 'issues.filter(issue => issue !== union && issue.schemaPath?.startsWith(`${union.schemaPath}/`))', replacement: 'issues', reason: ONLY_ITS_BRANCHES },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: MESSAGES, original: 'issue !== union && issue.schemaPath?.startsWith(`${union.schemaPath}/`)', replacement: 'true', reason: ONLY_ITS_BRANCHES },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: MESSAGES, original: 'issue !== union && issue.schemaPath?.startsWith(`${union.schemaPath}/`)', replacement: 'issue !== union || issue.schemaPath?.startsWith(`${union.schemaPath}/`)', reason: ONLY_ITS_BRANCHES },
  { file: MESSAGES, original: 'issue !== union', replacement: 'true', reason: ONLY_ITS_BRANCHES },
  { file: MESSAGES, original: 'issue.schemaPath?.startsWith', replacement: 'issue.schemaPath.startsWith', reason: ONLY_ITS_BRANCHES },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: MESSAGES, original: '`${union.schemaPath}/`', replacement: '``', reason: ONLY_ITS_BRANCHES },
  { file: MESSAGES, original: 'branches.length === 0', replacement: 'false', reason: 'Equivalent: Ajv reports an anyOf only after each of its branches failed, each with an issue below the union\'s schema path, so a union always has branches.' },
  { file: MESSAGES, original: "issue.keyword === 'type'", replacement: 'true', reason: 'Equivalent: only a type issue has params.type, so params.type null already means a type issue.' },
  { file: MESSAGES, original: 'issue.instancePath === union.instancePath', replacement: 'true', reason: 'Equivalent: a branch\'s own type rule (schema path /N/type right below the union) is checked on the union\'s value itself, so its instancePath is the union\'s.' },
  { file: MESSAGES, original: '/^\\/\\d+\\/type$/', replacement: '/^\\/\\d+\\/type/', reason: 'Equivalent: a type issue\'s schema path ends with its keyword, /type, so nothing can follow it.' },
  { file: PROBLEM, original: 'error.statusCode !== undefined', replacement: 'true', reason: 'Equivalent: undefined >= 400 is false, so an error without a status is a 500 either way.' },
  { file: PROBLEM, original: '/^(BFF|FST_ERR)_/', replacement: '/(BFF|FST_ERR)_/', reason: 'Equivalent: a slug is made from known codes only, which start with BFF_ or FST_, and every Fastify code starts with FST_ERR_: the leftmost match is the prefix, anchored or not.' },
  { file: OPERATIONS, original: 'template === undefined', replacement: 'true', reason: 'Equivalent: the per-operation template is a cache; building it again gives the same path.' },
  { file: OPERATIONS, original: 'op.query.length === 0', replacement: 'false', reason: 'Equivalent: an operation without query names builds an empty search, and an empty search returns the bare path.' },
  { file: OPERATIONS, original: "''", replacement: '"Stryker was here!"', reason: 'Unreachable: the configuration requires AUTHLETE_SERVICE_ID with API v3, and the sandbox always has one.' },
  { file: SCAN, original: 'byte !== undefined', replacement: 'true', reason: 'Equivalent: undefined >= 0x30 is false, so isDigit(undefined) is false either way.' },
  { file: SCAN, original: 'i < 0', replacement: 'i <= 0', reason: MINUS_ONE },
  { file: SCAN, original: 'next < 0', replacement: 'next <= 0', reason: MINUS_ONE },
  { file: SCAN, original: 'i < 0', replacement: 'false', reason: IGNORED_FAILURE },
  { file: SCAN, original: 'next < 0', replacement: 'false', reason: IGNORED_FAILURE },
  { file: SCAN, original: 'i < bytes.length', replacement: 'true', reason: PAST_END },
  { file: SCAN, original: 'i < bytes.length', replacement: 'i <= bytes.length', reason: PAST_END },
  { file: SCAN, original: 'i < end', replacement: 'true', reason: PAST_END },
  { file: SCAN, original: 'i < end', replacement: 'i <= end', reason: PAST_END },
  { file: SCAN, original: 'bytes[i] !== 0x30', replacement: 'true', reason: 'Equivalent: the branch before it already took a leading 0.' },
  { file: SCAN, original: '-1', replacement: '+1', reason: PLUS_ONE },
  { file: JSON_TS, original: '!hasLongIntegers', replacement: 'false', reason: 'Equivalent in result: the reviver is then always used, which only costs time (the scan exists to skip it).' },
  { file: JSON_TS, original: "typeof value === 'number'", replacement: 'true', reason: 'Equivalent: a value that is not a number has a source that is not an integer literal (or none), so the regular expression refuses it.' },
  { file: JSON_TS, original: 'context?.source !== undefined', replacement: 'true', reason: 'Equivalent: without a source (objects, arrays) the test reads "undefined", which is not an integer literal.' },
  { file: JSON_TS, original: 'context?.source', replacement: 'context.source', reason: 'Equivalent on Node 24: JSON.parse always passes the context to a reviver.' },
  ...[
    { original: "typeof team === 'string' && team !== ''", replacement: 'true' },
    { original: "typeof team === 'string' && team !== ''", replacement: "typeof team === 'string' || team !== ''" },
    { original: "typeof team === 'string'", replacement: 'true' },
    { original: "team !== ''", replacement: 'true' },
    { original: "''", replacement: '"Stryker was here!"' }
  ].map(mutant => ({ file: CALLER, ...mutant, line: 42, reason: TEAMS_NOT_EMPTY })),
  { file: 'src/http/write-pipeline.ts', original: "'5.x'", replacement: '""', reason: 'Harmless: fastify-plugin then checks no Fastify version at registration; the project pins Fastify 5, so no run can tell.' },
  { file: PERMISSIONS, original: "'admin'", replacement: '""', line: 63, reason: 'Killed since by test/console/permissions.test.ts "decisionPermission ...should offer approve, reject and withdraw as the server\'s separation of duties decides, with the reason" (an admin approves a secret refresh or update that the rule gives editors; the mutant applied by hand fails it).' },
  { file: PERMISSIONS, original: "''", replacement: '"Stryker was here!"', line: 88, reason: 'Equivalent: hasRole reads only the roles of the identity it builds; its username is never read.' },
  // policy group: rules
  /* eslint-disable no-template-curly-in-string -- the sources' template literals, as text */
  ...[
    { original: "'dpopRequired'", replacement: '""' },
    { original: "'Set dpopRequired to true, or remove REFRESH_TOKEN from grantTypes'", replacement: '""' },
    { original: "() => 'Set dpopRequired to true, or remove REFRESH_TOKEN from grantTypes'", replacement: '() => undefined' },
    { original: "'Create the client as CONFIDENTIAL, authenticating with PRIVATE_KEY_JWT or mTLS'", replacement: '""' },
    { original: "() => 'Create the client as CONFIDENTIAL, authenticating with PRIVATE_KEY_JWT or mTLS'", replacement: '() => undefined' },
    { original: "'Set tokenAuthMethod to PRIVATE_KEY_JWT (with jwks or jwksUri) or TLS_CLIENT_AUTH / SELF_SIGNED_TLS_CLIENT_AUTH (with the certificate settings)'", replacement: '""' },
    { original: "() => 'Set tokenAuthMethod to PRIVATE_KEY_JWT (with jwks or jwksUri) or TLS_CLIENT_AUTH / SELF_SIGNED_TLS_CLIENT_AUTH (with the certificate settings)'", replacement: '() => undefined' },
    { original: "'Set dpopRequired to true, or tlsClientCertificateBoundAccessTokens to true for mTLS-bound tokens'", replacement: '""' },
    { original: "() => 'Set dpopRequired to true, or tlsClientCertificateBoundAccessTokens to true for mTLS-bound tokens'", replacement: '() => undefined' },
    { original: "'parRequired'", replacement: '""' },
    { original: "'Set parRequired to true'", replacement: '""' },
    { original: "() => 'Set parRequired to true'", replacement: '() => undefined' },
    { original: "'is not CODE'", replacement: '""' },
    { original: '{\n    message: `responseTypes includes ${item}: FAPI 2.0 accepts only the code response type. Accepted: CODE`,\n    fix: `Remove ${item} from responseTypes, keeping CODE`\n  }', replacement: '{}' },
    { original: 'item => ({\n    message: `responseTypes includes ${item}: FAPI 2.0 accepts only the code response type. Accepted: CODE`,\n    fix: `Remove ${item} from responseTypes, keeping CODE`\n  })', replacement: '() => undefined' },
    { original: '`responseTypes includes ${item}: FAPI 2.0 accepts only the code response type. Accepted: CODE`', replacement: '``' },
    { original: '`Remove ${item} from responseTypes, keeping CODE`', replacement: '``' }
  ].map(mutant => ({ file: 'src/policy/profile-rules.ts', ...mutant, reason: 'Killed since by test/policy/profile-rules.test.ts "violationsOf ...should word each oauth2.1 and fapi2 violation exactly: what is wrong, what is accepted and the fix" (the mutant applied by hand fails it).' })),
  ...[
    { original: "'fapi2'", replacement: '""' }
  ].map(mutant => ({ file: 'src/policy/profile-rules.ts', ...mutant, reason: "Equivalent: fapi2 is the last of PROFILES, and fromProfile('') slices from indexOf -1, which is the last profile alone: ['fapi2'] either way." })),
  ...[
    { original: "'the implicit grant returns access tokens in the redirect, where they leak and can be replayed'", replacement: '""' },
    { original: "'use AUTHORIZATION_CODE with PKCE instead'", replacement: '""' },
    { original: "'use AUTHORIZATION_CODE with PKCE (or CLIENT_CREDENTIALS for a client acting on its own behalf)'", replacement: '""' },
    { original: '`Remove ${item} from responseTypes; use CODE and get tokens from the token endpoint`', replacement: '``' },
    { original: '`Set ${property} to true`', replacement: '``' },
    { original: '() => `Set ${property} to true`', replacement: '() => undefined' },
    { original: "'without PKCE a stolen or injected authorization code can be redeemed'", replacement: '""' },
    { original: "'the plain method sends the verifier itself as the challenge'", replacement: '""' },
    { original: "'Set tokenAuthMethod to NONE (with PKCE), or make the client CONFIDENTIAL if it runs on a server'", replacement: '""' },
    { original: "() => 'Set tokenAuthMethod to NONE (with PKCE), or make the client CONFIDENTIAL if it runs on a server'", replacement: '() => undefined' },
    { original: "'List each redirect URI in full, one entry per URI'", replacement: '""' },
    { original: "'Use https, or for a native app the loopback IP literal or a reverse-domain scheme it owns'", replacement: '""' }
  ].map(mutant => ({ file: 'src/policy/baseline-rules.ts', ...mutant, reason: 'Killed since by test/policy/baseline-rules.test.ts "violationsOf ...should word each baseline violation exactly: what is wrong, why, what is accepted and the fix" (the mutant applied by hand fails it).' })),
  ...[
    { original: "'returns an access token'", replacement: '""' },
    { original: "'has a wildcard'", replacement: '""' }
  ].map(mutant => ({ file: 'src/policy/baseline-rules.ts', ...mutant, reason: 'Equivalent: listViolations reads this reason only to tell an offending item from a good one (undefined), which "" still does, and this rule\'s message does not show the reason.' })),
  ...[
    { original: 'client[property] !== undefined && client[property] !== null', replacement: 'true' },
    { original: 'client[property] !== undefined && client[property] !== null', replacement: 'false' },
    { original: 'client[property] !== undefined && client[property] !== null', replacement: 'client[property] !== undefined || client[property] !== null' },
    { original: 'client[property] !== undefined', replacement: 'true' },
    { original: 'client[property] !== undefined', replacement: 'client[property] === undefined' },
    { original: 'client[property] !== null', replacement: 'true' },
    { original: 'client[property] !== null', replacement: 'client[property] === null' },
    { original: '(client: Client, property: string): boolean => client[property] !== undefined && client[property] !== null', replacement: '() => undefined' }
  ].map(mutant => ({ file: 'src/policy/client-facts.ts', ...mutant, reason: 'Gone since: isSet had no caller and was removed from src/policy/client-facts.ts, so these mutants no longer exist.' })),
  ...[
    { original: "value.filter((item): item is string => typeof item === 'string')", replacement: 'value' },
    { original: "typeof item === 'string'", replacement: 'true' },
    { original: '[]', replacement: '["Stryker was here"]' }
  ].map(mutant => ({ file: 'src/policy/client-facts.ts', ...mutant, reason: 'Equivalent: listOf is read only by usesCode and usesRefreshTokens, which ask whether the list includes one grant name: an item that is not a string never equals it, and "Stryker was here" is no grant name.' })),
  ...[
    { original: 'extension === null', replacement: 'false' },
    { original: "typeof value === 'number'", replacement: 'true' }
  ].map(mutant => ({ file: 'src/policy/client-facts.ts', ...mutant, reason: 'Killed since by test/policy/limit-rules.test.ts "durationOf ...should read a duration only from a number in an extension object, else 0 (not set) as Authlete does" (the mutant applied by hand fails it).' })),
  ...[
    { original: 'false', replacement: 'true' },
    { original: '!isWildcard(wider)', replacement: 'false' },
    { original: 'base === baseOf(wider) || hostMatches(wider, base)', replacement: 'true' }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Killed since by test/policy/redirect-uris.test.ts "patternCoveredBy ...should cover a wildcard only by a wildcard over the same or a wider domain, never by an exact host" (the mutant applied by hand fails it).' })),
  ...[
    { original: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', replacement: '/127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/' }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Equivalent: the WHATWG URL parser reads a host that ends in a number as an IPv4 address and writes it as four decimal parts (http://a.127.0.0.1/ and http://x127.0.0.1/ are not URLs), so a hostname that ends like 127.x.y.z has nothing before the 127.' })),
  ...[
    { original: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', replacement: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}/' },
    { original: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', replacement: '/^127\\.\\d\\.\\d{1,3}\\.\\d{1,3}$/' },
    { original: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', replacement: '/^127\\.\\d{1,3}\\.\\d\\.\\d{1,3}$/' },
    { original: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', replacement: '/^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d$/' }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Killed since by test/policy/baseline-rules.test.ts "redirect-uri-https ...should accept https, http on loopback IP literals and reverse-domain schemes; refuse the rest, saying what is accepted" (the mutant applied by hand fails it).' })),
  ...[
    { original: '{\n    return undefined\n  }', replacement: '{}' }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Equivalent: a function that ends without a return gives undefined.' })),
  ...[
    { original: 'url === undefined', replacement: 'false', line: 43 },
    { original: "'.'", replacement: '""', line: 46 }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Killed since by test/policy/redirect-uris.test.ts "redirectHost ...should give the host of an http(s) URI, the reversed domain of a private-use scheme, else none" (the mutant applied by hand fails it).' })),
  ...[
    { original: "url.hostname === ''", replacement: 'false' },
    { original: "''", replacement: '"Stryker was here!"' }
  ].map(mutant => ({ file: 'src/policy/redirect-uris.ts', ...mutant, reason: 'Unreachable: the WHATWG URL parser refuses an http(s) URL without a host (https:// and http://:80/ are not URLs; http:///x reads as host x), so a parsed http(s) URL always has a hostname.' })),
  ...[
    { original: 'values === undefined', replacement: 'false' }
  ].map(mutant => ({ file: 'src/policy/limit-rules.ts', ...mutant, reason: 'Gone since: the branch was unreachable (evaluate runs a limit rule only when its active says the limit is set, so listed always gets a list) and was removed from src/policy/limit-rules.ts.' })),
  ...[
    { original: "'has no host to check'", replacement: '""' },
    { original: "'Use a redirect URI on one of the accepted hosts, or ask the platform team to add the host to the policy'", replacement: '""' },
    { original: '`Remove ${item} from grantTypes`', replacement: '``' },
    { original: '`Set tokenAuthMethod to one of ${listed(limits.tokenAuthMethods)}`', replacement: '``' },
    { original: 'limits => `Set tokenAuthMethod to one of ${listed(limits.tokenAuthMethods)}`', replacement: '() => undefined' },
    { original: '`Set extension.${name} to at most ${max}`', replacement: '``' }
  ].map(mutant => ({ file: 'src/policy/limit-rules.ts', ...mutant, reason: 'Killed since by test/policy/limit-rules.test.ts "violationsOf ...should word each limit violation exactly: what is wrong, what the policy accepts and the fix" (the mutant applied by hand fails it).' })),
  ...[
    { original: "'is not allowed'", replacement: '""' }
  ].map(mutant => ({ file: 'src/policy/limit-rules.ts', ...mutant, reason: 'Equivalent: listViolations reads this reason only to tell an offending item from a good one (undefined), which "" still does, and this rule\'s message does not show the reason.' })),
  /* eslint-enable no-template-curly-in-string */
  // history and versions groups
  ...[
    "Authlete\\'s internal sequence number: it never changes and tells a reader nothing",
    'the same for every client of the service',
    'the secret itself: a secret change is a version that says so, never the value',
    'the hash of a bearer credential (RFC 7592): whoever holds the token changes the client'
  ].flatMap(text => [{ original: `{ dropped: '${text}' }`, replacement: '{}' }, { original: `'${text}'`, replacement: '""' }])
    .map(mutant => ({ file: 'src/history/stored-state.ts', ...mutant, reason: 'Harmless: a dropped property\'s reason is for whoever reads the list; storedState only asks whether the decision is an object, and {} still is one (test/history/stored-state.test.ts checks that every dropped property is left out).' })),
  { file: 'src/history/stored-state.ts', original: "'extension'", replacement: '""', reason: 'Equivalent: storedState gives every decision that is neither \'kept\', \'jwks\' nor an object the extension\'s treatment (its allow-list), and nothing else reads a decision\'s text.' },
  { file: 'src/history/stored-state.ts', original: '!isPlainObject(value)', replacement: 'false', reason: 'Equivalent: a JSON value that is not an object (string, number, boolean, list) has none of the extension\'s property names, so picking from it gives {} too (null was left out before).' },
  { file: 'src/history/stored-state.ts', original: 'value[name] !== undefined', replacement: 'true', reason: 'Equivalent: the extension then holds its missing properties as undefined, which canonicalJson (the version\'s hash) and JSON.stringify (the stored row and every answer) leave out, and which the diff reads as null, the same as absent.' },
  { file: 'src/history/stored-state.ts', original: '{\n    return undefined\n  }', replacement: '{}', reason: 'Equivalent: a catch block that returns nothing returns undefined too.' },
  ...[
    { original: "'unknown'", replacement: '""' },
    { original: "typeof key.kty === 'string'", replacement: 'true' },
    { original: "typeof value === 'string'", replacement: 'true' }
  ].map(mutant => ({ file: 'src/history/stored-state.ts', ...mutant, reason: 'Killed since by test/history/stored-state.test.ts "storedJwks ...should reduce a key of an unknown type, whatever it is named, and keep of kid, use and alg only strings" (the mutant applied by hand fails it).' })),
  ...["'key_ops'", "'x5u'", "'x5c'", "'x5t'", "'x5t#S256'"].map(original => ({
    file: 'src/history/stored-state.ts', original, replacement: '""', reason: 'Killed since by test/history/stored-state.test.ts "storedJwks ...should keep whole a public key with every descriptive member of RFC 7517 §4" (the mutant applied by hand fails it).'
  })),
  ...[
    { original: "typeof jwks === 'string'", replacement: 'true' },
    { original: 'set.keys.every(isPlainObject)', replacement: 'set.keys.some(isPlainObject)' },
    { original: 'value !== null', replacement: 'true' }
  ].map(mutant => ({ file: 'src/history/stored-state.ts', ...mutant, reason: 'Killed since by test/history/stored-state.test.ts "storedJwks ...should store a set of public keys whole, rebuildable for upstream, and nothing of a string that is not a JWK Set" (the mutant applied by hand fails it).' })),
  ...['responseTypes', 'responseModes', 'requestUris', 'authorizationDetailsTypes', 'clientRegistrationTypes', 'fapiModes', 'clientNames', 'descriptions', 'logoUris', 'tosUris', 'policyUris', 'clientUris'].map(name => ({
    file: 'src/history/diff.ts', original: `'${name}'`, replacement: '""', reason: 'Killed since by test/history/diff.test.ts "diffStates ...should compare every list whose order means nothing as a set" (the mutant applied by hand fails it).'
  })),
  { file: 'src/history/diff.ts', original: 'after?.keys', replacement: 'after.keys', reason: 'Killed since by test/history/diff.test.ts "diffStates ...should compare JWK Sets key by key: kid order is no change, a new or dropped key is added or removed, new material under a kid is both" (the mutant applied by hand fails it).' },
  ...[
    { original: 'after === null', replacement: 'false' },
    { original: 'value !== null', replacement: 'true' }
  ].map(mutant => ({ file: 'src/history/diff.ts', ...mutant, reason: 'Killed since by test/history/diff.test.ts "diffStates ...should compare the extension property by property, and tell no requestable scopes from an empty set" (the mutant applied by hand fails it).' })),
  { file: 'src/history/diff.ts', original: "property === 'jwks'", replacement: 'true', reason: 'Equivalent: jwks is the only property of a stored state whose value is an object with a keys list (the client schema\'s only other object, the extension, is compared property by property, and a list\'s keys is a method), so no other property passes isKeySetOrNull on both sides.' },
  { file: 'src/history/diff.ts', original: '[]', replacement: '["Stryker was here"]', reason: 'Harmless: the default for an absent list is only where the other list\'s elements are looked up; one made-up element there changes the diff of a list holding that very text as an element and nothing else (a test for it would have to know the mutant\'s text).' },
  { file: 'src/history/diff.ts', original: "typeof value === 'object'", replacement: 'true', reason: 'Equivalent: a string, number or boolean has no keys list (its keys is undefined), so Array.isArray refuses it either way.' },
  ...["entry.kind === 'outcome'", 'data.version !== undefined', 'data.versionClientId !== undefined', 'data.versionHash !== undefined'].map(original => ({
    file: 'src/history/verify-versions.ts', original, replacement: 'true', reason: 'Equivalent: linkVersion (src/history/stores/version-rows.ts) writes version, versionClientId and versionHash into an outcome\'s data together or not at all, and no intent or checkpoint has them (the chain\'s hash keeps the data as written), so the other checks decide alone.'
  })),
  ...[
    { original: "entry.kind === 'outcome' && data.version !== undefined && data.versionClientId !== undefined", replacement: 'true' },
    { original: "entry.kind === 'outcome' && data.version !== undefined && data.versionClientId !== undefined && data.versionHash !== undefined", replacement: "entry.kind === 'outcome' && data.version !== undefined && data.versionClientId !== undefined || data.versionHash !== undefined" },
    { original: "entry.kind === 'outcome' && data.version !== undefined && data.versionClientId !== undefined", replacement: "entry.kind === 'outcome' && data.version !== undefined || data.versionClientId !== undefined" },
    { original: "entry.kind === 'outcome' && data.version !== undefined", replacement: 'true' },
    { original: "entry.kind === 'outcome' && data.version !== undefined", replacement: "entry.kind === 'outcome' || data.version !== undefined" }
  ].map(mutant => ({ file: 'src/history/verify-versions.ts', ...mutant, reason: 'Equivalent: linkVersion (src/history/stores/version-rows.ts) writes version, versionClientId and versionHash into an outcome\'s data together or not at all, and no intent or checkpoint has them (the chain\'s hash keeps the data as written), so the other checks decide alone.' })),
  ...[
    { original: "name === 'jwks'", replacement: 'true' },
    { original: "name === 'jwks'", replacement: "name !== 'jwks'" }
  ].map(mutant => ({ file: 'src/history/restorable.ts', ...mutant, reason: 'Killed since by test/history/restorable.test.ts "replacementFrom ...should send a JWK Set of public keys back as it was, and clear one the version did not have" (the other properties go back beside the keys; the mutant applied by hand fails it).' })),
  { file: 'src/history/external-changes.ts', original: 'isNewer(modifiedAt, known.get(clientId) ?? null)', replacement: 'true', reason: 'Harmless: the cache may then hold an older modifiedAt (only when two recordings of one client finish out of order), which costs one more look at the store on the next read; whether a version is recorded is decided against the store\'s latest version, never the cache.' },
  { file: 'src/history/external-changes.ts', original: '[]', replacement: '["Stryker was here"]', line: 90, reason: 'Equivalent: the calls list collects what a request did for its audit record; the sweep writes no record from it, and drops it unread.' },
  { file: 'src/history/external-changes.ts', original: '[]', replacement: '["Stryker was here"]', line: 91, reason: 'Harmless: only an answer without a clients list (none in Authlete\'s documents for a page of a list) would be walked as a string, each check failing into the error log and recording nothing.' },
  { file: 'src/history/external-changes.ts', original: 'modifiedAt === null', replacement: 'false', reason: 'Equivalent: isNewer(null, ...) is false, so a null modifiedAt is not remembered either way.' },
  { file: 'src/history/external-changes.ts', original: "typeof client.modifiedAt === 'number'", replacement: 'true', reason: 'Unreachable: Authlete (both API generations, and the emulator) answers every client with its modifiedAt, a number; only a client without one would be compared as undefined instead of null.' },
  { file: 'src/history/external-changes.ts', original: 'recorded !== undefined', replacement: 'true', reason: EXTERNAL_GONE },
  { file: 'src/history/external-changes.ts', original: 'recorded !== undefined', replacement: 'false', reason: EXTERNAL_GONE },
  { file: 'src/history/external-changes.ts', original: 'recorded !== undefined', replacement: 'recorded === undefined', reason: EXTERNAL_GONE },
  { file: 'src/history/external-changes.ts', original: '{\n      await request.externalVersion\n    }', replacement: '{}', reason: EXTERNAL_GONE },
  ...['false', 'known.size > KNOWN_LIMIT'].map(replacement => ({
    file: 'src/history/external-changes.ts', original: 'known.size >= KNOWN_LIMIT', replacement, reason: 'Harmless: the bound only keeps the cache of seen modifiedAt values under 10,000 clients; without it, or one client later, only memory differs (test/history/external.test.ts "...should look the last version up once per modifiedAt..." kills a cache cleared every time).'
  })),
  // policy group: policy-file, evaluate, rule
  /* eslint-disable no-template-curly-in-string -- the originals are source text with template literals */
  { file: POLICY_FILE, original: '[]', replacement: '["Stryker was here"]', reason: FILE_WEAKER },
  { file: POLICY_FILE, original: '{ approvals: file.approvals }', replacement: '{}', reason: FILE_READ },
  { file: POLICY_FILE, original: 'file.approvals === undefined', replacement: 'true', reason: FILE_READ },
  { file: POLICY_FILE, original: 'file.approvals === undefined', replacement: 'file.approvals !== undefined', reason: FILE_READ },
  { file: POLICY_FILE, original: 'file.approvals === undefined', replacement: 'false', reason: 'Equivalent: approvals: undefined is read as no approvals (approvalRules takes file.approvals ?? []), and nothing serialises the policy object itself.' },
  { file: POLICY_FILE, original: '{ description: `must be ${PROFILE_RULE}` }', replacement: '{}', reason: FILE_REFUSED },
  { file: POLICY_FILE, original: "{ description: `must be a rule ID: ${RULE_IDS.join(', ')}` }", replacement: '{}', reason: RULE_ID_LIST },
  { file: POLICY_FILE, original: "`must be a rule ID: ${RULE_IDS.join(', ')}`", replacement: '``', reason: RULE_ID_LIST },
  { file: POLICY_FILE, original: "', '", replacement: '""', reason: 'Killed since by test/policy/policy-file.test.ts "RuleIdSchema ...should accept the rule IDs and nothing else" (the rule IDs\' join) and "parsePolicy ...should refuse a team setting weaker than the global one, naming it" (the global list in the message): each mutant applied by hand fails its test.' },
  ...['\'host patterns\'', '\'grant types\'', '\'client authentication methods\'', '\'must be a mapping of limits\'', '\'must be a mapping with profile, rules and approvals\''].map(original => ({ file: POLICY_FILE, original, replacement: '""', reason: FILE_REFUSED })),
  { file: POLICY_FILE, original: '`must be a mapping of team names (${TEAM_NAME_RULE}) to a profile and rules`', replacement: '``', reason: FILE_REFUSED },
  { file: POLICY_FILE, original: '/:$/', replacement: '/:/', reason: FILE_REFUSED },
  { file: POLICY_FILE, original: "''", replacement: '"Stryker was here!"', line: 110, reason: 'Unreachable: split gives at least one segment, so at(-1) is never undefined; the fallback is gone (the key is now sliced after the last /).' },
  { file: POLICY_FILE, original: "''", replacement: '"Stryker was here!"', reason: FILE_REFUSED },
  { file: POLICY_FILE, original: '/^must be /', replacement: '/must be /', reason: 'Equivalent: the description of every required property (profile, an approval rule\'s action) starts with must be, so the first occurrence is the leading one.' },
  { file: POLICY_FILE, original: '/^\\uFEFF/', replacement: '/\\uFEFF/', reason: FILE_REFUSED },
  { file: POLICY_FILE, original: 'allowed.some(wider => patternCoveredBy(value, wider))', replacement: 'allowed.every(wider => patternCoveredBy(value, wider))', reason: FILE_WEAKER },
  { file: POLICY_FILE, original: '(await stat(options.file)).size > MAX_FILE_BYTES', replacement: '(await stat(options.file)).size >= MAX_FILE_BYTES', reason: FILE_LOADED },
  { file: POLICY_FILE, original: "(issue.params.requiredProperties as string[] | undefined)?.[0] ?? 'profile'", replacement: "(issue.params.requiredProperties as string[] | undefined)?.[0] && 'profile'", reason: 'Killed since by test/policy/policy-file.test.ts "parsePolicy ...should refuse a file with the JSON pointer of its first error and what is accepted there" (a missing approval action: the mutant gives /approvals/0/profile); the line is now missingProperty, without a fallback.' },
  { file: POLICY_FILE, original: '(issue.params.requiredProperties as string[] | undefined)?.[0]', replacement: '(issue.params.requiredProperties as string[] | undefined)[0]', reason: 'Equivalent: Value.Errors gives every required issue its requiredProperties; the line is now missingProperty, without the optional chain.' },
  { file: POLICY_FILE, original: "'profile'", replacement: '""', reason: 'Unreachable: Value.Errors gives every required issue its requiredProperties; the fallback is gone (missingProperty).' },
  { file: POLICY_FILE, original: "'yaml'", replacement: '""', reason: 'Equivalent: the format is only ever compared with \'json\', so any other value parses YAML and names YAML in the error.' },
  { file: POLICY_FILE, original: '/^Source contains multiple documents.*? at /', replacement: '/Source contains multiple documents.*? at /', reason: 'Equivalent: the phrase can only begin the yaml parser\'s own message: JSON.parse quotes at most 20 characters of the text, and the YAML messages that quote it quote names without spaces (aliases, tags).' },
  { file: POLICY_FILE, original: '{ uniqueKeys: true, maxAliasCount: 100 }', replacement: '{}', reason: 'Equivalent on yaml 2.9: both are its defaults (Document.js, toJS); they are written out so that a change of default cannot loosen the parse (duplicate keys are refused: the refusal test checks it).' },
  { file: POLICY_FILE, original: '/^#\\/?/', replacement: '/#\\/?/', reason: 'Equivalent: every schemaPath begins with #, so the first # is the anchored one.' },
  { file: POLICY_FILE, original: '/\\/additionalProperties$/', replacement: '/\\/additionalProperties/', reason: 'Equivalent: no property or pattern of the schema is named additionalProperties, so the segment occurs once, last.' },
  { file: POLICY_FILE, original: '(node as Record<string, unknown> | undefined)?.[keyOf(part)]', replacement: '(node as Record<string, unknown> | undefined)[keyOf(part)]', reason: SCHEMA_PATHS_RESOLVE },
  { file: POLICY_FILE, original: 'parent?.patternProperties', replacement: 'parent.patternProperties', reason: SCHEMA_PATHS_RESOLVE },
  { file: POLICY_FILE, original: 'schemaAt(issue.schemaPath)?.description', replacement: 'schemaAt(issue.schemaPath).description', reason: SCHEMA_PATHS_RESOLVE },
  { file: POLICY_FILE, original: "issue.keyword === 'enum'", replacement: 'true', reason: ONLY_ENUMS_UNDESCRIBED },
  { file: POLICY_FILE, original: '`is invalid (${issue.keyword})`', replacement: '``', reason: ONLY_ENUMS_UNDESCRIBED },
  { file: POLICY_FILE, original: "name === 'redirectUriHosts'", replacement: 'true', reason: 'Equivalent: for a value without *. patternCoveredBy is equality ignoring case, and the grant types and token auth methods are distinct upper-case enum values, so it agrees with includes().' },
  ...['limit !== undefined && value !== undefined', 'limit !== undefined', 'value !== undefined'].map(original => ({ file: POLICY_FILE, original, replacement: 'true', reason: NO_LIMIT_NO_COMPARISON })),
  { file: POLICY_FILE, original: 'limit !== undefined && value !== undefined', replacement: 'limit !== undefined || value !== undefined', reason: NO_LIMIT_NO_COMPARISON },
  { file: EVALUATE, original: 'global === undefined', replacement: 'false', reason: TEAM_LIMITS },
  { file: EVALUATE, original: 'global.some(wider => patternCoveredBy(pattern, wider))', replacement: 'global.every(wider => patternCoveredBy(pattern, wider))', reason: TEAM_LIMITS },
  ...[
    { original: 'team !== null && Object.hasOwn(policy.teams, team)', replacement: 'true' },
    { original: 'team !== null && Object.hasOwn(policy.teams, team)', replacement: 'team !== null || Object.hasOwn(policy.teams, team)' },
    { original: 'team !== null', replacement: 'true' }
  ].map(mutant => ({ file: EVALUATE, ...mutant, reason: NULL_TEAM })),
  { file: EVALUATE, original: "'grantTypes'", replacement: '""', reason: RATCHET_LISTS },
  { file: EVALUATE, original: "'responseTypes'", replacement: '""', reason: RATCHET_LISTS },
  { file: EVALUATE, original: 'nested !== null', replacement: 'true', line: 66, reason: NON_OBJECT_EXTENSION },
  ...[
    { original: "typeof nested === 'object' && nested !== null", replacement: 'true' },
    { original: "typeof nested === 'object' && nested !== null", replacement: "typeof nested === 'object' || nested !== null" },
    { original: "typeof nested === 'object'", replacement: 'true' }
  ].map(mutant => ({ file: EVALUATE, ...mutant, reason: NON_OBJECT_EXTENSION })),
  { file: EVALUATE, original: 'nested !== null', replacement: 'true', line: 73, reason: 'Equivalent: spreading null gives no members, the same as spreading {}.' },
  { file: EVALUATE, original: 'profileRank(a) >= profileRank(b)', replacement: 'profileRank(a) > profileRank(b)', reason: 'Equivalent: equal ranks are the same profile, so either one is returned.' },
  { file: EVALUATE, original: 'Object.entries(limits).filter(([, value]) => value !== undefined)', replacement: 'Object.entries(limits)', reason: UNDEFINED_LIMITS },
  { file: EVALUATE, original: 'value !== undefined', replacement: 'true', reason: UNDEFINED_LIMITS },
  { file: EVALUATE, original: 'rule.active?.(limits)', replacement: 'rule.active(limits)', reason: 'Unreachable: every rule whose profiles is \'team\' (src/policy/limit-rules.ts, five rules) has an active; the chain is for a rule written without.' },
  { file: EVALUATE, original: '[]', replacement: '["Stryker was here"]', line: 54, reason: 'Unreachable: an EffectivePolicy is made only by policyFor, whose rules are ALL_RULES\' infos, so ruleById always finds the rule.' },
  { file: EVALUATE, original: '[]', replacement: '["Stryker was here"]', line: 115, reason: 'Equivalent: on create the set then holds the identity of a string, [null,null,null], which no violation has (each has a rule and a property).' },
  { file: RULE, original: "'is not a string'", replacement: '""', reason: NON_STRING_ELEMENT },
  { file: RULE, original: "typeof item === 'string'", replacement: 'true', reason: NON_STRING_ELEMENT },
  /* eslint-enable no-template-curly-in-string */
  // approvals and pipeline groups
  ...[
    { original: '{ rejection: request.rejection }', replacement: '{}' },
    { original: '{ decidedAt: request.decidedAt }', replacement: '{}' },
    { original: 'request.rejection === undefined', replacement: 'true' },
    { original: 'request.rejection === undefined', replacement: 'false' },
    { original: 'request.rejection === undefined', replacement: 'request.rejection !== undefined' },
    { original: 'request.decidedAt === undefined', replacement: 'true' },
    { original: 'request.decidedAt === undefined', replacement: 'false' },
    { original: 'request.decidedAt === undefined', replacement: 'request.decidedAt !== undefined' },
    { original: 'request.result === undefined', replacement: 'false' }
  ].map(mutant => ({ file: CHANGE_REQUEST, ...mutant, reason: VIEW })),
  { file: CHANGE_REQUEST, original: 'roles.some(held => RANK[held] >= RANK[role])', replacement: 'roles.every(held => RANK[held] >= RANK[role])', reason: ROLES },
  // eslint-disable-next-line no-template-curly-in-string -- a template literal of the sources, as text
  { file: APPROVAL_RULES, original: "{ description: `must be one of ${APPROVAL_ACTIONS.join(', ')}` }", replacement: '{}', reason: ACTION_MESSAGE },
  ...[
    { original: "', '", replacement: '""' },
    { original: "{ description: 'must be a writable client property (docs/clients.md)' }", replacement: '{}' },
    { original: "'must be a writable client property (docs/clients.md)'", replacement: '""' },
    { original: "{ minItems: 1, uniqueItems: true, maxItems: 100, description: 'must be a list of writable client properties, each once (client.update and client.patch only)' }", replacement: '{}' },
    { original: 'true', replacement: 'false', line: 17 },
    { original: "'must be a list of writable client properties, each once (client.update and client.patch only)'", replacement: '""' },
    { original: "'must be a whole number of approvals, 1 to 10'", replacement: '""' },
    { original: "['editor', 'admin']", replacement: '[]' },
    { original: '{\n    role: Type.Optional(Type.Enum([\'editor\', \'admin\'], { description: \'must be editor or admin\' })),\n    team: Type.Optional(Type.String({ pattern: TEAM_NAME.source, description: \'must be a team name\' }))\n  }', replacement: '{}' },
    { original: "'editor'", replacement: '""' },
    { original: "'admin'", replacement: '""' },
    { original: "{ description: 'must be editor or admin' }", replacement: '{}' },
    { original: "'must be editor or admin'", replacement: '""' },
    { original: "{ pattern: TEAM_NAME.source, description: 'must be a team name' }", replacement: '{}' },
    { original: "'must be a team name'", replacement: '""' },
    { original: "{ additionalProperties: false, description: 'must be a mapping with role and/or team' }", replacement: '{}' },
    { original: 'false', replacement: 'true', line: 22 },
    { original: "'must be a mapping with role and/or team'", replacement: '""' },
    { original: "{ maxItems: APPROVAL_ACTIONS.length, description: 'must be a list of approval rules, one per action' }", replacement: '{}' },
    { original: "'must be a list of approval rules, one per action'", replacement: '""' },
    { original: "'must be a mapping with action, and optionally properties, quorum and approvers'", replacement: '""' }
  ].map(mutant => ({ file: APPROVAL_RULES, ...mutant, reason: APPROVALS_IN_POLICY_FILE })),
  { file: APPROVAL_RULES, original: '{ global: [], teams: {} }', replacement: '{}', line: 44, reason: UNUSED_NO_APPROVALS },
  { file: APPROVAL_RULES, original: '[]', replacement: '["Stryker was here"]', line: 44, reason: UNUSED_NO_APPROVALS },
  { file: APPROVAL_RULES, original: 'rule.properties === undefined', replacement: 'false', reason: PROPERTIES_UNDEFINED },
  { file: APPROVAL_RULES, original: 'fromFile.some(rule => rule.action === action)', replacement: 'fromFile.every(rule => rule.action === action)', reason: VARIABLE },
  { file: APPROVAL_RULES, original: 'team === null', replacement: 'false', reason: APPROVALS_NULL_TEAM },
  { file: APPROVAL_RULES, original: "'client.patch'", replacement: '""', reason: PATCH },
  { file: APPROVAL_RULES, original: "team === '*'", replacement: 'false', reason: NO_TEAM_STAR },
  { file: APPROVAL_RULES, original: "'*'", replacement: '""', reason: NO_TEAM_STAR },
  { file: SECRET_BOX, original: "'authlete-bff'", replacement: '""', reason: SEALED_BEFORE },
  { file: SECRET_BOX, original: "'change-request contents'", replacement: '""', reason: SEALED_BEFORE },
  { file: SECRET_BOX, original: "'utf8'", replacement: '""', reason: UTF8_DEFAULT }
]
