import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createBearerAuthenticator } from './bearer-authenticator.ts'
import tokenRoutes from './token-routes.ts'
import type { TokenStore } from './token-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    apiTokens: TokenStore
  }
}

export interface ApiTokensOptions {
  store: TokenStore
  /** API_TOKEN_MAX_DAYS: the longest lifetime a new token may ask for. */
  maxDays: number
  /** API_TOKEN_MAX_PER_USER: live tokens one owner may hold. */
  maxPerUser: number
  /** API_TOKEN_MAX_HOURS_EXTERNAL: the longest an OIDC or gateway owner's token works. */
  maxHoursExternal: number
}

/** Personal API tokens: `Authorization: Bearer` authentication, and /auth/tokens to manage them. */
async function apiTokensPlugin (app: FastifyInstance, { store, maxDays, maxPerUser, maxHoursExternal }: ApiTokensOptions): Promise<void> {
  const maxExternalMs = maxHoursExternal * 3_600_000
  app.decorate('apiTokens', store)
  app.authenticators.push(createBearerAuthenticator(store, app.log, maxExternalMs))
  app.addHook('onClose', async () => { await store.close() })
  await app.register(tokenRoutes, { store, maxDays, maxPerUser, maxExternalMs })
}

export default fp(apiTokensPlugin, { name: 'api-tokens', fastify: '5.x', dependencies: ['access', 'audit-trail', 'users'] })
