import { createPublicKey, type KeyObject } from 'node:crypto'
import fp from 'fastify-plugin'
import { createRemoteJWKSet, errors as jose, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'
import { errors } from '../http/errors.ts'
import { parseRoleMap, rolesFromClaims } from './role-map.ts'
import { parseTeamMap, teamsFromClaims } from '../teams/team-map.ts'
import { externalUsernameProblem, type Identity } from './identity.ts'

export type GatewayJwtOptions = Pick<Config,
  'GATEWAY_JWT_HEADER' | 'GATEWAY_JWKS_URL' | 'GATEWAY_PUBLIC_KEY' | 'GATEWAY_ISSUER' | 'GATEWAY_AUDIENCE' |
  'GATEWAY_USERNAME_CLAIM' | 'OIDC_ROLES_CLAIM' | 'OIDC_ROLE_MAP' | 'NODE_ENV'> & Partial<Pick<Config, 'ACCESS_MODEL' | 'TEAMS_CLAIM' | 'TEAM_MAP'>>

// Asymmetric signatures only: the gateway signs with a private key this proxy never holds. An HS*
// token would be "signed" with a secret anyone can derive from the public key ("algorithm
// confusion"), and 'none' is no signature at all; both are refused before any key is looked at.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']
const ASYMMETRIC_KEY_TYPES = new Set(['rsa', 'rsa-pss', 'ec', 'ed25519', 'ed448'])
// Gateways and this proxy do not share a clock; half a minute of skew is forgiven, no more.
const CLOCK_TOLERANCE_SECONDS = 30
const JWKS_TIMEOUT_MS = 3000
// A token naming an unknown key refetches the key set (key rotation), at most this often.
const JWKS_COOLDOWN_MS = 30_000
// How long fetched keys are used before being fetched again (a removed key stops working after this).
const JWKS_MAX_AGE_MS = 10 * 60_000
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5

/** The key set could not be fetched or read: nobody's token can be checked, whatever it holds. */
class KeySetUnavailable extends Error {}

/**
 * Identity from a JWT that the gateway in front of the proxy puts in `GATEWAY_JWT_HEADER`, checked on
 * every request (nothing is remembered between requests, no cookie is set). Plain identity headers
 * (x-forwarded-user and the like) are never read: anyone who can reach the proxy could send them.
 */
async function gatewayJwtPlugin (app: FastifyInstance, options: GatewayJwtOptions): Promise<void> {
  const header = options.GATEWAY_JWT_HEADER
  if (header === undefined) return
  const verify = createVerifier(options)
  const roleMap = parseRoleMap(options.OIDC_ROLE_MAP)
  const teamMap = parseTeamMap(options.TEAM_MAP)
  const issuer = options.GATEWAY_ISSUER!
  // Whoever can alter the key set's traffic can mint identities: plain http only off production or on loopback.
  if (options.NODE_ENV === 'production' && options.GATEWAY_JWKS_URL?.startsWith('http://') === true && !isLoopbackUrl(options.GATEWAY_JWKS_URL)) {
    throw new Error('GATEWAY_JWKS_URL: must be https:// in production (http:// only on a loopback address)')
  }

  app.authenticators.push({
    name: 'gateway-jwt',
    async authenticate (request: FastifyRequest): Promise<Identity | null> {
      const value = request.headers[header]
      if (value === undefined) return null
      let claims: JWTPayload
      try {
        claims = await verify(tokenIn(value))
      } catch (error) {
        if (error instanceof KeySetUnavailable) {
          throw Object.assign(new errors.GatewayKeysUnavailable({ cause: error.cause }), { retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS })
        }
        // The reason, for whoever runs the gateway; never the token nor its claims.
        request.log.info({ reason: rejectionReason(error) }, 'gateway token rejected')
        throw new errors.Unauthenticated()
      }
      const username = claims[options.GATEWAY_USERNAME_CLAIM]
      if (typeof username !== 'string' || username === '') {
        request.log.info({ reason: `no usable ${options.GATEWAY_USERNAME_CLAIM} claim` }, 'gateway token rejected')
        throw new errors.Unauthenticated()
      }
      // A signed token whose username this proxy cannot show safely: the gateway's to fix, said clearly.
      const problem = externalUsernameProblem(username)
      if (problem !== undefined) {
        request.log.info({ reason: `${options.GATEWAY_USERNAME_CLAIM} claim ${problem}` }, 'gateway token rejected')
        throw new errors.UsernameRefused('gateway', `claim ${options.GATEWAY_USERNAME_CLAIM}`, problem)
      }
      const roles = rolesFromClaims(claims, options.OIDC_ROLES_CLAIM, roleMap)
      // Authenticated but with no business here: 403, as an OIDC login without a mapped role.
      if (roles.length === 0) throw new errors.Forbidden('viewer')
      refuseCrossSiteChange(request)
      const teams = options.ACCESS_MODEL === 'teams' ? { teams: teamsFromClaims(claims, options.TEAMS_CLAIM ?? 'teams', teamMap) } : {}
      return { source: 'gateway', username, roles, via: 'gateway', credential: issuer, ...teams }
    }
  })
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A gateway usually sets its header from a browser cookie, so a page on a sibling site could make the
 * browser send a change with it. As Duende.BFF does: a change needs the custom header `X-CSRF: 1`, which
 * no form can send and a cross-origin script can only send after a CORS preflight this proxy refuses
 * (unless CORS_ORIGINS lists it); and a browser saying Sec-Fetch-Site: cross-site is refused whatever it sends.
 */
function refuseCrossSiteChange (request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return
  if (request.headers['sec-fetch-site'] === 'cross-site') throw new errors.GatewayCsrfRejected('the browser says this request comes from another site (Sec-Fetch-Site: cross-site)')
  if (request.headers['x-csrf'] !== '1') throw new errors.GatewayCsrfRejected('the X-CSRF: 1 header is missing')
}

// Built once: the key (or the key set and its cache) and the checks are shared by every request.
function createVerifier (options: GatewayJwtOptions): (token: string) => Promise<JWTPayload> {
  const checks: JWTVerifyOptions = {
    algorithms: ALGORITHMS,
    issuer: options.GATEWAY_ISSUER,
    audience: options.GATEWAY_AUDIENCE,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS
  }
  if (options.GATEWAY_PUBLIC_KEY !== undefined && options.GATEWAY_JWKS_URL !== undefined) {
    throw new Error('GATEWAY_PUBLIC_KEY and GATEWAY_JWKS_URL: set one of them, not both')
  }
  if (options.GATEWAY_PUBLIC_KEY !== undefined) {
    const key = staticKey(options.GATEWAY_PUBLIC_KEY)
    return async token => (await jwtVerify(token, key, checks)).payload
  }
  const keys = remoteKeys(options.GATEWAY_JWKS_URL!)
  return async token => (await jwtVerify(token, keys, checks)).payload
}

function remoteKeys (url: string): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(new URL(url), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS
  })
  return async (protectedHeader, token) => {
    try {
      return await keySet(protectedHeader, token)
    } catch (error) {
      // The key set was read and names no key this token could be checked with: the token's fault.
      if (error instanceof jose.JWKSNoMatchingKey || error instanceof jose.JWKSMultipleMatchingKeys || error instanceof jose.JOSENotSupported) throw error
      // Anything else (refused, timed out, not 200, not a key set) is the key set's: a 503, not a 401
      // that would send users to log in again, and never a pass.
      throw new KeySetUnavailable('the gateway key set cannot be fetched', { cause: error })
    }
  }
}

