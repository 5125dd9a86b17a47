import type * as OpenId from 'openid-client'
import { errors } from '../../http/errors.ts'

/**
 * Turns an openid-client failure into a problem naming what failed, never what was sent: its messages
 * (and those of the oauth4webapi errors it wraps) carry no token or claim value, and only the OAuth
 * `error` code of a provider's answer is repeated.
 */
export function describeFailure (client: typeof OpenId, error: unknown): Error {
  if (error instanceof client.AuthorizationResponseError) return new errors.OidcLoginRejected(`the provider answered ${error.error}`)
  if (error instanceof client.ResponseBodyError) return new errors.OidcLoginRejected(`the provider's token endpoint answered ${error.error}`)
  if (error instanceof client.WWWAuthenticateChallengeError) {
    // The token endpoint (a wrong client secret) or userinfo (a refused access token) challenged us.
    const code = error.cause[0]?.parameters.error ?? 'unauthorized'
    return new errors.OidcLoginRejected(`the provider answered HTTP ${error.status} ${code}`)
  }
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new errors.OidcProviderFailed(error.message)
    }
    const precise = error.cause instanceof Error ? error.cause.message : error.message
    return new errors.OidcLoginRejected(precise)
  }
  if (error instanceof TypeError || (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))) {
    return new errors.OidcProviderFailed('it could not be reached or did not answer in time')
  }
  return error as Error
}
