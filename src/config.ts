import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { BUDGET_PATTERN } from './ops/budget.ts'
import { parseRoleMap } from './auth/role-map.ts'
import { parseOrigins } from './frontend/origins.ts'
import { parseTeamMap } from './teams/team-map.ts'
import { parseApprovalsVariable } from './approvals/approval-rules.ts'
import { isLoopback } from './http/uri-formats.ts'

// The environment is the configuration: one schema, keyed by the variable names users set, so an
// error can always name the variable and the code never drifts from the documented names.
const Digits = Type.String({ pattern: '^[0-9]{1,19}$' })
const Secret = Type.String({ minLength: 1, maxLength: 4096 })
const HttpUrl = Type.String({ pattern: '^https?://[^\\s#]+$' })

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'bytes, /api bodies (/auth/* bodies: 16 KiB)' }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000, description: 'reading a whole request' }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 10_000, description: 'reading the request headers; not above REQUEST_TIMEOUT_MS' }),
  MAX_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 2048 }),
  NODE_ENV: Type.String({ default: 'development' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  AUTHLETE_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s?#]+$' })),
  AUTHLETE_API_VERSION: Type.Enum(['v3', 'v2'], { default: 'v3' }),
  AUTHLETE_SERVICE_ID: Type.Optional(Digits),
  AUTHLETE_SERVICE_ACCESS_TOKEN: Type.Optional(Secret),
  AUTHLETE_SERVICE_API_KEY: Type.Optional(Secret),
  AUTHLETE_SERVICE_API_SECRET: Type.Optional(Secret),
  AUTHLETE_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  AUTHLETE_MAX_RESPONSE_BYTES: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024 }),
  AUTHLETE_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1024, default: 64 }),
  AUTHLETE_RETRIES: Type.Integer({ minimum: 0, maximum: 5, default: 2 }),
  AUTHLETE_CIRCUIT_THRESHOLD: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  AUTHLETE_CIRCUIT_COOLDOWN_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, maxLength: 4096 })),
  SESSION_IDLE_TIMEOUT: Type.Integer({ minimum: 60, maximum: 86_400 * 7, default: 1800, description: 'seconds' }),
  SESSION_MAX_AGE: Type.Integer({ minimum: 60, maximum: 86_400 * 30, default: 28_800, description: 'seconds' }),
  BFF_USERS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  BFF_USERS_RELOAD_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 30, description: 'seconds; 0: only on SIGHUP' }),
  AUDIT_STORE: Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$', default: 'sqlite:./data/audit.db' }),
  AUDIT_RETENTION_DAYS: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
  AUDIT_WRITE_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 2000 }),
  HISTORY_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 36_500, default: 400, description: 'days a client version is kept; a client\'s latest version is kept while the client exists' }),
  HISTORY_SWEEP_MINUTES: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080, description: 'minutes between sweeps of the client list for changes made outside the proxy; unset: no sweep' })),
  AUDIT_SIGN_INS: Type.Boolean({ default: true, description: 'record sign-ins and failed sign-ins (auth.login, auth.login.failure) in the audit trail' }),
  IDEMPOTENCY_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 24, description: 'hours (fractions allowed) an Idempotency-Key\'s answer is kept' }),
  APPROVALS: Type.Optional(Type.String({ maxLength: 1024, description: 'comma-separated actions that need one admin\'s approval (docs/approvals.md), e.g. client.delete,client.secret.refresh; the policy file\'s approvals key says more' })),
  APPROVAL_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 8760, default: 72, description: 'hours a change request waits for its approvals before it expires' }),
  APPROVAL_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://.+$', maxLength: 2048, description: 'receives a signed JSON event when a change request is created, decided or applied' })),
  APPROVAL_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 32, maxLength: 4096, description: 'HMAC-SHA256 key of the webhook\'s X-BFF-Signature' })),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 4096 })),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'serve /metrics on this port only, on HOST' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://.+$' })),
  RATE_LIMIT_READ: Type.String({ pattern: BUDGET_PATTERN, default: '600/1m' }),
  RATE_LIMIT_WRITE: Type.String({ pattern: BUDGET_PATTERN, default: '120/1m' }),
  RATE_LIMIT_SECRET: Type.String({ pattern: BUDGET_PATTERN, default: '10/1m' }),
  RATE_LIMIT_LOGIN: Type.String({ pattern: BUDGET_PATTERN, default: '10/15m' }),
  RATE_LIMIT_LOGIN_USER: Type.String({ pattern: BUDGET_PATTERN, default: '100/15m' }),
  RATE_LIMIT_LOGIN_IP: Type.String({ pattern: BUDGET_PATTERN, default: '100/15m' }),
  RATE_LIMIT_ANONYMOUS: Type.String({ pattern: BUDGET_PATTERN, default: '120/1m', description: 'per client address, every POST route that needs no sign-in' }),
  SHUTDOWN_TIMEOUT: Type.Integer({ minimum: 1, maximum: 3600, default: 25, description: 'seconds' }),
  SHUTDOWN_DELAY: Type.Integer({ minimum: 0, maximum: 3600, default: 5, description: 'seconds' }),
  READY_REQUIRES_UPSTREAM: Type.Boolean({ default: false, description: 'GET /readyz fails while the upstream is unavailable (otherwise it reports it)' }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000, description: '0: not checked' }),
  OVERLOAD_WARMUP_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 10, description: 'seconds after start-up during which MAX_EVENT_LOOP_DELAY_MS refuses nothing' }),
  MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0, description: '0: not checked' }),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'comma-separated IP addresses and CIDR ranges' })),
  SESSION_STORE: Type.Enum(['memory', 'redis'], { default: 'memory' }),
  API_TOKEN_STORE: Type.String({ pattern: '^(sqlite:.+|redis|memory)$', default: 'sqlite:./data/tokens.db' }),
  API_TOKEN_MAX_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
  API_TOKEN_MAX_PER_USER: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
  API_TOKEN_MAX_HOURS_EXTERNAL: Type.Integer({ minimum: 1, maximum: 87_600, default: 24, description: 'hours: the longest an OIDC or gateway identity\'s API token works' }),
  OIDC_ISSUER: Type.Optional(HttpUrl),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  OIDC_CLIENT_SECRET: Type.Optional(Secret),
  OIDC_REDIRECT_URI: Type.Optional(HttpUrl),
  OIDC_POST_LOGOUT_REDIRECT_URI: Type.Optional(HttpUrl),
  OIDC_SCOPES: Type.String({ minLength: 1, default: 'openid profile email' }),
  OIDC_USERNAME_CLAIM: Type.String({ minLength: 1, default: 'preferred_username' }),
  OIDC_ROLES_CLAIM: Type.String({ minLength: 1, default: 'roles' }),
  OIDC_ROLE_MAP: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'claimValue=role,...; * matches everyone' })),
  SEARCH_INDEX_REFRESH_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 300, description: 'seconds: how often each replica reads the whole client list again for GET /api/clients?q=' }),
  ACCESS_MODEL: Type.Enum(['roles', 'teams'], { default: 'roles', description: 'teams: each team manages only the clients whose developer is the team (docs/teams.md)' }),
  TEAMS_CLAIM: Type.String({ minLength: 1, default: 'teams', description: 'OIDC and gateway identities: the claim (dotted path) holding the teams' }),
  TEAM_MAP: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'claimValue=team,...; * as a claim value matches everyone, * as a team is every team' })),
  MAX_TEAMS_PER_IDENTITY: Type.Integer({ minimum: 1, maximum: 1000, default: 64, description: 'teams mode: an identity with more teams (claim, users file, API token) is refused with 403 at sign-in' }),
  GATEWAY_JWT_HEADER: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$', description: 'lower-case header name' })),
  GATEWAY_JWKS_URL: Type.Optional(HttpUrl),
  GATEWAY_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384, description: 'PEM (SPKI) or a JWK as JSON' })),
  GATEWAY_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  GATEWAY_USERNAME_CLAIM: Type.String({ minLength: 1, default: 'sub' }),
  ALLOW_HTTP_REDIRECT_URIS: Type.Boolean({ default: false, description: 'accept plain http client URIs on any host, not only loopback' }),
  CONSOLE_ENABLED: Type.Boolean({ default: true, description: 'the admin console at / (unless FRONTEND_DIR is set)' }),
  DOCS_ENABLED: Type.Boolean({ default: true, description: 'serve Swagger UI at /docs and the document at /openapi.json' }),
  FRONTEND_DIR: Type.Optional(Type.String({ minLength: 1 })),
  POLICY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'YAML or JSON policy (docs/policy.md); start-up fails naming the first error' })),
  POLICY_PROFILE: Type.Enum(['baseline', 'oauth2.1', 'fapi2', 'off'], { default: 'baseline', description: 'the security profile without POLICY_FILE (docs/policy.md)' }),
  CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'comma-separated origins (scheme://host[:port])' }))
})

