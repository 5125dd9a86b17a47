import createError from '@fastify/error'

// The one catalogue of errors the proxy itself raises. Messages are written for the caller: they are
// shown as the problem's `detail`, so they never carry upstream internals or secret values.
export const errors = {
  Unauthenticated: createError('BFF_UNAUTHENTICATED', 'A valid session is required', 401),
  BadCredentials: createError('BFF_BAD_CREDENTIALS', 'Invalid username or password', 401),
  CsrfRejected: createError('BFF_CSRF_REJECTED', 'The x-csrf-token header is missing or does not match the session', 403),
  GatewayCsrfRejected: createError('BFF_GATEWAY_CSRF_REJECTED', 'A change with a gateway identity needs the header X-CSRF: 1 and must not come from another site: %s', 403),
  CredentialPropertyForbidden: createError('BFF_CREDENTIAL_PROPERTY_FORBIDDEN', 'Changing %s needs the admin role: it decides how the client authenticates', 403),
  Forbidden: createError('BFF_FORBIDDEN', 'This operation needs the %s role', 403),
  NotFound: createError('BFF_NOT_FOUND', 'Route %s %s not found', 404),
  ReadOnlyChanged: createError('BFF_READ_ONLY_CHANGED', 'Read-only properties differ from the client\'s current values: %s', 400),
  PreconditionFailed: createError('BFF_PRECONDITION_FAILED', 'If-Match does not match the current ETag of client %s', 412),
  PreconditionRequired: createError('BFF_PRECONDITION_REQUIRED', 'A restore needs If-Match with the client\'s current ETag (from GET /api/clients/%s), so that it cannot undo a change it has not seen', 428),
  UpstreamRejected: createError('BFF_UPSTREAM_REJECTED', 'Authlete rejected the request (result %s; its message is resultMessage)', 400),
  UpstreamCredentials: createError('BFF_UPSTREAM_CREDENTIALS', 'The upstream refused the proxy\'s service credentials', 502),
  UpstreamFailed: createError('BFF_UPSTREAM_FAILED', 'The upstream failed to process the request', 502),
  UpstreamUnreadable: createError('BFF_UPSTREAM_UNREADABLE', 'The upstream answer could not be read', 502),
  UpstreamRedirect: createError('BFF_UPSTREAM_REDIRECT', 'The upstream answered with a redirect, which is not followed', 502),
  UpstreamTooLarge: createError('BFF_UPSTREAM_TOO_LARGE', 'The upstream answer exceeded the size limit', 502),
  UpstreamTimeout: createError('BFF_UPSTREAM_TIMEOUT', 'The upstream did not answer in time', 504),
  UpstreamCircuitOpen: createError('BFF_UPSTREAM_CIRCUIT_OPEN', 'The upstream keeps failing; calls to it are paused for a moment', 503),
  RateLimited: createError('BFF_RATE_LIMITED', 'Too many %s requests; retry in %d seconds', 429),
  RateLimitUnavailable: createError('BFF_RATE_LIMIT_UNAVAILABLE', 'The rate limiter cannot be reached, so this %s request is refused', 503),
  Draining: createError('BFF_DRAINING', 'This instance is shutting down; retry, another one will answer', 503),
  Overloaded: createError('BFF_OVERLOADED', 'The proxy is overloaded; retry shortly', 503),
  AuditUnavailable: createError('BFF_AUDIT_UNAVAILABLE', 'The audit trail cannot record this change, so it was not made', 503),
  // Nobody reads this answer (the connection is gone); the status is nginx's "client closed request".
  CallerGone: createError('BFF_CALLER_GONE', 'The caller disconnected before the change was recorded, so it was not made', 499),
  GatewayKeysUnavailable: createError('BFF_GATEWAY_KEYS_UNAVAILABLE', 'The gateway\'s signing keys cannot be fetched, so its token cannot be checked', 503),
  UpstreamUnavailable: createError('BFF_UPSTREAM_UNAVAILABLE', 'The upstream cannot be reached', 503),
  OidcUnavailable: createError('BFF_OIDC_UNAVAILABLE', 'The OpenID Provider has not been reached yet; retry shortly', 503),
  OidcBadReturnTo: createError('BFF_OIDC_BAD_RETURN_TO', 'returnTo must be a path on this site: one leading /, no scheme, host, backslash, space or control character; other characters than printable ASCII percent-encoded', 400),
  OidcLoginState: createError('BFF_OIDC_LOGIN_STATE', 'OIDC login refused: %s; start again at GET /auth/login', 400),
  OidcLoginRejected: createError('BFF_OIDC_LOGIN_REJECTED', 'OIDC login refused: %s', 401),
  OidcNoRole: createError('BFF_OIDC_NO_ROLE', 'Signed in at the provider, but the account has no role in this application', 403),
  OidcProviderFailed: createError('BFF_OIDC_PROVIDER_FAILED', 'The OpenID Provider failed: %s', 502),
  OidcReplayCheckUnavailable: createError('BFF_OIDC_REPLAY_CHECK_UNAVAILABLE', 'The store of used login states and logout tokens cannot be reached, so this request is refused', 503),
  LogoutTokenRejected: createError('BFF_LOGOUT_TOKEN_REJECTED', 'Logout token rejected: %s', 400),
  SessionStoreUnavailable: createError('BFF_SESSION_STORE_UNAVAILABLE', 'The session store cannot be reached, so sessions cannot be checked; retry shortly', 503),
  TokenStoreUnavailable: createError('BFF_TOKEN_STORE_UNAVAILABLE', 'The API token store cannot be reached; retry shortly', 503),
  BadApiToken: createError('BFF_BAD_API_TOKEN', 'The bearer token is malformed, unknown, expired or revoked', 401),
  ApiTokenNotAllowed: createError('BFF_API_TOKEN_NOT_ALLOWED', 'Managing API tokens and sessions needs a session or a gateway identity, not an API token', 403),
  RoleCeiling: createError('BFF_ROLE_CEILING', 'A token cannot have roles above its creator\'s: %s is not among yours', 403),
  NotASession: createError('BFF_NOT_A_SESSION', 'Only a cookie session can be logged out; revoke an API token with DELETE /auth/tokens/{id}, a gateway identity ends at the gateway', 400),
  JsonDuplicateProperty: createError('BFF_JSON_DUPLICATE_PROPERTY', 'The JSON body gives the property %s twice (at %s); give each property once', 400),
  JsonTooDeep: createError('BFF_JSON_TOO_DEEP', 'The JSON body is nested deeper than %d levels', 400),
  JsonEncoding: createError('BFF_JSON_ENCODING', 'The JSON body %s; send UTF-8 without a byte order mark, every string of whole characters', 400),
  ApiTokenNotFound: createError('BFF_API_TOKEN_NOT_FOUND', 'API token %s not found', 404),
  OwnerRoleCeiling: createError('BFF_ROLE_CEILING', 'A token cannot have roles above its owner\'s: %s is not among the roles of %s', 403),
  UnknownLocalUser: createError('BFF_UNKNOWN_USER', 'There is no local user %s: a token for someone else can only be made for an existing local user', 400),
  ApiTokenLimit: createError('BFF_API_TOKEN_LIMIT', 'A user may hold at most %d live API tokens (API_TOKEN_MAX_PER_USER); revoke one first', 409),
  UsernameRefused: createError('BFF_USERNAME_REFUSED', 'The username the %s gives (%s) %s; accepted: printable characters, at most 128', 403),
  BadCursor: createError('BFF_BAD_CURSOR', 'cursor is not the nextCursor of an earlier page', 400),
  // Idempotency-Key on mutating routes (src/idempotency, docs/operating.md#idempotency-keys).
  IdempotencyKeyInvalid: createError('BFF_IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key %s; accepted: one header of 1 to 255 characters among A-Z a-z 0-9 and - . _ ~ : + / =, bare or in double quotes (a UUID, say)', 400),
  IdempotencyKeyReused: createError('BFF_IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a request with another body or query; a new request needs a new key', 422),
  IdempotencyInFlight: createError('BFF_IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry once it is answered', 409),
  IdempotencyStoreUnavailable: createError('BFF_IDEMPOTENCY_STORE_UNAVAILABLE', 'The store of idempotency keys cannot be reached, so this request with an Idempotency-Key was not made; retry shortly', 503),
  // ACCESS_MODEL=teams (src/teams). A client of another team is as absent as one that does not exist.
  ClientNotFound: createError('BFF_CLIENT_NOT_FOUND', 'Client %s not found', 404),
  NotYourTeam: createError('BFF_NOT_YOUR_TEAM', 'Team %s is not one of yours', 403),
  UserOutsideYourTeams: createError('BFF_NOT_YOUR_TEAM', 'User %s belongs to a team that is not one of yours: acting on another user needs an admin of all their teams, or of every team (*)', 403),
  NoTeam: createError('BFF_NO_TEAM', 'You belong to no team, so you cannot create clients', 403),
  EveryTeamRequired: createError('BFF_EVERY_TEAM_REQUIRED', 'This operation needs membership of every team (*)', 403),
  DeveloperRequired: createError('BFF_DEVELOPER_REQUIRED', 'developer is required: you belong to several teams; name one of them (%s)', 400),
  TeamCeiling: createError('BFF_TEAM_CEILING', 'A token cannot have teams outside its creator\'s: %s is not among yours', 403),
  TooManyTeams: createError('BFF_TOO_MANY_TEAMS', 'This identity has %d teams; at most %d are allowed (MAX_TEAMS_PER_IDENTITY): ask for fewer teams in your claim or token', 403),
  TeamNameInvalid: createError('BFF_TEAM_NAME_INVALID', 'developer %s is not a team name: %s', 400),
  // Change requests (src/approvals, docs/approvals.md).
  ChangeRequestNotFound: createError('BFF_CHANGE_REQUEST_NOT_FOUND', 'Change request %s not found', 404),
  ChangeRequestNotPending: createError('BFF_CHANGE_REQUEST_NOT_PENDING', 'Change request %s is %s: only a pending request can be approved, rejected or withdrawn', 409),
  SelfApproval: createError('BFF_SELF_APPROVAL', 'You requested this change: another person must approve or reject it (separation of duties, admins included); withdraw it with DELETE instead', 403),
  ApprovalNeedsPerson: createError('BFF_APPROVAL_NEEDS_PERSON', 'An API token may request a change but never approve, reject or break glass: sign in as a person (session or gateway identity)', 403),
  NotAnApprover: createError('BFF_NOT_AN_APPROVER', 'Approving this change needs the %s role%s', 403),
  AlreadyApproved: createError('BFF_ALREADY_APPROVED', 'You already approved change request %s: each person counts once', 409),
  NotRequester: createError('BFF_NOT_REQUESTER', 'Only the requester of change request %s may %s', 403),
  SecretGone: createError('BFF_SECRET_GONE', 'Change request %s has no secret to show: it was shown once already, or the request is not an applied secret change', 404),
  ChangeReasonInvalid: createError('BFF_CHANGE_REASON_INVALID', '%s %s; accepted: 1 to 500 printable characters (no control, line-break or bidi characters)', 400),
  BreakGlassForbidden: createError('BFF_BREAK_GLASS_FORBIDDEN', 'X-Break-Glass needs an admin of every team (*); ask for approval instead (leave the header out)', 403),
  // The security policy (src/policy, docs/policy.md): the problem lists `violations` and `warnings`.
  PolicyViolation: createError('BFF_POLICY_VIOLATION', 'The change would break the security policy (%s); nothing was changed: each of violations says what is accepted and how to fix it', 422),
  PolicyExceptionExpiry: createError('BFF_POLICY_EXCEPTION_EXPIRY', 'expiresAt %s: an exception must end after now and at most %d days from now', 400),
  PolicyCheckClientRequired: createError('BFF_POLICY_CHECK_CLIENT_REQUIRED', 'mode %s checks an update: give the clientId of the client it is for', 400),
  PolicyExceptionNotFound: createError('BFF_POLICY_EXCEPTION_NOT_FOUND', 'Client %s has no exception in force for rule %s', 404),
  // Client history (src/history, docs/history.md).
  VersionNotFound: createError('BFF_VERSION_NOT_FOUND', 'Client %s has no version %s', 404),
  DeletedClientNotFound: createError('BFF_DELETED_CLIENT_NOT_FOUND', 'No deleted client %s is in the history', 404),
  VersionNotRestorable: createError('BFF_VERSION_NOT_RESTORABLE', 'Version %s cannot be restored as it is: %s', 422)
} as const

/** Fastify's codes a caller can meet: requests refused before a route ran (bad JSON, media type, size, URL). */
export const FRAMEWORK_CODES = [
  'FST_ERR_VALIDATION', 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_BODY_TOO_LARGE', 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH'
] as const

/** Every `code` a problem can carry, each once (two messages may share a code): the catalogue's, then Fastify's. */
export function problemCodes (): string[] {
  return [...new Set([...Object.values(errors).map(ErrorClass => new ErrorClass().code), ...FRAMEWORK_CODES])]
}

export interface UpstreamResult {
  resultCode: string
  resultMessage: string
}

/** An upstream 4xx that carried Authlete's own result: passed on with the upstream status, its message once (in resultMessage). */
export function upstreamRejection (status: number, result: UpstreamResult): Error & { statusCode: number, upstreamResult: UpstreamResult } {
  return Object.assign(new errors.UpstreamRejected(result.resultCode), { statusCode: status, upstreamResult: result })
}
