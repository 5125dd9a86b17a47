import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import type { Test } from 'tap'

// A stand-in for the gateway in front of the proxy: its signing key, its key set served over real
// HTTP on loopback, and tokens signed as it would sign them.

export const ISSUER = 'https://gateway.example.test'
export const AUDIENCE = 'authlete-bff'
export const HEADER = 'x-forwarded-jwt'
export const ROLE_MAP = 'bff-admins=admin,bff-editors=editor,bff-viewers=viewer'
export const KID = 'gateway-key-1'

export interface SigningKey {
  privateKey: CryptoKey
  publicKey: CryptoKey
  jwk: JWK
  pem: string
}

export interface Gateway {
  key: SigningKey
  jwksUrl: string
  /** How many times the key set was fetched. */
  fetches: () => number
  /** Changes what the key set endpoint answers from now on. */
  answer: (handler: (request: IncomingMessage, response: ServerResponse) => void) => void
  /** The app's environment for this gateway (JWKS mode). */
  env: Record<string, string>
  /** A token as the gateway signs it: `claims` override the defaults, `undefined` removes one. */
  sign: (claims?: JWTPayload, options?: SignOptions) => Promise<string>
}

export interface SignOptions {
  key?: CryptoKey | Uint8Array
  alg?: string
  kid?: string | null
  header?: Record<string, unknown>
}

export async function signingKey (alg = 'RS256', kid = KID): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = { ...await exportJWK(publicKey), kid, alg, use: 'sig' }
  return { privateKey, publicKey, jwk, pem: await exportSPKI(publicKey) }
}

export function defaultClaims (): JWTPayload {
  const now = Math.floor(Date.now() / 1000)
  return { iss: ISSUER, aud: AUDIENCE, sub: 'alice', roles: ['bff-editors'], iat: now, exp: now + 300 }
}

export async function sign (key: SigningKey, claims: JWTPayload = {}, options: SignOptions = {}): Promise<string> {
  const payload: JWTPayload = { ...defaultClaims(), ...claims }
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name]
  const alg = options.alg ?? key.jwk.alg!
  const kid = options.kid === undefined ? key.jwk.kid : options.kid ?? undefined
  return await new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }), ...options.header })
    .sign(options.key ?? key.privateKey)
}

export async function startGateway (t: Test): Promise<Gateway> {
  const key = await signingKey()
  let fetches = 0
  let handler = (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: [key.jwk] }))
  }
  const server = createServer((request, response) => {
    fetches++
    handler(request, response)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise(resolve => {
    server.close(resolve)
    server.closeAllConnections()
  }))
  const { port } = server.address() as { port: number }
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`
  return {
    key,
    jwksUrl,
    fetches: () => fetches,
    answer: next => { handler = next },
    env: gatewayEnv({ GATEWAY_JWKS_URL: jwksUrl }),
    sign: async (claims, options) => await sign(key, claims, options)
  }
}

export function gatewayEnv (keySource: Record<string, string>): Record<string, string> {
  return { GATEWAY_JWT_HEADER: HEADER, GATEWAY_ISSUER: ISSUER, GATEWAY_AUDIENCE: AUDIENCE, OIDC_ROLE_MAP: ROLE_MAP, ...keySource }
}

/** `{"alg":"none"}` and the claims, unsigned: what an attacker writes by hand. */
export function unsignedToken (claims: JWTPayload, alg = 'none', signature = ''): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg, typ: 'JWT' })}.${part({ ...defaultClaims(), ...claims })}.${signature}`
}
