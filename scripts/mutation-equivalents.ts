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
const AUDITED = 'Equivalent: only a mutating /api route gets here, and each names an audit action in its config (test/audit/audit-log.test.ts fails on one without), so neither config nor audit is undefined.'
const PLUGIN_META = 'Harmless: fastify-plugin\'s name, Fastify version range and dependency list only guard the registration, which buildApp does in order; no plugin depends on this one by name.'

const CALLER = 'src/console/app/caller.ts'
const PERMISSIONS = 'src/console/app/permissions.ts'
const TEAMS_NOT_EMPTY = 'Equivalent: the guard keeps an empty or non-string developer out of the includes() below, but a session\'s teams are team names or *, never empty strings (every source of teams keeps only what isTeamName accepts, src/teams/membership.ts), so includes() of such a value is false either way.'
// approvals and pipeline groups
const APPROVAL_RULES = 'src/approvals/approval-rules.ts'
const CHANGE_REQUEST = 'src/approvals/change-request.ts'
const SECRET_BOX = 'src/approvals/secret-box.ts'
const killedByRulesTest = (test: string): string => `Killed since by test/approvals/rules.test.ts "${test}" (the mutant applied by hand fails it).`
const POLICY_FILE = killedByRulesTest('parsePolicy approvals ...should take approval rules globally and per team, and name the path of a bad one')
const VARIABLE = killedByRulesTest('approvalRules ...should keep every action of APPROVALS that the file has no rule for')
const NULL_TEAM = killedByRulesTest('rulesFor ...should give roles mode the global rules even when the file has a team named null')
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
  { file: UPSTREAM_ERRORS, original: '[]', replacement: '["Stryker was here"]', reason: 'Equivalent: a code that is no connection failure added to the list changes no answer.' },
  { file: UPSTREAM_ERRORS, original: "typeof code === 'string'", replacement: 'true', reason: 'Equivalent: a code that is not a string is never one of the connection failures.' },
  { file: UPSTREAM_ERRORS, original: "typeof key === 'string'", replacement: 'true', reason: 'Equivalent: Object.hasOwn turns a key that is not a string into its text, which is none of the table\'s names.' },
  { file: TRAIL, original: "'auditedIntent'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditKey'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditTarget'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'createdClientId'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditTeam'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: "'auditDenied'", replacement: '""', reason: UNDECORATED },
  { file: TRAIL, original: 'false', replacement: 'true', line: 66, reason: 'Equivalent: the flag is read again only if onSend runs twice for one request, which Fastify does only when a later onSend hook fails, and none of the app\'s onSend hooks can (they set headers).' },
  { file: TRAIL, original: "''", replacement: '"Stryker was here!"', reason: 'Unreachable: only the not-found handler has no route URL, and it has no audit action; every audited route has one.' },
  { file: TRAIL, original: 'metadata !== null', replacement: 'true', reason: 'Equivalent: the one route with a metadata property (PUT /api/clients/:clientId/registration) requires it to be an object, so it is never null here.' },
  { file: TRAIL, original: 'request.upstreamCalls?.at', replacement: 'request.upstreamCalls.at', reason: 'Equivalent: an onRequest hook sets upstreamCalls to [] on every request (src/upstream/authlete-plugin.ts), so it is never null when an outcome is written.' },
  { file: TRAIL, original: "'5.x'", replacement: '""', reason: PLUGIN_META },
  { file: TRAIL, original: "['authlete', 'sessions']", replacement: '[]', reason: PLUGIN_META },
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
  { file: PERMISSIONS, original: "''", replacement: '"Stryker was here!"', line: 88, reason: 'Equivalent: hasRole reads only the roles of the identity it builds; its username is never read.' },
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
    { original: "'must be a list of approval rules, one per action'", replacement: '""' }
  ].map(mutant => ({ file: APPROVAL_RULES, ...mutant, reason: POLICY_FILE })),
  { file: APPROVAL_RULES, original: '{ global: [], teams: {} }', replacement: '{}', line: 44, reason: UNUSED_NO_APPROVALS },
  { file: APPROVAL_RULES, original: '[]', replacement: '["Stryker was here"]', line: 44, reason: UNUSED_NO_APPROVALS },
  { file: APPROVAL_RULES, original: 'rule.properties === undefined', replacement: 'false', reason: PROPERTIES_UNDEFINED },
  { file: APPROVAL_RULES, original: 'fromFile.some(rule => rule.action === action)', replacement: 'fromFile.every(rule => rule.action === action)', reason: VARIABLE },
  { file: APPROVAL_RULES, original: 'team === null', replacement: 'false', reason: NULL_TEAM },
  { file: APPROVAL_RULES, original: "'client.patch'", replacement: '""', reason: PATCH },
  { file: APPROVAL_RULES, original: "team === '*'", replacement: 'false', reason: NO_TEAM_STAR },
  { file: APPROVAL_RULES, original: "'*'", replacement: '""', reason: NO_TEAM_STAR },
  { file: SECRET_BOX, original: "'authlete-bff'", replacement: '""', reason: SEALED_BEFORE },
  { file: SECRET_BOX, original: "'change-request contents'", replacement: '""', reason: SEALED_BEFORE },
  { file: SECRET_BOX, original: "'utf8'", replacement: '""', reason: UTF8_DEFAULT }
]
