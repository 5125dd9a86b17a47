import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Redis } from 'ioredis'
import { errors } from '../http/errors.ts'
import { channels } from './channels.ts'
import { createBucketStore } from './rate-limit-store.ts'
import type { Budget } from './budget.ts'
import { addRouteHook } from '../http/route-hooks.ts'
import { addressKey } from '../http/client-address.ts'
import { principalKey } from '../auth/identity.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing (POST /api/policy/check answers a question): the read budget, no audit action. */
    readOnly?: true
  }
}

// Failed password logins are counted apart, per username and address (src/auth/login-failures).
export type Bucket = 'read' | 'write' | 'secret' | 'login-ip' | 'anonymous-post'

export interface RateLimitsOptions {
  budgets: Record<Bucket, Budget>
  /** Counters in Redis are shared by every replica; without it each process counts alone. */
  redis?: Redis
}

// Which budget a route spends. Reads, writes and secret operations are counted per signed-in user
// (per client address before login); login attempts per client address, whatever the username.
function bucketsOf (route: RouteOptions): Bucket[] {
  return [...anonymousBuckets(route), ...routeBuckets(route)]
}

// A route that changes something without asking who is calling (POST /auth/login, the back-channel
// logout) also spends a per-address budget of its own, whatever else it counts.
function anonymousBuckets (route: RouteOptions): Bucket[] {
  const unsafe = [route.method].flat().some(method => !['GET', 'HEAD', 'OPTIONS'].includes(method))
  return unsafe && route.config?.access === undefined && !isApiPath(route.url) ? ['anonymous-post'] : []
}

const isApiPath = (url: string): boolean => url === '/api' || url.startsWith('/api/')

// Beyond /api, every audited change a signed-in caller makes (minting and revoking API tokens, ending
// sessions, clearing login failures) spends the write budget: each one is an audit record.
function routeBuckets (route: RouteOptions): Bucket[] {
  if (route.url === '/auth/login') return ['login-ip']
  if (!route.url.startsWith('/api/')) return route.config?.access !== undefined && route.config.audit !== undefined ? ['write'] : []
  const methods = [route.method].flat()
  if (route.config?.readOnly === true || methods.every(method => method === 'GET' || method === 'HEAD')) return ['read']
  return route.config?.audit?.startsWith('client.secret.') === true ? ['secret'] : ['write']
}

// Keyed on (source, username): the OIDC account alice and the local user alice have budgets of their own.
function callerKey (request: FastifyRequest): string {
  return request.identity === null ? `ip:${addressKey(request.ip)}` : `user:${principalKey(request.identity)}`
}

async function rateLimitsPlugin (app: FastifyInstance, options: RateLimitsOptions): Promise<void> {
  await app.register(rateLimit, { global: false, store: createBucketStore(app.log, options.redis) })
  const limiter = (bucket: Bucket, keyGenerator: (request: FastifyRequest) => string) => {
    const { max, timeWindowMs } = options.budgets[bucket]
    const check = app.createRateLimit({ max, timeWindow: timeWindowMs, keyGenerator, bucket } as Parameters<typeof app.createRateLimit>[0])
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      // An approved change's replay is paid for by the approval that applies it (the approver's write):
      // counting it against the requester too would fail the approval for the requester's busy minute.
      if (request.identity?.via === 'approval') return
      const result = await check(request)
      if (result.isAllowed) return
      reply.header('ratelimit-limit', result.max)
      reply.header('ratelimit-remaining', result.remaining)
      reply.header('ratelimit-reset', result.ttlInSeconds)
      if (!result.isExceeded) return
      channels.rateLimited.publish({ bucket })
      throw Object.assign(new errors.RateLimited(bucket, result.ttlInSeconds), { retryAfterSeconds: result.ttlInSeconds })
    }
  }
  const hooks: Record<Bucket, { hook: 'preParsing' | 'preHandler', run: ReturnType<typeof limiter> }> = {
    // preParsing: after the session is known (onRequest), before the body is read.
    read: { hook: 'preParsing', run: limiter('read', callerKey) },
    write: { hook: 'preParsing', run: limiter('write', callerKey) },
    secret: { hook: 'preParsing', run: limiter('secret', callerKey) },
    'login-ip': { hook: 'preParsing', run: limiter('login-ip', request => `ip:${addressKey(request.ip)}`) },
    'anonymous-post': { hook: 'preParsing', run: limiter('anonymous-post', request => `ip:${addressKey(request.ip)}`) }
  }
  app.addHook('onRoute', route => {
    for (const bucket of bucketsOf(route)) {
      const { hook, run } = hooks[bucket]
      addRouteHook(route, hook, run)
    }
  })
}

export default fp(rateLimitsPlugin, { name: 'rate-limits', fastify: '5.x', dependencies: ['sessions', 'access', 'audit-log'] })
