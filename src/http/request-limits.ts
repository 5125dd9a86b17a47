import type { ServerOptions } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'

/** Sign-in, logout and token bodies are a few hundred bytes; a back-channel logout token at most 8 KiB. */
export const AUTH_BODY_LIMIT = 16 * 1024

type Limits = Pick<Config, 'BODY_LIMIT' | 'REQUEST_TIMEOUT_MS' | 'HEADERS_TIMEOUT_MS' | 'MAX_CONNECTIONS'>

/**
 * What a slow or idle client may hold: the headers must arrive within HEADERS_TIMEOUT_MS and the
 * whole request within REQUEST_TIMEOUT_MS (Node answers 408 and closes), checked every second or
 * so rather than Node's default 30 s, so a limit is not overrun by up to half a minute.
 */
export function timeoutOptions (config: Limits): { requestTimeout: number, http: ServerOptions } {
  const http: ServerOptions = {
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    headersTimeout: config.HEADERS_TIMEOUT_MS,
    connectionsCheckingInterval: Math.min(1000, Math.floor(config.HEADERS_TIMEOUT_MS / 2))
  }
  return { requestTimeout: config.REQUEST_TIMEOUT_MS, http }
}

/**
 * At most MAX_CONNECTIONS sockets (Node closes any beyond at once), and a body limit per route family:
 * BODY_LIMIT for the API, AUTH_BODY_LIMIT for /auth/*. A larger body is a 413 before it is read whole.
 */
export function useRequestLimits (app: FastifyInstance, config: Limits): void {
  app.server.maxConnections = config.MAX_CONNECTIONS
  app.addHook('onRoute', route => {
    route.bodyLimit ??= route.url.startsWith('/auth/') ? AUTH_BODY_LIMIT : config.BODY_LIMIT
  })
}