export type Config = Static<typeof ConfigSchema>

/** The variables that also accept NAME_FILE (a path whose content is the value): the secrets, and the service ID beside them. */
export const FILE_VARIABLES = [
  'AUTHLETE_SERVICE_ID',
  'AUTHLETE_SERVICE_ACCESS_TOKEN',
  'AUTHLETE_SERVICE_API_KEY',
  'AUTHLETE_SERVICE_API_SECRET',
  'SESSION_SECRET',
  'AUDIT_STORE',
  'METRICS_TOKEN',
  'APPROVAL_WEBHOOK_SECRET',
  'OIDC_CLIENT_SECRET',
  'GATEWAY_PUBLIC_KEY',
  'REDIS_URL'
] as const

export class ConfigError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export function isSandbox (config: Config): boolean {
  return config.AUTHLETE_BASE_URL === undefined && config.NODE_ENV !== 'production'
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = []
  const raw = pickKnownVariables(env, problems)
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw))
  for (const error of Value.Errors(ConfigSchema, converted)) {
    const name = error.instancePath.slice(1)
    problems.push(error.keyword === 'enum' ? `${name}: must be one of ${listChoices(name)}` : `${name}: ${error.message}`)
  }
  for (const entry of raw.TRUST_PROXY?.split(',').map(part => part.trim()) ?? []) {
    if (!isTrustEntry(entry)) problems.push(`TRUST_PROXY: '${entry}' is not an IP address or CIDR range (true and hop counts are refused)`)
  }
  try {
    parseRoleMap(raw.OIDC_ROLE_MAP)
  } catch (error) {
    problems.push(`OIDC_ROLE_MAP: ${(error as Error).message}`)
  }
  try {
    parseTeamMap(raw.TEAM_MAP)
  } catch (error) {
    problems.push(`TEAM_MAP: ${(error as Error).message}`)
  }
  try {
    parseApprovalsVariable(raw.APPROVALS)
  } catch (error) {
    problems.push((error as Error).message)
  }
  try {
    parseOrigins(raw.CORS_ORIGINS)
  } catch (error) {
    problems.push(`CORS_ORIGINS: ${(error as Error).message}`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const config = converted as Config
  problems.push(...requiredTogether(config))
  if (problems.length > 0) throw new ConfigError(problems)
  // Outside production a missing secret only means sessions do not survive a restart.
  config.SESSION_SECRET ??= randomBytes(32).toString('base64url')
  return config
}

function pickKnownVariables (env: NodeJS.ProcessEnv, problems: string[]): Record<string, string> {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(ConfigSchema.properties)) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[name] = value
  }
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`]
    if (path === undefined || path === '') continue
    if (raw[name] !== undefined) {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`)
      continue
    }
    try {
      raw[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }
  return raw
}

