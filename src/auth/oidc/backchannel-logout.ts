import { Type } from 'typebox'
import type { errors as JoseErrors, JWTPayload } from 'jose'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../../http/errors.ts'
import { problems } from '../../http/problem-schema.ts'
import type { DiscoveredProvider } from './oidc-client.ts'
import type { ProviderLookup } from './oidc-plugin.ts'
import type { OneTimeMarks } from './one-time-marks.ts'

export interface BackchannelLogoutOptions {
  provider: ProviderLookup
  marks: OneTimeMarks
  clientId: string
}

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
// A logout token is acted on at once; an older one is refused, and its jti remembered that long.
const MAX_TOKEN_AGE_SECONDS = 10 * 60
const CLOCK_TOLERANCE_SECONDS = 60
const FORM_BODY_LIMIT = 16 * 1024

const LogoutForm = Type.Object({
  logout_token: Type.String({ minLength: 1, maxLength: 8192 })
}, { additionalProperties: false })

declare module 'fastify' {
  interface FastifyRequest {
    /** The claims of a back-channel logout token that verified and was not seen before. */
    logoutClaims?: JWTPayload
  }
}

// Encapsulated (not fastify-plugin): the form parser below exists for this route only; everywhere else
// the app keeps accepting JSON alone.
const backchannelLogout: FastifyPluginAsyncTypebox<BackchannelLogoutOptions> = async (app, { provider: lookup, marks, clientId }) => {
  app.removeAllContentTypeParsers()
  // The one field the spec defines, nothing else: other fields a caller sends are never seen, and
  // so can never reach a log or the audit trail.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    const token = new URLSearchParams(body as string).get('logout_token')
    done(null, token === null ? {} : { logout_token: token })
  })

  app.post('/auth/backchannel-logout', {
    config: { audit: 'auth.backchannel-logout' },
    schema: {
      tags: ['auth'],
      summary: 'OpenID Connect Back-Channel Logout: the provider ends the sessions a signed logout token names',
      consumes: ['application/x-www-form-urlencoded'],
      body: LogoutForm,
      response: {
        200: Type.Object({ sessionsEnded: Type.Integer({ minimum: 0 }) }),
        ...problems(400, 404, 415, 503)
      }
    },
    // Before the audit trail's own preHandler: only a token that verified and was never used before
    // is recorded, so nobody without the provider's key can write to the audit trail. (A token whose
    // intent then cannot be recorded has used up its jti; the provider's retry is refused, the
    // session stays until it expires, as when the logout is never delivered.)
    preHandler: async (request) => {
      const provider = lookup(request)
      const claims = await verifyLogoutToken(provider, clientId, request.body.logout_token)
      const ttlMs = ((claims.iat! + MAX_TOKEN_AGE_SECONDS + CLOCK_TOLERANCE_SECONDS) * 1000) - Date.now()
      if (!await marks.firstUse('logout-jti', `${provider.issuer} ${claims.jti!}`, ttlMs)) {
        throw new errors.LogoutTokenRejected('this token (jti) was already used')
      }
      request.logoutClaims = claims
    }
  }, async (request) => {
    const provider = lookup(request)
    const claims = request.logoutClaims!
    const sessionsEnded = await app.sessionStore.deleteByProviderSession(provider.issuer, claims.sub, claims.sid as string | undefined)
    request.log.info({ issuer: provider.issuer, subject: claims.sub, sid: claims.sid, sessionsEnded }, 'back-channel logout')
    return { sessionsEnded }
  })
}

/** OpenID Connect Back-Channel Logout 1.0, section 2.6: what makes a logout token acceptable. */
async function verifyLogoutToken (provider: DiscoveredProvider, clientId: string, token: string): Promise<JWTPayload> {
  let payload: JWTPayload
  try {
    ({ payload } = await provider.jose.jwtVerify(token, provider.jwks, {
      issuer: provider.issuer,
      audience: clientId,
      algorithms: signingAlgorithms(provider),
      requiredClaims: ['iat', 'jti', 'events'],
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS
    }))
  } catch (error) {
    throw new errors.LogoutTokenRejected(joseReason(provider.jose.errors, error))
  }
  const events = payload.events
  if (typeof events !== 'object' || events === null || typeof (events as Record<string, unknown>)[LOGOUT_EVENT] !== 'object') {
    throw new errors.LogoutTokenRejected(`the events claim does not hold ${LOGOUT_EVENT}`)
  }
  if ('nonce' in payload) throw new errors.LogoutTokenRejected('a logout token must not carry a nonce')
  if (typeof payload.sub !== 'string' && typeof payload.sid !== 'string') throw new errors.LogoutTokenRejected('neither sub nor sid is present')
  if (typeof payload.jti !== 'string') throw new errors.LogoutTokenRejected('jti is not a string')
  return payload
}

// Asymmetric algorithms the provider announces; never `none`, never HMAC (no shared key is configured).
function signingAlgorithms (provider: DiscoveredProvider): string[] {
  const announced = provider.configuration.serverMetadata().id_token_signing_alg_values_supported ?? ['RS256']
  return announced.filter(alg => alg !== 'none' && !alg.startsWith('HS'))
}

function joseReason (joseErrors: typeof JoseErrors, error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason === 'check_failed' ? 'is not acceptable' : 'is missing or malformed'}`
  if (error instanceof joseErrors.JWTExpired) return error.claim === 'iat' ? `it was issued more than ${MAX_TOKEN_AGE_SECONDS / 60} minutes ago (iat)` : 'it has expired'
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its signing algorithm is not accepted'
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify'
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the provider matches it'
  if (error instanceof joseErrors.JOSEError) return 'it is not a valid signed JWT'
  return 'it could not be verified'
}

export default backchannelLogout
