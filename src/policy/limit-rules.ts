import { durationOf, tokenAuthMethodOf, usesRefreshTokens, type Client } from './client-facts.ts'
import type { Violation } from './policy-types.ts'
import { hostMatches, redirectHost } from './redirect-uris.ts'
import { listViolations, scalarRule, scalarViolation, type Rule } from './rule.ts'

// The limits a policy file sets for every team or for one team (`rules:`). Each runs only when its
// limit is set, whatever the profile (also with `off`).

// A limit rule runs only when its limit is set (evaluate.ts reads `active`), so its list is there.
const listed = (values: readonly string[]): string => values.length === 0 ? 'none' : values.join(', ')

function hostProblem (patterns: readonly string[], uri: string): string | undefined {
  const host = redirectHost(uri)
  if (host === undefined) return 'has no host to check'
  return patterns.some(pattern => hostMatches(pattern, host)) ? undefined : `goes to ${host}`
}

const redirectUriHosts: Rule = {
  id: 'limit-redirect-uri-hosts',
  profiles: 'team',
  source: 'Policy file: redirectUriHosts (RFC 9700 §4.1)',
  reads: ['redirectUris'],
  summary: 'Every redirect URI goes to a host the policy lists (`*.example.com`: its subdomains; a native scheme com.example.app counts as app.example.com)',
  active: limits => limits.redirectUriHosts !== undefined,
  check: (client, limits) => listViolations('limit-redirect-uri-hosts', client, 'redirectUris', uri => hostProblem(limits.redirectUriHosts!, uri), (item, reason) => ({
    message: `redirectUris includes ${item}, which ${reason}. Accepted hosts: ${listed(limits.redirectUriHosts!)}`,
    fix: 'Use a redirect URI on one of the accepted hosts, or ask the platform team to add the host to the policy'
  }))
}

const grantTypes: Rule = {
  id: 'limit-grant-types',
  profiles: 'team',
  source: 'Policy file: grantTypes',
  reads: ['grantTypes'],
  summary: 'Only the grant types the policy lists',
  active: limits => limits.grantTypes !== undefined,
  check: (client, limits) => listViolations('limit-grant-types', client, 'grantTypes', item => limits.grantTypes!.includes(item) ? undefined : 'is not allowed', item => ({
    message: `grantTypes includes ${item}, which this policy does not allow. Accepted: ${listed(limits.grantTypes!)}`,
    fix: `Remove ${item} from grantTypes`
  }))
}

const tokenAuthMethods = scalarRule({
  id: 'limit-token-auth-methods',
  profiles: 'team',
  source: 'Policy file: tokenAuthMethods',
  reads: ['clientType', 'tokenAuthMethod'],
  summary: 'Only the client authentication methods the policy lists',
  active: limits => limits.tokenAuthMethods !== undefined,
  property: 'tokenAuthMethod',
  wrong: (client, limits) => !limits.tokenAuthMethods!.includes(tokenAuthMethodOf(client)),
  value: tokenAuthMethodOf,
  message: (client, limits) => `tokenAuthMethod is ${tokenAuthMethodOf(client)}, which this policy does not allow. Accepted: ${listed(limits.tokenAuthMethods!)}`,
  fix: limits => `Set tokenAuthMethod to one of ${listed(limits.tokenAuthMethods!)}`
})

// Authlete uses a client's duration only when it is a positive number below the service's (0, the
// value when not set, means the service's duration). The proxy does not read the service's settings,
// so 0 cannot be shown to keep the limit: a limited client sets its duration, 1..max. On create the
// limit itself is filled in when the body leaves the duration out.
type DurationName = 'accessTokenDuration' | 'refreshTokenDuration'

function durationViolation (id: string, client: Client, name: DurationName, max: number): Violation[] {
  const value = durationOf(client, name)
  const wrong = value === 0 ? 'is not set (0), so the service\'s duration applies, which this policy cannot check' : `is ${value} seconds, over the limit`
  return scalarViolation(value === 0 || value > max, {
    rule: id,
    property: `extension.${name}`,
    value,
    message: `extension.${name} ${wrong}. Accepted: 1 to ${max} seconds`,
    fix: `Set extension.${name} to at most ${max}`
  })
}

const durationLimit = (id: string, name: DurationName, limit: 'maxAccessTokenSeconds' | 'maxRefreshTokenSeconds', appliesTo: (client: Client) => boolean, summary: string): Rule => ({
  id,
  profiles: 'team',
  source: `Policy file: ${limit}`,
  reads: limit === 'maxRefreshTokenSeconds' ? ['grantTypes', `extension.${name}`] : [`extension.${name}`],
  summary,
  active: limits => limits[limit] !== undefined,
  check: (client, limits) => appliesTo(client) ? durationViolation(id, client, name, limits[limit]!) : [],
  fill: (client, limits) => appliesTo(client) ? [{ property: `extension.${name}`, value: limits[limit]! }] : []
})

const accessTokenDuration = durationLimit('limit-access-token-duration', 'accessTokenDuration', 'maxAccessTokenSeconds', () => true,
  'Access tokens live at most maxAccessTokenSeconds (extension.accessTokenDuration set, 1..max)')

const refreshTokenDuration = durationLimit('limit-refresh-token-duration', 'refreshTokenDuration', 'maxRefreshTokenSeconds', usesRefreshTokens,
  'Refresh tokens of a client with REFRESH_TOKEN live at most maxRefreshTokenSeconds (extension.refreshTokenDuration set, 1..max)')

export const LIMIT_RULES: readonly Rule[] = [redirectUriHosts, grantTypes, tokenAuthMethods, accessTokenDuration, refreshTokenDuration]
