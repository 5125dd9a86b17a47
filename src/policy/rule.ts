import type { Client } from './client-facts.ts'
import type { RuleInfo, TeamRules, Violation } from './policy-types.ts'

/** A value the policy fills on create when the body leaves it out: `extension.x` names a member of `extension`. */
export interface Fill { property: string, value: unknown }

/** A rule: what it is (RuleInfo, shown in answers and docs) and its small pure functions. */
export interface Rule extends RuleInfo {
  /** The violations of `client` (a list property gives one per offending element). */
  check: (client: Client, limits: TeamRules) => Violation[]
  /** The secure values for what a create body leaves out, so that a typical body passes. */
  fill?: (client: Client, limits: TeamRules) => Fill[]
  /** A limit rule runs only when the policy sets its limit. */
  active?: (limits: TeamRules) => boolean
}

/** The violations of each element of a list property that `offends` says is wrong (its reason, or undefined). */
export function listViolations (rule: string, client: Client, property: string, offends: (item: string) => string | undefined, describe: (item: string, reason: string) => Omit<Violation, 'rule' | 'property' | 'value'>): Violation[] {
  const value = client[property]
  if (!Array.isArray(value)) return []
  return value.flatMap(item => {
    const reason = typeof item === 'string' ? offends(item) : 'is not a string'
    return reason === undefined ? [] : [{ rule, property, value: item, ...describe(String(item), reason) }]
  })
}

/** One violation of a scalar property when `wrong`, else none. */
export function scalarViolation (wrong: boolean, violation: Violation): Violation[] {
  return wrong ? [violation] : []
}

/** What a rule on one scalar property states: when it is wrong, and how the violation reads. */
export interface ScalarRuleSpec extends RuleInfo {
  property: string
  wrong: (client: Client, limits: TeamRules) => boolean
  value: (client: Client) => unknown
  message: (client: Client, limits: TeamRules) => string
  fix: (limits: TeamRules) => string
  fill?: Rule['fill']
  active?: Rule['active']
}

/** A rule that gives at most one violation, on one property (identity for the ratchet: rule + property). */
export function scalarRule ({ property, wrong, value, message, fix, ...rest }: ScalarRuleSpec): Rule {
  return {
    ...rest,
    check: (client, limits) => scalarViolation(wrong(client, limits), { rule: rest.id, property, value: value(client), message: message(client, limits), fix: fix(limits) })
  }
}