/** A PEM public key (SPKI, or a certificate) or a public JWK as JSON. */
function staticKey (text: string): KeyObject {
  const trimmed = text.trim()
  if (trimmed.includes('PRIVATE KEY') || /"d"\s*:/.test(trimmed)) {
    throw new Error('GATEWAY_PUBLIC_KEY: is a private key; give the gateway\'s public key')
  }
  const key = publicKeyIn(trimmed)
  if (key === undefined || !ASYMMETRIC_KEY_TYPES.has(key.asymmetricKeyType ?? '')) {
    throw new Error('GATEWAY_PUBLIC_KEY: is neither a PEM public key nor a public JWK (RSA, EC or OKP) as JSON')
  }
  return key
}

function publicKeyIn (text: string): KeyObject | undefined {
  try {
    return text.startsWith('{') ? createPublicKey({ key: JSON.parse(text), format: 'jwk' }) : createPublicKey(text)
  } catch {
    // The cause is dropped on purpose: a JSON parse error quotes part of the value.
    return undefined
  }
}

// Some gateways can only pass on what they hold as an Authorization value: `Bearer <jwt>` is taken too.
function tokenIn (value: string | string[]): string {
  if (typeof value !== 'string') return ''
  return value.replace(/^bearer +/i, '')
}

function rejectionReason (error: unknown): string {
  if (error instanceof jose.JWTClaimValidationFailed || error instanceof jose.JWTExpired) return `${error.code}: ${error.claim} ${error.reason}`
  if (error instanceof jose.JOSEError) return error.code
  return error instanceof Error ? error.name : 'unknown'
}

function isLoopbackUrl (url: string): boolean {
  const { hostname } = new URL(url)
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.')
}

export default fp(gatewayJwtPlugin, { name: 'gateway-jwt', fastify: '5.x', dependencies: ['access'] })
