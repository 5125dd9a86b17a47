import { flagOn, isPublic, shown, spoken, tokenAuthMethodOf, usesCode, usesRefreshTokens, type Client } from './client-facts.ts'
import { fromProfile } from './policy-types.ts'
import { listViolations, scalarRule, type Rule } from './rule.ts'

// The rules oauth2.1 and fapi2 add to the baseline.
//
// Refresh token rotation is a setting of the Authlete service (`refreshTokenKept`), not of a client:
// no client property can say that a client's refresh tokens rotate. So the oauth2.1 rule judges the
// other protection RFC 9700 §2.2.2 accepts, sender-constraint: DPoP (`dpopRequired`) or mTLS
// (`tlsClientCertificateBoundAccessTokens`, RFC 8705 §4 binds the refresh token of a public client too).

const senderConstrained = (client: Client): boolean => flagOn(client, 'dpopRequired') || flagOn(client, 'tlsClientCertificateBoundAccessTokens')
const SENDER_CONSTRAINT_ACCEPTED = 'Accepted: dpopRequired: true (DPoP) or tlsClientCertificateBoundAccessTokens: true (mTLS)'

const publicRefreshUnprotected = (client: Client): boolean => isPublic(client) && usesRefreshTokens(client) && !senderConstrained(client)

const publicRefreshTokenSenderConstrained = scalarRule({
  id: 'public-refresh-token-sender-constrained',
  profiles: fromProfile('oauth2.1'),
  source: 'OAuth 2.1 draft §4.3.1; RFC 9700 §2.2.2',
  reads: ['clientType', 'grantTypes', 'dpopRequired', 'tlsClientCertificateBoundAccessTokens'],
  summary: 'A PUBLIC client with REFRESH_TOKEN has sender-constrained tokens (DPoP or mTLS); rotation is a service setting a client cannot express',
  property: 'dpopRequired',
  wrong: publicRefreshUnprotected,
  value: client => shown(client, 'dpopRequired'),
  message: client => `A PUBLIC client with the REFRESH_TOKEN grant has no sender-constrained tokens (dpopRequired is ${spoken(shown(client, 'dpopRequired'))}), so a stolen refresh token can be replayed. ${SENDER_CONSTRAINT_ACCEPTED}`,
  fix: () => 'Set dpopRequired to true, or remove REFRESH_TOKEN from grantTypes',
  fill: client => publicRefreshUnprotected(client) ? [{ property: 'dpopRequired', value: true }] : []
})

// FAPI 2.0 Security Profile (Final, February 2025).
const fapi2 = fromProfile('fapi2')
const STRONG_AUTH_METHODS = ['PRIVATE_KEY_JWT', 'TLS_CLIENT_AUTH', 'SELF_SIGNED_TLS_CLIENT_AUTH']

const confidentialClient = scalarRule({
  id: 'confidential-client',
  profiles: fapi2,
  source: 'FAPI 2.0 Security Profile §5.3.2.1',
  reads: ['clientType'],
  summary: 'Only CONFIDENTIAL clients',
  property: 'clientType',
  wrong: isPublic,
  value: () => 'PUBLIC',
  message: () => 'clientType is PUBLIC: FAPI 2.0 supports only confidential clients. Accepted: CONFIDENTIAL',
  fix: () => 'Create the client as CONFIDENTIAL, authenticating with PRIVATE_KEY_JWT or mTLS'
})

const strongClientAuth = scalarRule({
  id: 'client-auth-private-key-or-mtls',
  profiles: fapi2,
  source: 'FAPI 2.0 Security Profile §5.3.2.1',
  reads: ['clientType', 'tokenAuthMethod'],
  summary: 'Client authentication with PRIVATE_KEY_JWT or mTLS (TLS_CLIENT_AUTH, SELF_SIGNED_TLS_CLIENT_AUTH)',
  property: 'tokenAuthMethod',
  wrong: client => !STRONG_AUTH_METHODS.includes(tokenAuthMethodOf(client)),
  value: tokenAuthMethodOf,
  message: client => `tokenAuthMethod is ${tokenAuthMethodOf(client)}: FAPI 2.0 requires asymmetric or certificate-based client authentication. Accepted: ${STRONG_AUTH_METHODS.join(', ')}`,
  fix: () => 'Set tokenAuthMethod to PRIVATE_KEY_JWT (with jwks or jwksUri) or TLS_CLIENT_AUTH / SELF_SIGNED_TLS_CLIENT_AUTH (with the certificate settings)'
})

const senderConstrainedTokens = scalarRule({
  id: 'sender-constrained-tokens',
  profiles: fapi2,
  source: 'FAPI 2.0 Security Profile §5.3.2.1',
  reads: ['dpopRequired', 'tlsClientCertificateBoundAccessTokens'],
  summary: 'Sender-constrained access tokens: DPoP or mTLS',
  property: 'dpopRequired',
  wrong: client => !senderConstrained(client),
  value: client => shown(client, 'dpopRequired'),
  message: () => `Neither dpopRequired nor tlsClientCertificateBoundAccessTokens is true: FAPI 2.0 issues only sender-constrained access tokens. ${SENDER_CONSTRAINT_ACCEPTED}`,
  fix: () => 'Set dpopRequired to true, or tlsClientCertificateBoundAccessTokens to true for mTLS-bound tokens',
  fill: client => senderConstrained(client) ? [] : [{ property: 'dpopRequired', value: true }]
})

const parRequired = scalarRule({
  id: 'par-required',
  profiles: fapi2,
  source: 'FAPI 2.0 Security Profile §5.3.2.2',
  reads: ['grantTypes', 'parRequired'],
  summary: 'Pushed authorization requests (PAR) required for clients using AUTHORIZATION_CODE',
  property: 'parRequired',
  wrong: client => usesCode(client) && !flagOn(client, 'parRequired'),
  value: client => shown(client, 'parRequired'),
  message: client => `parRequired is ${spoken(shown(client, 'parRequired'))} on a client using AUTHORIZATION_CODE: FAPI 2.0 accepts authorization requests only through PAR (RFC 9126). Accepted: parRequired: true`,
  fix: () => 'Set parRequired to true',
  fill: client => usesCode(client) ? [{ property: 'parRequired', value: true }] : []
})

const responseTypeCodeOnly: Rule = {
  id: 'response-type-code-only',
  profiles: fapi2,
  source: 'FAPI 2.0 Security Profile §5.3.2.2',
  reads: ['responseTypes'],
  summary: 'Response type CODE only',
  check: client => listViolations('response-type-code-only', client, 'responseTypes', item => item === 'CODE' ? undefined : 'is not CODE', item => ({
    message: `responseTypes includes ${item}: FAPI 2.0 accepts only the code response type. Accepted: CODE`,
    fix: `Remove ${item} from responseTypes, keeping CODE`
  }))
}

export const PROFILE_RULES: readonly Rule[] = [publicRefreshTokenSenderConstrained, confidentialClient, strongClientAuth, senderConstrainedTokens, parRequired, responseTypeCodeOnly]
