import type { FastifyInstance, FastifyRequest } from 'fastify'
import { judge, policyFor, violationsOf, withSecureDefaults, type EffectivePolicy, type Policy, type Violation } from './evaluate.ts'
import type { PolicyExceptionStore } from './stores/exception-store.ts'
import type { Client } from './client-facts.ts'

/** What the policy makes of one change: it blocks on `violations`; `after` has the secure defaults filled on create. */
export interface Judgement {
  violations: Violation[]
  warnings: Violation[]
  excepted: Violation[]
  filled: string[]
  after: Client
}

export interface Change {
  /** The client's team: its policy is policyFor(team); null in roles mode. */
  team: string | null
  /** Null on create; `undefined`: not read yet, `readBefore` reads it if the judgement needs it. */
  before: Client | null | undefined
  after: Client
  /** Undefined on create: no exceptions, and secure defaults are filled. */
  clientId?: string
  readBefore: () => Promise<Client>
}

export interface PolicyContext {
  policy: Policy
  exceptions: PolicyExceptionStore
}

/**
 * Judges a change. The client's exceptions and, for an admin's PUT that read nothing, its current
 * state are looked up only when `after` breaks a rule: a compliant change costs no read at all.
 */
export async function judgeChange ({ policy, exceptions }: PolicyContext, change: Change): Promise<Judgement> {
  const effective = policyFor(policy, change.team)
  const { client: after, filled } = change.clientId === undefined ? withSecureDefaults(effective, change.after) : { client: change.after, filled: [] }
  if (effective.rules.length === 0 || violationsOf(effective, after).length === 0) return { violations: [], warnings: [], excepted: [], filled, after }
  const before = change.before === undefined ? await change.readBefore() : change.before
  const excepted = change.clientId === undefined ? [] : (await exceptions.active(change.clientId, new Date(Date.now()).toISOString())).map(exception => exception.rule)
  return { ...judge(effective, before, after, excepted), filled, after }
}

/** The policy team of a client write: in teams mode the developer it will have (else the one it has), in roles mode none. */
export function policyTeam (app: FastifyInstance, request: FastifyRequest, after: Client): string | null {
  if (app.accessModel !== 'teams') return null
  return typeof after.developer === 'string' ? after.developer : request.auditTeam
}

export type { EffectivePolicy }
