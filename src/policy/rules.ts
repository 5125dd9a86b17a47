import { BASELINE_RULES } from './baseline-rules.ts'
import { LIMIT_RULES } from './limit-rules.ts'
import { PROFILE_RULES } from './profile-rules.ts'
import type { RuleInfo } from './policy-types.ts'
import type { Rule } from './rule.ts'

/** Every rule, in the order violations are listed: the profiles' rules, then the limits. */
export const ALL_RULES: readonly Rule[] = [...BASELINE_RULES, ...PROFILE_RULES, ...LIMIT_RULES]

const byId = new Map(ALL_RULES.map(rule => [rule.id, rule]))

export const ruleById = (id: string): Rule | undefined => byId.get(id)

/** A rule as answers and docs show it: its data without its functions. */
export const infoOf = ({ id, profiles, source, reads, summary }: Rule): RuleInfo => ({ id, profiles, source, reads, summary })

/** Every rule's data (stable IDs: used in answers, docs and exceptions). */
export const RULES: readonly RuleInfo[] = ALL_RULES.map(infoOf)

export const RULE_IDS: readonly string[] = RULES.map(rule => rule.id)
