import { hash, randomBytes } from 'node:crypto'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SessionRecord, SessionStore } from './stores/session-store.ts'
import type { Role } from './roles.ts'
import type { IdentitySource, Principal } from './identity.ts'
import { createCookieSigner } from './cookie-signature.ts'

export interface SessionOptions {
  secret: string
  store: SessionStore
  idleTimeoutMs: number
  maxAgeMs: number
}

/** Who a new session is for; `provider` for OIDC logins (what back-channel logout refers to). */
export interface SessionUser {
  source: IdentitySource
  username: string
  roles: Role[]
  teams?: string[]
  provider?: SessionRecord['provider']
}

export interface ActiveSession extends SessionRecord {
  key: string
  expiresAt: number
}

const COOKIE = 'bff_session'
const SECURE_COOKIE = '__Host-bff_session'
// Writing back on every request would turn each read into a store write; a minute of slack in the
// idle timeout is the price. Never more than a tenth of the idle timeout, though: with the minimum
// timeout (60 s) a one-minute slack would mean no use ever extended the session.
const TOUCH_AFTER_MS = 60_000
// Cookie value -> store key (hash of the session id), for cookies whose signature held: a session's
// every request skips the MAC and the hash. The oldest entry goes when it is full.
const KEY_CACHE_SIZE = 10_000

declare module 'fastify' {
  interface FastifyInstance {
    sessionStore: SessionStore
    sessions: ReturnType<typeof createSessionManager>
  }
  interface FastifyRequest {
    session: ActiveSession | null
  }
}

function createSessionManager (options: SessionOptions) {
  const { store, idleTimeoutMs, maxAgeMs } = options
  const signer = createCookieSigner(options.secret)
  const touchAfterMs = Math.min(TOUCH_AFTER_MS, idleTimeoutMs / 10)

  const expiresAt = (record: SessionRecord): number => Math.min(record.lastSeenAt + idleTimeoutMs, record.maxExpiresAt)
  const ttl = (record: SessionRecord): number => Math.max(1, expiresAt(record) - Date.now())

  const keys = new Map<string, string>()
  const keyOf = (signed: string): string | undefined => {
    const cached = keys.get(signed)
    if (cached !== undefined) return cached
    const id = signer.unsign(signed)
    if (id === undefined) return undefined
    if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value!)
    const key = sessionKey(id)
    keys.set(signed, key)
    return key
  }

  async function load (request: FastifyRequest): Promise<ActiveSession | null> {
    const signed = request.cookies[secureRequest(request) ? SECURE_COOKIE : COOKIE]
    if (signed === undefined) return null
    const key = keyOf(signed)
    if (key === undefined) return null
    const record = await store.get(key)
    const now = Date.now()
    if (record === undefined || expiresAt(record) <= now) return null
    if (now - record.lastSeenAt >= touchAfterMs) {
      record.lastSeenAt = now
      await store.touch(key, record, ttl(record))
    }
    request.session = { ...record, key, expiresAt: expiresAt(record) }
    return request.session
  }

  async function start (request: FastifyRequest, reply: FastifyReply, user: SessionUser): Promise<ActiveSession> {
    // A new id at every login: a session id planted before login is worth nothing after it.
    const previous = request.session ?? await load(request)
    if (previous !== null) await store.delete(previous.key)
    const id = randomBytes(32).toString('base64url')
    const now = Date.now()
    const record: SessionRecord = {
      source: user.source,
      username: user.username,
      roles: user.roles,
      ...(user.teams === undefined ? {} : { teams: user.teams }),
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      maxExpiresAt: now + maxAgeMs,
      ...(user.provider === undefined ? {} : { provider: user.provider })
    }
    const key = sessionKey(id)
    await store.set(key, record, ttl(record))
    const secure = secureRequest(request)
    reply.setCookie(secure ? SECURE_COOKIE : COOKIE, signer.sign(id), {
      httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: Math.floor(maxAgeMs / 1000)
    })
    request.session = { ...record, key, expiresAt: expiresAt(record) }
    return request.session
  }

  async function end (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.session !== null) await store.delete(request.session.key)
    request.session = null
    const secure = secureRequest(request)
    reply.clearCookie(secure ? SECURE_COOKIE : COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
  }

  /** A user's live sessions, as an admin sees them (src/auth/session-admin-routes.ts). */
  async function listByUser (user: Principal): Promise<ActiveSession[]> {
    const now = Date.now()
    return (await store.listByUser(user))
      .map(({ key, record }) => ({ ...record, key, expiresAt: expiresAt(record) }))
      .filter(session => session.expiresAt > now)
  }

  return { load, start, end, listByUser, idleTimeoutMs }
}

function sessionKey (id: string): string {
  return hash('sha256', id, 'base64url')
}

function secureRequest (request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

async function sessionsPlugin (app: FastifyInstance, options: SessionOptions): Promise<void> {
  await app.register(cookie)
  app.decorate('sessionStore', options.store)
  app.decorate('sessions', createSessionManager(options))
  app.decorateRequest('session', null)
  app.addHook('onClose', async () => { await options.store.close() })
}

export default fp(sessionsPlugin, { name: 'sessions', fastify: '5.x' })
