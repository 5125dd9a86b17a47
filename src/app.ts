import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import { isSandbox, type Config } from './config.ts'
import { errors } from './http/errors.ts'
import { sendProblem, toProblem } from './http/problem.ts'
import { ProblemSchema } from './http/problem-schema.ts'
import { useStrictValidation } from './http/validation.ts'
import { applyApiHeaders } from './http/api-headers.ts'
import { useJsonBodies } from './http/json-body.ts'
import { useRequestLimits } from './http/request-limits.ts'
import { ClientSchema } from './clients/client-schema.ts'
import openapi from './http/openapi.ts'
import sandboxUpstream from './sandbox/sandbox-plugin.ts'
import authlete from './upstream/authlete-plugin.ts'
import type { AuthleteClientOptions } from './upstream/authlete-client.ts'
import sessions from './auth/sessions.ts'
import access from './auth/access.ts'
import authRoutes from './auth/auth-routes.ts'
import oidcLogin from './auth/oidc/oidc-plugin.ts'
import { createSandboxAdmin, readUsersFile, type User } from './auth/users.ts'
import users from './auth/users-plugin.ts'
import loginFailures from './auth/login-failures/login-failures.ts'
import { createMemorySessionStore } from './auth/stores/memory-session-store.ts'
import { createRedisSessionStore } from './auth/stores/redis-session-store.ts'
import sessionAdminRoutes from './auth/session-admin-routes.ts'
import apiTokens from './auth/tokens/api-tokens.ts'
import { openTokenStore } from './auth/tokens/token-store.ts'
import auditLog from './audit/audit-log.ts'
import auditTrail from './audit/audit-trail.ts'
import auditRoutes from './audit/audit-routes.ts'
import { openAuditStore } from './audit/stores/open-audit-store.ts'
import clientsRoutes from './clients/clients-routes.ts'
import clientSecretAndLockRoutes from './clients/secret-and-lock-routes.ts'
import authorizationRoutes from './clients/authorization-routes.ts'
import registrationRoutes from './clients/registration-routes.ts'
import healthRoutes from './ops/health-routes.ts'
import overload from './ops/overload.ts'
import rateLimits, { type RateLimitsOptions } from './ops/rate-limits.ts'
import { parseBudget } from './ops/budget.ts'
import redis from './ops/redis.ts'
import metrics from './ops/metrics.ts'
import crossOrigin from './frontend/cors.ts'
import { parseOrigins } from './frontend/origins.ts'
import teams from './teams/teams-plugin.ts'
import { sandboxTeamUsers } from './teams/sandbox-users.ts'
import writePipeline from './http/write-pipeline.ts'
import clientChanges from './clients/client-change.ts'
import policy from './policy/policy-plugin.ts'
import { loadPolicy } from './policy/policy-file.ts'
import { openPolicyExceptionStore } from './policy/stores/exception-store.ts'
import idempotency, { idempotencyOptions } from './idempotency/idempotency-plugin.ts'
import history from './history/history-plugin.ts'
import approvals from './approvals/approvals-plugin.ts'
import { approvalsOptions } from './approvals/approvals-options.ts'

export interface AppRuntime {
  /** Where the sandbox admin's one-time password is shown (never through the logger). */
  announce: (message: string) => void
}

const defaultRuntime: AppRuntime = { announce: message => process.stderr.write(message) }

