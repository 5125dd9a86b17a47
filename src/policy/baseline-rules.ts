import { flagOn, isPublic, shown, spoken, tokenAuthMethodOf, usesCode, type Client } from './client-facts.ts'
import { fromProfile } from './policy-types.ts'
import { listViolations, scalarRule, type Rule } from './rule.ts'
import { transportProblem } from './redirect-uris.ts'

// The baseline profile: RFC 9700 (OAuth 2.0 Security Best Current Practice). Every stricter profile
// includes these rules.
const profiles = fromProfile('baseline')

// Response types whose authorization response carries an access token (RFC 9700 §2.1.2).
const TOKEN_RESPONSE_TYPES = new Set(['TOKEN', 'ID_TOKEN_TOKEN', 'CODE_TOKEN', 'CODE_ID_TOKEN_TOKEN'])

const noGrant = (id: string, grant: string, source: string, why: string, instead: string): Rule => ({
  id,
  profiles,
  source,
  reads: ['grantTypes'],
  summary: `No ${grant} grant`,
  check: client => listViolations(id, client, 'grantTypes', item => item === grant ? why : undefined, item => ({
    message: `grantTypes includes ${item}: ${why}. Accepted: any grant type but IMPLICIT and PASSWORD (for example AUTHORIZATION_CODE with PKCE, CLIENT_CREDENTIALS, REFRESH_TOKEN)`,
    fix: `Remove ${item} from grantTypes; ${instead}`
  }))
})

const noImplicitGrant = noGrant('no-implicit-grant', 'IMPLICIT', 'RFC 9700 §2.1.2',
  'the implicit grant returns access tokens in the redirect, where they leak and can be replayed',
  'use AUTHORIZATION_CODE with PKCE instead')

const noPasswordGrant = noGrant('no-password-grant', 'PASSWORD', 'RFC 9700 §2.4',
  'the resource owner password grant gives the client the user\'s password',
  'use AUTHORIZATION_CODE with PKCE (or CLIENT_CREDENTIALS for a client acting on its own behalf)')

const noTokenResponseTypes: Rule = {
  id: 'no-token-response-types',
  profiles,
  source: 'RFC 9700 §2.1.2',
  reads: ['responseTypes'],
  summary: 'No response type that returns an access token from the authorization endpoint (TOKEN, ID_TOKEN_TOKEN, CODE_TOKEN, CODE_ID_TOKEN_TOKEN)',
  check: client => listViolations('no-token-response-types', client, 'responseTypes', item => TOKEN_RESPONSE_TYPES.has(item) ? 'returns an access token' : undefined, item => ({
    message: `responseTypes includes ${item}, which returns an access token in the authorization response. Accepted: CODE, CODE_ID_TOKEN, ID_TOKEN, NONE`,
    fix: `Remove ${item} from responseTypes; use CODE and get tokens from the token endpoint`
  }))
}

const codeFlag = (id: string, property: string, summary: string, what: string): Rule => scalarRule({
  id,
  profiles,
  source: 'RFC 9700 §2.1.1',
  reads: ['grantTypes', property],
  summary,
  property,
  wrong: client => usesCode(client) && !flagOn(client, property),
  value: client => shown(client, property),
  message: client => `${property} is ${spoken(shown(client, property))} on a client using AUTHORIZATION_CODE: ${what}. Accepted: ${property}: true`,
  fix: () => `Set ${property} to true`,
  fill: (client: Client) => usesCode(client) ? [{ property, value: true }] : []
})

const pkceRequired = codeFlag('pkce-required', 'pkceRequired', 'PKCE required for clients using AUTHORIZATION_CODE',
  'without PKCE a stolen or injected authorization code can be redeemed')

const pkceS256 = codeFlag('pkce-s256', 'pkceS256Required', 'PKCE with S256 (not plain) for clients using AUTHORIZATION_CODE',
  'the plain method sends the verifier itself as the challenge')

const publicClientAuthNone = scalarRule({
  id: 'public-client-auth-none',
  profiles,
  source: 'RFC 6749 §2.1; RFC 8252 §8.5',
  reads: ['clientType', 'tokenAuthMethod'],
  summary: 'A PUBLIC client uses tokenAuthMethod NONE (it cannot keep a secret or key)',
  property: 'tokenAuthMethod',
  wrong: client => isPublic(client) && tokenAuthMethodOf(client) !== 'NONE',
  value: tokenAuthMethodOf,
  message: client => `tokenAuthMethod is ${tokenAuthMethodOf(client)} on a PUBLIC client, which cannot keep a credential secret. Accepted for a PUBLIC client: NONE`,
  fix: () => 'Set tokenAuthMethod to NONE (with PKCE), or make the client CONFIDENTIAL if it runs on a server',
  fill: client => isPublic(client) ? [{ property: 'tokenAuthMethod', value: 'NONE' }] : []
})

const REDIRECT_ACCEPTED = 'Accepted: https URIs, http on the loopback IP literals (http://127.0.0.1:PORT/..., http://[::1]:PORT/...), and native apps\' reverse-domain schemes (com.example.app:/callback)'

const redirectUriExact: Rule = {
  id: 'redirect-uri-exact',
  profiles,
  source: 'RFC 9700 §2.1',
  reads: ['redirectUris'],
  summary: 'Redirect URIs are exact: no * wildcard',
  check: client => listViolations('redirect-uri-exact', client, 'redirectUris', item => item.includes('*') ? 'has a wildcard' : undefined, item => ({
    message: `redirectUris includes ${item}, which has a * wildcard: redirect URIs are compared as exact strings. Accepted: complete URIs without *`,
    fix: 'List each redirect URI in full, one entry per URI'
  }))
}

const redirectUriHttps: Rule = {
  id: 'redirect-uri-https',
  profiles,
  source: 'RFC 9700 §2.6; RFC 8252 §7.1, §7.3, §8.3',
  reads: ['redirectUris'],
  summary: 'Redirect URIs use https, except http on the loopback IP literals and native reverse-domain schemes',
  check: client => listViolations('redirect-uri-https', client, 'redirectUris', transportProblem, (item, reason) => ({
    message: `redirectUris includes ${item}, which ${reason}. ${REDIRECT_ACCEPTED}`,
    fix: 'Use https, or for a native app the loopback IP literal or a reverse-domain scheme it owns'
  }))
}

export const BASELINE_RULES: readonly Rule[] = [noImplicitGrant, noTokenResponseTypes, noPasswordGrant, pkceRequired, pkceS256, publicClientAuthNone, redirectUriExact, redirectUriHttps]
