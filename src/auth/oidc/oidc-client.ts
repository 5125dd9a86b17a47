// Imported only when OIDC_ISSUER is set (oidc-plugin.ts): openid-client and jose are memory every
// replica would otherwise pay for nothing. The routes reach both libraries through the provider.
import { isIP } from 'node:net'
import * as client from 'openid-client'
import * as jose from 'jose'
import type { FastifyBaseLogger } from 'fastify'
import { errors } from '../../http/errors.ts'

export interface OidcSettings {
  issuer: string
  clientId: string
  clientSecret?: string
  production: boolean
}

/** The provider as discovered: the openid-client configuration and its signing keys. */
export interface DiscoveredProvider {
  configuration: client.Configuration
  issuer: string
  jwks: jose.JWTVerifyGetKey
  /** The libraries that speak to it, loaded with this module. */
  openid: typeof client
  jose: typeof jose
}

const DISCOVERY_TIMEOUT_SECONDS = 5
const REQUEST_TIMEOUT_SECONDS = 10
const FIRST_RETRY_MS = 1000
const MAX_RETRY_MS = 30_000

/**
 * Discovers the provider. The first attempt is awaited (bounded by a timeout) so a healthy provider is
 * ready when the server listens; after a failure discovery is retried in the background with backoff,
 * and `current()` answers 503 until it succeeds. The server starts either way.
 */
export function createOidcClient (settings: OidcSettings, log: FastifyBaseLogger) {
  const issuer = new URL(settings.issuer)
  const insecure = allowsPlainHttp(issuer, settings.production)
  let discovered: DiscoveredProvider | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  async function discover (): Promise<void> {
    const configuration = await client.discovery(
      issuer,
      settings.clientId,
      settings.clientSecret,
      settings.clientSecret === undefined ? client.None() : client.ClientSecretBasic(settings.clientSecret),
      { execute: insecure ? [client.allowInsecureRequests] : [], timeout: DISCOVERY_TIMEOUT_SECONDS }
    )
    configuration.timeout = REQUEST_TIMEOUT_SECONDS
    const metadata = configuration.serverMetadata()
    if (metadata.jwks_uri === undefined) throw new Error('the provider metadata has no jwks_uri')
    discovered = { configuration, issuer: metadata.issuer, jwks: jose.createRemoteJWKSet(new URL(metadata.jwks_uri)), openid: client, jose }
    log.info({ issuer: metadata.issuer, endSession: metadata.end_session_endpoint !== undefined }, 'oidc provider discovered')
  }

  async function attempt (delayMs: number): Promise<void> {
    try {
      await discover()
    } catch (error) {
      if (closed) return
      log.warn({ issuer: issuer.href, err: { message: (error as Error).message }, retryInMs: delayMs }, 'oidc discovery failed; retrying in the background')
      // attempt() never rejects: it catches and schedules the next try itself.
      timer = setTimeout(() => { attempt(Math.min(delayMs * 2, MAX_RETRY_MS)).catch(() => {}) }, delayMs)
      timer.unref()
    }
  }

  return {
    start: async (): Promise<void> => { await attempt(FIRST_RETRY_MS) },
    /** The discovered provider; 503 while it has not been reached yet. */
    current (): DiscoveredProvider {
      if (discovered === undefined) throw new errors.OidcUnavailable()
      return discovered
    },
    close (): void {
      closed = true
      clearTimeout(timer)
    }
  }
}

export type OidcClient = ReturnType<typeof createOidcClient>

/**
 * openid-client refuses plain-http providers. That is lifted for a development run, or for a provider on
 * this host's loopback (a sidecar); a production deployment with an http issuer elsewhere does not start.
 */
function allowsPlainHttp (issuer: URL, production: boolean): boolean {
  if (issuer.protocol !== 'http:') return false
  if (!production || isLoopback(issuer.hostname)) return true
  throw new Error(`OIDC_ISSUER: ${issuer.origin} is plain http; in production only https (or a loopback address) is accepted`)
}

function isLoopback (hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}