export function buildApp (config: Config, runtime: AppRuntime = defaultRuntime) {
  return fp(async function authleteBff (app: FastifyInstance) {
    useStrictValidation(app, { allowHttpUris: config.ALLOW_HTTP_REDIRECT_URIS })
    app.addSchema(ProblemSchema)
    app.addSchema(ClientSchema)
    useJsonBodies(app)
    useRequestLimits(app, config)
    app.setErrorHandler<FastifyError>(async (error, request, reply) => {
      const problem = toProblem(error, request)
      const { retryAfterSeconds } = error as { retryAfterSeconds?: unknown }
      if (typeof retryAfterSeconds === 'number') reply.header('retry-after', String(retryAfterSeconds))
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ code: problem.code, status: problem.status }, problem.detail)
      return sendProblem(reply, problem)
    })
    app.setNotFoundHandler(async (request, reply) => sendProblem(reply, toProblem(new errors.NotFound(request.method, request.url), request)))
    app.addHook('onSend', (request, reply, payload, done) => {
      applyApiHeaders(request, reply)
      done(null, payload)
    })

    await app.register(overload, { maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS, maxHeapUsedBytes: config.MAX_HEAP_USED_BYTES, warmupSeconds: config.OVERLOAD_WARMUP_SECONDS })
    await app.register(openapi, { docs: config.DOCS_ENABLED })
    await app.register(redis, { url: config.REDIS_URL })
    await app.register(authlete, await upstreamOptions(app, config))
    await app.register(sessions, {
      secret: config.SESSION_SECRET!,
      // config.ts requires REDIS_URL with SESSION_STORE=redis.
      store: config.SESSION_STORE === 'redis' ? createRedisSessionStore(app.redis!) : createMemorySessionStore(),
      idleTimeoutMs: config.SESSION_IDLE_TIMEOUT * 1000,
      maxAgeMs: config.SESSION_MAX_AGE * 1000
    })
    await app.register(metrics, { token: config.METRICS_TOKEN, port: config.METRICS_PORT, host: config.HOST })
    // Before the access check: preflights carry no cookie, and refusals must carry CORS headers too.
    await app.register(crossOrigin, { origins: parseOrigins(config.CORS_ORIGINS) })
    await app.register(users, { users: await loadUsers(config, runtime), path: config.BFF_USERS_FILE, reloadSeconds: config.BFF_USERS_RELOAD_SECONDS })
    await app.register(access)
    // Loaded only when configured, like the frontend below: unused modules are memory every replica pays.
    if (config.GATEWAY_JWT_HEADER !== undefined) await app.register(import('./auth/gateway-jwt.ts'), config)
    await app.register(auditLog)
    // The one write path: every capability below adds its step at a named stage, in pipeline order.
    await app.register(writePipeline)
    await app.register(clientChanges)
    await app.register(auditTrail, { store: await openAuditStore(config.AUDIT_STORE, config.AUDIT_WRITE_TIMEOUT_MS), retentionDays: config.AUDIT_RETENTION_DAYS })
    await app.register(rateLimits, { budgets: rateLimitBudgets(config), redis: app.redis ?? undefined })
    await app.register(teams, { model: config.ACCESS_MODEL, maxTeams: config.MAX_TEAMS_PER_IDENTITY, unmappedClaimTeams: config.NODE_ENV === 'production' && config.TEAM_MAP === undefined && (config.OIDC_ISSUER !== undefined || config.GATEWAY_JWT_HEADER !== undefined) })
    await app.register(idempotency, await idempotencyOptions(app, config))
    // One policy file: the policy's rules and (src/approvals) which writes need a second person.
    const policyFile = await loadPolicy({ file: config.POLICY_FILE, profile: config.POLICY_PROFILE })
    await app.register(policy, { policy: policyFile, exceptions: await openPolicyExceptionStore(isSandbox(config) ? null : config.AUDIT_STORE) })
    // After the audit trail (it writes each write's version with the outcome) and the team check (its
    // routes under /api/clients/:clientId get it), before the client routes whose writes it versions.
    await app.register(history, { retentionDays: config.HISTORY_RETENTION_DAYS, sweepMinutes: config.HISTORY_SWEEP_MINUTES, etagKey: config.SESSION_SECRET!, seedSandbox: isSandbox(config) && config.BFF_USERS_FILE === undefined })
    // The write pipeline's `approval` stage: after the team check and the policy, before the intent.
    await app.register(approvals, await approvalsOptions(config, policyFile))

    await app.register(oidcLogin, { config })
    await app.register(loginFailures, { pair: parseBudget(config.RATE_LIMIT_LOGIN), user: parseBudget(config.RATE_LIMIT_LOGIN_USER), redis: app.redis ?? undefined, secret: config.SESSION_SECRET! })
    await app.register(authRoutes)
    await app.register(sessionAdminRoutes)
    await app.register(apiTokens, { store: openTokenStore(config.API_TOKEN_STORE, app.redis), maxDays: config.API_TOKEN_MAX_DAYS, maxPerUser: config.API_TOKEN_MAX_PER_USER, maxHoursExternal: config.API_TOKEN_MAX_HOURS_EXTERNAL })
    await app.register(clientsRoutes, { etagKey: config.SESSION_SECRET! })
    await app.register(clientSecretAndLockRoutes)
    await app.register(authorizationRoutes)
    await app.register(registrationRoutes, { etagKey: config.SESSION_SECRET! })
    await app.register(auditRoutes)
    await app.register(healthRoutes, { requireUpstream: config.READY_REQUIRES_UPSTREAM })
    // Last: its catch-all route only gets what no API route matched.
    if (config.FRONTEND_DIR !== undefined) await app.register(import('./frontend/static-frontend.ts'), { root: config.FRONTEND_DIR })
    else if (config.CONSOLE_ENABLED) await app.register(import('./console/console-plugin.ts'), { sso: config.OIDC_ISSUER !== undefined })
  }, { name: 'authlete-bff', fastify: '5.x' })
}

