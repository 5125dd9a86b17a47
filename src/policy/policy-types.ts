// The policy engine's shared shapes (issue 23; the contract in CONTRACTS.md). Pure data: no I/O here.
import type { ApprovalRuleInput } from '../approvals/approval-rules.ts'

/** Cumulative profiles: fapi2 ⊇ oauth2.1 ⊇ baseline; `off` checks only the limits that are set. */
export type ProfileName = 'baseline' | 'oauth2.1' | 'fapi2' | 'off'

/** One thing wrong with a client: which rule, on which property and value, what is accepted, how to fix it. */
export interface Violation { rule: string, property: string, value: unknown, message: string, fix: string }

/** Limits a policy file sets for every team (`rules`) or one team (`teams.NAME.rules`). */
export interface TeamRules {
  redirectUriHosts?: string[]
  grantTypes?: string[]
  tokenAuthMethods?: string[]
  maxAccessTokenSeconds?: number
  maxRefreshTokenSeconds?: number
}

/** `approvals` (globally and per team): the policy file's approval rules, as written (src/approvals/approval-rules.ts gives their defaults). */
export interface Policy { profile: ProfileName, rules: TeamRules, teams: Record<string, { profile?: ProfileName, rules?: TeamRules, approvals?: ApprovalRuleInput[] }>, approvals?: ApprovalRuleInput[] }

/** What a rule is, for answers and docs: `profiles` is 'team' for the limits a policy file sets. */
export interface RuleInfo { id: string, profiles: ProfileName[] | 'team', source: string, reads: string[], summary: string }

/** The policy one team's clients meet: the stricter of the global and the team's profile, limits combined. */
export interface EffectivePolicy { team: string | null, profile: ProfileName, rules: RuleInfo[], limits: TeamRules }

/** The profiles from weakest to strictest: a team may only move right of the global profile. */
export const PROFILES: readonly ProfileName[] = ['off', 'baseline', 'oauth2.1', 'fapi2']

export const profileRank = (profile: ProfileName): number => PROFILES.indexOf(profile)

/** The profiles a rule of `first` belongs to, being cumulative: `first` and every stricter one. */
export const fromProfile = (first: ProfileName): ProfileName[] => PROFILES.slice(profileRank(first))
