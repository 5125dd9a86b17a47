import fp from 'fastify-plugin'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'
import { problems } from '../../http/problem-schema.ts'
import { addressKey } from '../../http/client-address.ts'
import { channels } from '../../ops/channels.ts'
import type { Budget } from '../../ops/budget.ts'
import { refuseApiTokens } from '../tokens/bearer-authenticator.ts'
import { Username } from '../session-admin-routes.ts'
import { refuseUsersOutsideTeams } from '../../teams/user-admin.ts'
import type { LoginFailureStore, LoginKey } from './login-failure-store.ts'
import { createMemoryLoginFailureStore } from './memory-login-failure-store.ts'
import { createRedisLoginFailureStore } from './redis-login-failure-store.ts'
import { createDeviceCookies } from './device-cookies.ts'

export interface LoginFailuresOptions {
  /** RATE_LIMIT_LOGIN: failures per (username, client address). */
  pair: Budget
  /** RATE_LIMIT_LOGIN_USER: failures per username, whatever the address. */
  user: Budget
  redis?: Redis
  /** SESSION_SECRET: device cookies are signed with a key derived from it. */
  secret: string
}

export interface LoginThrottle {
  /**
   * Runs a password check within the failure budgets: 429 without checking when the (username, address)
   * budget or the username's own budget is spent. A check that finds the user (not undefined) spends
   * nothing and forgets that address's failures; one that does not is a failure on both counters. A
   * browser with a device cookie for the username spends a budget of its own instead (RATE_LIMIT_LOGIN's
   * size), whatever the username's and the address's counters say.
   */
  check: <T>(request: FastifyRequest, username: string, verify: () => Promise<T | undefined>) => Promise<T | undefined>
  /** After a successful login (and its session cookie): gives the browser a device cookie for `username`. */
  trustBrowser: (request: FastifyRequest, reply: FastifyReply, username: string) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    loginThrottle: LoginThrottle
  }
}

// Failures, not attempts (OWASP ASVS V6): a stranger's wrong guesses from elsewhere never lock the owner
// out below the username's larger budget, and the owner's right password is never spent.
async function loginFailuresPlugin (app: FastifyInstance, options: LoginFailuresOptions): Promise<void> {
  const store: LoginFailureStore = options.redis === undefined ? createMemoryLoginFailureStore() : createRedisLoginFailureStore(options.redis)
  app.decorate('loginThrottle', createLoginThrottle(store, options))
  await app.register(loginFailuresRoutes, { store })
}

/** The login budgets over `store`: what LoginThrottle says, for the plugin's loginThrottle. */
export function createLoginThrottle (store: LoginFailureStore, options: Pick<LoginFailuresOptions, 'pair' | 'user' | 'secret'>): LoginThrottle {
  const windows = { pairMs: options.pair.timeWindowMs, userMs: options.user.timeWindowMs }
  const devices = createDeviceCookies(options.secret)

  const refuse = (bucket: string, resetMs: number): never => {
    const seconds = Math.max(1, Math.ceil(resetMs / 1000))
    channels.rateLimited.publish({ bucket })
    throw Object.assign(new errors.RateLimited('login', seconds), { retryAfterSeconds: seconds })
  }

  return {
    async check (request, username, verify) {
      const folded = username.toLowerCase()
      const device = devices.read(request, folded)
      const key: LoginKey = device === undefined
        ? { username: folded, address: addressKey(request.ip), device: false }
        : { username: folded, address: `device:${device}`, device: true }
      const counts = await store.add(key, windows)
      if (counts.pair > options.pair.max || (!key.device && counts.user > options.user.max)) {
        await store.refund(key, false)
        if (counts.pair > options.pair.max) refuse(key.device ? 'login-device' : 'login', counts.pairResetMs)
        refuse('login-user', counts.userResetMs)
      }
      let found
      try {
        found = await verify()
      } catch (error) {
        await store.refund(key, false).catch(() => {})
        throw error
      }
      if (found !== undefined) await store.refund(key, true)
      return found
    },
    trustBrowser (request, reply, username) {
      devices.issue(request, reply, username.toLowerCase())
    }
  }
}

const loginFailuresRoutes: FastifyPluginAsyncTypebox<{ store: LoginFailureStore }> = async (app, { store }) => {
  app.delete('/auth/login-failures', {
    config: { access: 'admin', audit: 'auth.login-failures.clear' },
    onRequest: refuseApiTokens,
    preHandler: async request => { request.auditTarget = { source: 'local', username: request.query.username } },
    schema: {
      tags: ['auth'],
      summary: 'Forget a username\'s failed logins, from every address: its owner can sign in again at once (admin)',
      querystring: Type.Object({ username: { ...Username, description: 'As typed at login; case does not matter' } }, { additionalProperties: false }),
      response: { 200: Type.Object({ failuresCleared: Type.Integer({ description: 'Failures the username\'s own counter held' }) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    // The counters are the lower-cased name's: every local user of that name, in any case, is the target.
    const users = app.users.namesAnyCase(request.query.username).map(username => ({ source: 'local' as const, username }))
    await refuseUsersOutsideTeams(app, request, reply, users)
    const failuresCleared = await store.clearUser(request.query.username.toLowerCase())
    request.log.info({ target: request.query.username, failuresCleared }, 'login failures cleared')
    return { failuresCleared }
  })
}

export default fp(loginFailuresPlugin, { name: 'login-failures', fastify: '5.x', dependencies: ['access', 'audit-trail'] })
