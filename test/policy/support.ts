import { policyFor, violationsOf } from '../../src/policy/evaluate.ts'
import type { EffectivePolicy, ProfileName, TeamRules, Violation } from '../../src/policy/policy-types.ts'

/** The policy of a client without a team, under `profile` and global `rules`. */
export const effective = (profile: ProfileName, rules: TeamRules = {}): EffectivePolicy => policyFor({ profile, rules, teams: {} }, null)

/** The violations of one rule only, so that each rule is judged on its own. */
export const violationsOfRule = (rule: string, policy: EffectivePolicy, client: Record<string, unknown>): Violation[] =>
  violationsOf(policy, client).filter(violation => violation.rule === rule)

/** A confidential web client that passes every profile's rules: each test changes one thing. */
export const FAPI_CLIENT = {
  clientType: 'CONFIDENTIAL',
  grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
  responseTypes: ['CODE'],
  redirectUris: ['https://app.example.com/cb'],
  tokenAuthMethod: 'PRIVATE_KEY_JWT',
  pkceRequired: true,
  pkceS256Required: true,
  parRequired: true,
  dpopRequired: true
} as const