/** The SQLite files the stores use, by variable, as absolute paths (relative ones are from the working directory). */
export function sqliteFiles (config: Config): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of ['AUDIT_STORE', 'API_TOKEN_STORE'] as const) {
    const spec = config[name]
    if (spec.startsWith('sqlite:') && spec !== 'sqlite::memory:') files[name] = resolve(spec.slice('sqlite:'.length))
  }
  return files
}

function listChoices (name: string): string {
  const schema = (ConfigSchema.properties as Record<string, { enum?: string[] }>)[name]
  return (schema?.enum ?? []).join(', ')
}

function requiredTogether (config: Config): string[] {
  const problems: string[] = []
  const production = config.NODE_ENV === 'production'
  const require = (name: keyof Config, why: string): void => {
    if (config[name] === undefined) problems.push(`${name}: required ${why}`)
  }
  if (production) {
    require('AUTHLETE_BASE_URL', 'when NODE_ENV=production (the sandbox never runs in production)')
    require('SESSION_SECRET', 'when NODE_ENV=production')
    if (config.METRICS_TOKEN === undefined && config.METRICS_PORT === undefined) {
      problems.push('METRICS_TOKEN: required when NODE_ENV=production, unless METRICS_PORT serves /metrics on a port of its own (/metrics shows login counts)')
    }
    if (config.BFF_USERS_FILE === undefined && config.OIDC_ISSUER === undefined && config.GATEWAY_JWT_HEADER === undefined) {
      problems.push('BFF_USERS_FILE: required when NODE_ENV=production, unless OIDC_ISSUER or GATEWAY_JWT_HEADER gives another way to sign in')
    }
    // The service credentials go with every call: in clear only to a sidecar on this host.
    const upstream = config.AUTHLETE_BASE_URL === undefined ? null : URL.parse(config.AUTHLETE_BASE_URL)
    if (upstream?.protocol === 'http:' && !isLoopback(upstream)) {
      problems.push(`AUTHLETE_BASE_URL: ${upstream.origin} is plain http; in production only https (or a loopback address) is accepted, as the service credentials go with every call`)
    }
  }
  if (config.APPROVAL_WEBHOOK_URL !== undefined) require('APPROVAL_WEBHOOK_SECRET', 'with APPROVAL_WEBHOOK_URL set (events are signed)')
  if (config.OIDC_ISSUER !== undefined) {
    require('OIDC_CLIENT_ID', 'with OIDC_ISSUER set')
    require('OIDC_REDIRECT_URI', 'with OIDC_ISSUER set')
  }
  if (config.GATEWAY_JWT_HEADER !== undefined) {
    if (config.GATEWAY_JWKS_URL === undefined && config.GATEWAY_PUBLIC_KEY === undefined) {
      problems.push('GATEWAY_JWKS_URL: required with GATEWAY_JWT_HEADER set, unless GATEWAY_PUBLIC_KEY gives a static key')
    }
    require('GATEWAY_ISSUER', 'with GATEWAY_JWT_HEADER set')
    require('GATEWAY_AUDIENCE', 'with GATEWAY_JWT_HEADER set')
  }
  if ((config.SESSION_STORE === 'redis' || config.API_TOKEN_STORE === 'redis') && config.REDIS_URL === undefined) {
    problems.push(`REDIS_URL: required with ${config.SESSION_STORE === 'redis' ? 'SESSION_STORE' : 'API_TOKEN_STORE'}=redis`)
  }
  if (config.AUTHLETE_BASE_URL !== undefined) {
    const why = `with AUTHLETE_API_VERSION=${config.AUTHLETE_API_VERSION} and AUTHLETE_BASE_URL set`
    if (config.AUTHLETE_API_VERSION === 'v3') {
      require('AUTHLETE_SERVICE_ID', why)
      require('AUTHLETE_SERVICE_ACCESS_TOKEN', why)
    } else {
      require('AUTHLETE_SERVICE_API_KEY', why)
      require('AUTHLETE_SERVICE_API_SECRET', why)
    }
  }
  if (config.SHUTDOWN_DELAY >= config.SHUTDOWN_TIMEOUT) {
    problems.push(`SHUTDOWN_DELAY: must be shorter than SHUTDOWN_TIMEOUT (${config.SHUTDOWN_TIMEOUT} s), which counts from SIGTERM too`)
  }
  if (config.METRICS_PORT !== undefined && config.METRICS_PORT !== 0 && config.METRICS_PORT === config.PORT) {
    problems.push('METRICS_PORT: must differ from PORT')
  }
  if (config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
    problems.push('HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS')
  }
  if (config.SESSION_MAX_AGE < config.SESSION_IDLE_TIMEOUT) {
    problems.push('SESSION_MAX_AGE: must not be shorter than SESSION_IDLE_TIMEOUT')
  }
  return problems
}

function isTrustEntry (entry: string): boolean {
  const [address, prefix, extra] = entry.split('/')
  if (extra !== undefined || address === undefined) return false
  const version = isIP(address)
  if (version === 0) return false
  return prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))
}
