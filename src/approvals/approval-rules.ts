import { Type, type Static } from 'typebox'
import { TEAM_NAME, TEAM_NAME_RULE } from '../teams/membership.ts'
import { writableClientProperties } from '../clients/client-schema.ts'

// Which client writes wait for a second person (issue 25, docs/approvals.md). Pure data and lookups:
// the plugin (approvals-plugin.ts) asks `ruleFor` at the write pipeline's `approval` stage.

/** The actions a rule may name: the audit actions of the gated routes, and `client.move` (a write that changes the developer, teams mode). */
export const APPROVAL_ACTIONS = ['client.delete', 'client.secret.refresh', 'client.secret.update', 'client.lock', 'client.move', 'client.update', 'client.patch'] as const
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number]

const ActionSchema = Type.Enum([...APPROVAL_ACTIONS], { description: `must be one of ${APPROVAL_ACTIONS.join(', ')}` })
const PropertySchema = Type.Enum(Object.keys(writableClientProperties), { description: 'must be a writable client property (docs/clients.md)' })

export const ApprovalRuleSchema = Type.Object({
  action: ActionSchema,
  properties: Type.Optional(Type.Array(PropertySchema, { minItems: 1, uniqueItems: true, maxItems: 100, description: 'must be a list of writable client properties, each once (client.update and client.patch only)' })),
  quorum: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'must be a whole number of approvals, 1 to 10' })),
  approvers: Type.Optional(Type.Object({
    role: Type.Optional(Type.Enum(['editor', 'admin'], { description: 'must be editor or admin' })),
    team: Type.Optional(Type.String({ pattern: TEAM_NAME.source, description: `must be a team name: ${TEAM_NAME_RULE}` }))
  }, { additionalProperties: false, description: 'must be a mapping with role and/or team' }))
}, { additionalProperties: false, description: 'must be a mapping with action, and optionally properties, quorum and approvers' })

/** The `approvals` key of the policy file, globally and under a team: a list of rules, one per action. */
export const ApprovalRulesSchema = Type.Array(ApprovalRuleSchema, { maxItems: APPROVAL_ACTIONS.length, description: 'must be a list of approval rules, one per action' })

export type ApprovalRuleInput = Static<typeof ApprovalRuleSchema>

/** A rule with its defaults: one approval by an admin of the client's team. */
export interface ApprovalRule {
  action: ApprovalAction
  /** client.update / client.patch: gated only when one of these changes; absent: any change. */
  properties?: string[]
  quorum: number
  approvers: { role: 'editor' | 'admin', team?: string }
}

export interface ApprovalRules {
  global: ApprovalRule[]
  teams: Record<string, ApprovalRule[]>
}

export function withDefaults (rule: ApprovalRuleInput): ApprovalRule {
  const approvers = { role: rule.approvers?.role ?? 'admin', ...(rule.approvers?.team === undefined ? {} : { team: rule.approvers.team }) }
  return { action: rule.action, ...(rule.properties === undefined ? {} : { properties: rule.properties }), quorum: rule.quorum ?? 1, approvers }
}

/**
 * APPROVALS (the simple case: a comma-separated list of actions, each needing one admin's approval)
 * and the policy file's `approvals` (globally and per team). A rule of the file replaces the variable's
 * for the same action; a team's rule replaces the global one for that team.
 */
export function approvalRules (variable: readonly ApprovalAction[], file: { approvals?: ApprovalRuleInput[], teams?: Record<string, { approvals?: ApprovalRuleInput[] }> } = {}): ApprovalRules {
  const fromFile = (file.approvals ?? []).map(withDefaults)
  const global = [...variable.filter(action => !fromFile.some(rule => rule.action === action)).map(action => withDefaults({ action })), ...fromFile]
  const teams = Object.fromEntries(Object.entries(file.teams ?? {}).flatMap(([team, settings]) => settings.approvals === undefined ? [] : [[team, settings.approvals.map(withDefaults)]]))
  return { global, teams }
}

/** The APPROVALS variable's actions; an unknown one is named. */
export function parseApprovalsVariable (text: string | undefined): ApprovalAction[] {
  const names = (text ?? '').split(',').map(name => name.trim()).filter(name => name !== '')
  const unknown = names.find(name => !(APPROVAL_ACTIONS as readonly string[]).includes(name))
  if (unknown !== undefined) throw new Error(`APPROVALS: '${unknown}' is not an action that can need approval; accepted: ${APPROVAL_ACTIONS.join(', ')}`)
  return [...new Set(names)] as ApprovalAction[]
}

/** The rules that hold for a team's clients (null: roles mode, the global rules). */
export function rulesFor (rules: ApprovalRules, team: string | null): ApprovalRule[] {
  const own = team === null ? [] : rules.teams[team] ?? []
  return [...rules.global.filter(rule => !own.some(mine => mine.action === rule.action)), ...own]
}

/** PATCH is `client.patch`, PUT `client.update`: a rule naming either gates both, as both update a client. */
const SAME_ACTION: Partial<Record<ApprovalAction, ApprovalAction[]>> = {
  'client.update': ['client.update', 'client.patch'],
  'client.patch': ['client.patch', 'client.update']
}

/**
 * The rule a write must wait for, or undefined: `actions` are what the write does (its route's action,
 * and `client.move` when it changes the developer), `changed` the properties it changes.
 */
export function ruleFor (rules: ApprovalRule[], actions: readonly ApprovalAction[], changed: readonly string[]): ApprovalRule | undefined {
  return rules.find(rule => actions.some(action => (SAME_ACTION[action] ?? [action]).includes(rule.action)) &&
    (rule.properties === undefined || rule.properties.some(property => changed.some(name => name === property || name.startsWith(`${property}.`)))))
}

/** What GET /api/change-requests/rules answers: per team the caller may act for, the gated actions. */
export function gatedActions (rules: ApprovalRules, teams: readonly string[] | null): Record<string, ApprovalRule[]> {
  if (teams === null) return { '*': rulesFor(rules, null) }
  return Object.fromEntries(teams.map(team => [team, team === '*' ? rules.global : rulesFor(rules, team)]))
}
