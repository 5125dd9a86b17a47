import type { Client } from './client-facts.ts'
import { patternCoveredBy } from './redirect-uris.ts'
import { ALL_RULES, infoOf, ruleById } from './rules.ts'
import type { Rule } from './rule.ts'
import { profileRank, type EffectivePolicy, type Policy, type ProfileName, type TeamRules, type Violation } from './policy-types.ts'

export { RULES } from './rules.ts'
export type { EffectivePolicy, Policy, ProfileName, RuleInfo, TeamRules, Violation } from './policy-types.ts'

const stricterProfile = (a: ProfileName, b: ProfileName): ProfileName => profileRank(a) >= profileRank(b) ? a : b

/** Two allow-lists at once: the elements of both (one alone when the other is not set). */
function bothLists (global: string[] | undefined, team: string[] | undefined): string[] | undefined {
  if (global === undefined || team === undefined) return team ?? global
  return team.filter(value => global.includes(value))
}

/** Host patterns at once: the team's patterns that the global ones cover (a policy file allows no others). */
function bothHostLists (global: string[] | undefined, team: string[] | undefined): string[] | undefined {
  if (global === undefined || team === undefined) return team ?? global
  return team.filter(pattern => global.some(wider => patternCoveredBy(pattern, wider)))
}

function lowerMax (global: number | undefined, team: number | undefined): number | undefined {
  if (global === undefined || team === undefined) return team ?? global
  return Math.min(global, team)
}

/** The limits a team's clients meet: each team limit can only narrow the global one. */
function combinedLimits (global: TeamRules, team: TeamRules): TeamRules {
  const limits: TeamRules = {
    redirectUriHosts: bothHostLists(global.redirectUriHosts, team.redirectUriHosts),
    grantTypes: bothLists(global.grantTypes, team.grantTypes),
    tokenAuthMethods: bothLists(global.tokenAuthMethods, team.tokenAuthMethods),
    maxAccessTokenSeconds: lowerMax(global.maxAccessTokenSeconds, team.maxAccessTokenSeconds),
    maxRefreshTokenSeconds: lowerMax(global.maxRefreshTokenSeconds, team.maxRefreshTokenSeconds)
  }
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
}

const ruleApplies = (rule: Rule, profile: ProfileName, limits: TeamRules): boolean =>
  rule.profiles === 'team' ? rule.active?.(limits) === true : rule.profiles.includes(profile)

/** The policy for the clients of `team` (null: no team, or roles mode): a team's profile and rules only make it stricter. */
export function policyFor (policy: Policy, team: string | null): EffectivePolicy {
  // Own keys only: a team named `constructor` must not find Object.prototype's.
  const own = team !== null && Object.hasOwn(policy.teams, team) ? policy.teams[team] : undefined
  const profile = stricterProfile(policy.profile, own?.profile ?? policy.profile)
  const limits = combinedLimits(policy.rules, own?.rules ?? {})
  const rules = ALL_RULES.filter(rule => ruleApplies(rule, profile, limits)).map(infoOf)
  return { team, profile, rules, limits }
}

const rulesOf = (policy: EffectivePolicy): Rule[] => policy.rules.flatMap(info => ruleById(info.id) ?? [])

/** What is wrong with `client` under `policy`, in rule order. */
export function violationsOf (policy: EffectivePolicy, client: Client): Violation[] {
  return rulesOf(policy).flatMap(rule => rule.check(client, policy.limits))
}

// `extension.accessTokenDuration` is a member of `extension`; the rest are top-level properties.
function valueAt (client: Client, path: string): unknown {
  const [head, member] = path.split('.') as [string, string | undefined]
  if (member === undefined) return client[head]
  const nested = client[head]
  return typeof nested === 'object' && nested !== null ? (nested as Client)[member] : undefined
}

function withValue (client: Client, path: string, value: unknown): Client {
  const [head, member] = path.split('.') as [string, string | undefined]
  if (member === undefined) return { ...client, [head]: value }
  const nested = client[head]
  return { ...client, [head]: { ...(typeof nested === 'object' && nested !== null ? nested : {}), [member]: value } }
}

/**
 * A create body with the profile's secure values for what it leaves out, and the names of those
 * (`extension.accessTokenDuration` for a member of `extension`). Values the body gives are never
 * changed, and nothing that says what the client is (grant types, client type, redirect URIs) is filled.
 */
export function withSecureDefaults (policy: EffectivePolicy, body: Client): { client: Client, filled: string[] } {
  let client = body
  const filled: string[] = []
  for (const rule of rulesOf(policy)) {
    for (const { property, value } of rule.fill?.(client, policy.limits) ?? []) {
      if (valueAt(client, property) !== undefined || filled.includes(property)) continue
      client = withValue(client, property, value)
      filled.push(property)
    }
  }
  return { client, filled }
}

/**
 * Only the top-level properties the body left out (or, for `extension`, the body's extension with the
 * members it left out), set to the profile's secure values: `{ ...body, ...secureDefaults(policy, body) }`
 * is the body to send.
 */
export function secureDefaults (policy: EffectivePolicy, body: Client): Client {
  const { client, filled } = withSecureDefaults(policy, body)
  const names = new Set(filled.map(path => path.split('.')[0]!))
  return Object.fromEntries([...names].map(name => [name, client[name]]))
}

// A list property gives one violation per offending element: its identity includes the element.
const LIST_PROPERTIES = new Set(['redirectUris', 'grantTypes', 'responseTypes'])
const identityOf = (violation: Violation): string =>
  JSON.stringify([violation.rule, violation.property, LIST_PROPERTIES.has(violation.property) ? violation.value : null])

/**
 * The ratchet: the violations of `after` that `before` (null on create) did not have block the change;
 * those it had are warnings; those an exception covers (`exceptedRules`) are excepted.
 */
export function judge (policy: EffectivePolicy, before: Client | null, after: Client, exceptedRules: readonly string[]): { violations: Violation[], warnings: Violation[], excepted: Violation[] } {
  const earlier = new Set((before === null ? [] : violationsOf(policy, before)).map(identityOf))
  const result = { violations: [] as Violation[], warnings: [] as Violation[], excepted: [] as Violation[] }
  for (const violation of violationsOf(policy, after)) {
    if (exceptedRules.includes(violation.rule)) result.excepted.push(violation)
    else if (earlier.has(identityOf(violation))) result.warnings.push(violation)
    else result.violations.push(violation)
  }
  return result
}