function rateLimitBudgets (config: Config): RateLimitsOptions['budgets'] {
  return {
    read: parseBudget(config.RATE_LIMIT_READ),
    write: parseBudget(config.RATE_LIMIT_WRITE),
    secret: parseBudget(config.RATE_LIMIT_SECRET),
    'login-ip': parseBudget(config.RATE_LIMIT_LOGIN_IP),
    'anonymous-post': parseBudget(config.RATE_LIMIT_ANONYMOUS)
  }
}

async function upstreamOptions (app: FastifyInstance, config: Config): Promise<AuthleteClientOptions> {
  const limits = {
    timeoutMs: config.AUTHLETE_TIMEOUT_MS,
    maxResponseBytes: config.AUTHLETE_MAX_RESPONSE_BYTES,
    connections: config.AUTHLETE_CONNECTIONS,
    retries: config.AUTHLETE_RETRIES,
    circuitThreshold: config.AUTHLETE_CIRCUIT_THRESHOLD,
    circuitCooldownMs: config.AUTHLETE_CIRCUIT_COOLDOWN_MS
  }
  if (!isSandbox(config)) {
    return {
      ...limits,
      baseUrl: config.AUTHLETE_BASE_URL!,
      apiVersion: config.AUTHLETE_API_VERSION,
      serviceId: config.AUTHLETE_SERVICE_ID,
      accessToken: config.AUTHLETE_SERVICE_ACCESS_TOKEN,
      apiKey: config.AUTHLETE_SERVICE_API_KEY,
      apiSecret: config.AUTHLETE_SERVICE_API_SECRET
    }
  }
  await app.register(sandboxUpstream, { teams: config.ACCESS_MODEL === 'teams' })
  const { url, credentials } = app.sandboxUpstream
  return { ...limits, baseUrl: url, apiVersion: config.AUTHLETE_API_VERSION, ...credentials }
}

async function loadUsers (config: Config, runtime: AppRuntime): Promise<User[]> {
  if (config.BFF_USERS_FILE !== undefined) return await readUsersFile(config.BFF_USERS_FILE)
  if (!isSandbox(config)) return []
  const { user, password } = await createSandboxAdmin()
  if (config.ACCESS_MODEL === 'teams') return await sandboxTeamUsers(user, password, runtime.announce)
  runtime.announce(`\nSANDBOX MODE: sign in as "admin" with the password ${password} (generated for this run only)\n\n`)
  return [user]
}
