import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { errors } from '../../http/errors.ts'
import { samePrincipal, type Authenticator } from '../identity.ts'
import { hashMatches, tokenId } from './token-format.ts'
import { tokenCreator, tokenExpiry, tokenOwner, type TokenStore } from './token-store.ts'

const BEARER = /^bearer +(\S*) *$/i
// lastUsedAt is for people deciding which tokens to revoke: a minute of precision is plenty, and a
// script's every request does not become a store write.
const TOUCH_AFTER_MS = 60_000

/**
 * `Authorization: Bearer bfft_...`. Any bearer value that is not a live token of ours is a 401, never
 * a fall-through to the cookie: a script with a revoked token must see it fail, not ride on a browser
 * session. Other schemes (Basic) are not ours and are left to the next authenticator.
 */
export function createBearerAuthenticator (store: TokenStore, log: FastifyBaseLogger, maxExternalMs: number): Authenticator {
  return {
    name: 'api-token',
    async authenticate (request: FastifyRequest) {
      const header = request.headers.authorization
      if (header === undefined || !/^bearer(?: |$)/i.test(header)) return null
      const value = BEARER.exec(header)?.[1] ?? ''
      const id = tokenId(value)
      if (id === undefined) throw new errors.BadApiToken()
      const record = await store.get(id)
      const now = Date.now()
      if (record === undefined || tokenExpiry(record, maxExternalMs) <= now || !hashMatches(value, record.hash)) throw new errors.BadApiToken()
      if (now - (record.lastUsedAt ?? 0) >= TOUCH_AFTER_MS) {
        // Not awaited: the request does not wait for bookkeeping, nor fail with it.
        store.touch(id, { ...record, lastUsedAt: now }).catch((error: unknown) => { log.warn({ err: error, tokenId: id }, 'api token: lastUsedAt not recorded') })
      }
      const owner = tokenOwner(record)
      const creator = tokenCreator(record)
      // Acts as the owner; a token an admin made for someone else also names the admin, on every use.
      return { ...owner, roles: record.roles, via: 'api-token', credential: id, ...(samePrincipal(owner, creator) ? {} : { tokenCreatedBy: creator }), ...(record.teams === undefined ? {} : { teams: record.teams }) }
    }
  }
}

/** Route onRequest hook: minting tokens and managing sessions need a person (session or gateway), not a token. */
export async function refuseApiTokens (request: FastifyRequest): Promise<void> {
  if (request.identity?.via === 'api-token') throw new errors.ApiTokenNotAllowed()
}
