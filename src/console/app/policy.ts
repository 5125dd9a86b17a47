// The organisation's security policy as the console sees it, through the public API only
// (docs/policy.md): a check of a draft before saving, a client's compliance, its exceptions.
import { call, get } from './api.ts'

export interface Violation { rule: string, property: string, value: unknown, message: string, fix: string, excepted?: boolean }
/** POST /api/policy/check: what saving this body would meet. */
export interface PolicyCheck { violations: Violation[], warnings: Violation[], excepted: Violation[], filled: string[] }
export interface CheckRequest { client: Record<string, unknown>, clientId?: string, mode?: 'create' | 'replace' | 'patch' }
export interface PolicyException { rule: string, reason: string, expiresAt: string, createdBy?: string, createdAt?: string }
export interface Compliance { clientId: string, team: string | null, profile: string, violations: Violation[], warnings?: Violation[], exceptions: PolicyException[] }
export interface RuleInfo { id: string, summary: string, source?: string, reads?: string[] }
export interface PolicyAnswer { profile: string, teams: Record<string, { profile: string, rules: RuleInfo[] }> }

/** At most this many days ahead, as the server accepts it. */
export const MAX_EXCEPTION_DAYS = 90

export const checkPolicy = async (request: CheckRequest) => (await call<PolicyCheck>('POST', '/api/policy/check', { body: request })).data
export const complianceOf = async (clientId: string) => (await get<Compliance>(`/api/clients/${encodeURIComponent(clientId)}/compliance`)).data
export const effectivePolicy = async () => (await get<PolicyAnswer>('/api/policy')).data

export const addException = async (clientId: string, exception: { rule: string, reason: string, expiresAt: string }) =>
  (await call<PolicyException>('POST', `/api/clients/${encodeURIComponent(clientId)}/policy-exceptions`, { body: exception })).data
export const removeException = async (clientId: string, rule: string) => {
  await call('DELETE', `/api/clients/${encodeURIComponent(clientId)}/policy-exceptions/${encodeURIComponent(rule)}`)
}

/** The findings of a 422 BFF_POLICY_VIOLATION refusal, or undefined for any other failure. */
export function refusalFindings (problem: { code?: string } & Record<string, unknown>): PolicyCheck | undefined {
  if (problem.code !== 'BFF_POLICY_VIOLATION') return undefined
  const list = (value: unknown) => Array.isArray(value) ? value as Violation[] : []
  return { violations: list(problem.violations), warnings: list(problem.warnings), excepted: [], filled: [] }
}

export type Verdict = { kind: 'compliant', excepted: number } | { kind: 'warnings' | 'violations', count: number }

/**
 * A client's standing, worst first: violations no exception covers; else warnings (the server's own,
 * when it lists them); else compliant, saying how many violations exceptions cover.
 */
export function verdictOf (compliance: Compliance): Verdict {
  const open = compliance.violations.filter(violation => violation.excepted !== true)
  if (open.length > 0) return { kind: 'violations', count: open.length }
  const warnings = compliance.warnings ?? []
  if (warnings.length > 0) return { kind: 'warnings', count: warnings.length }
  return { kind: 'compliant', excepted: compliance.violations.length }
}

export function verdictText (verdict: Verdict): string {
  if (verdict.kind === 'compliant') return verdict.excepted === 0 ? 'Compliant' : `Compliant (${verdict.excepted} excepted)`
  const noun = verdict.kind === 'violations' ? 'violation' : 'warning'
  return `${verdict.count} ${noun}${verdict.count === 1 ? '' : 's'}`
}

/**
 * The properties the policy's rules read (GET /api/policy), plus the team (developer), whose rules
 * may differ; undefined when a rule does not say.
 */
export function propertiesRead (answer: PolicyAnswer): Set<string> | undefined {
  const rules = Object.values(answer.teams).flatMap(team => team.rules)
  if (rules.some(rule => !Array.isArray(rule.reads))) return undefined
  return new Set(['developer', ...rules.flatMap(rule => rule.reads!)])
}

/**
 * What decides a check's answer: the request with only the properties a rule reads (all of them
 * when those are unknown). Typing a client's name or description asks nothing of the server.
 */
export function checkKey (request: CheckRequest, read: Set<string> | undefined): string {
  const client = read === undefined ? request.client : Object.fromEntries(Object.entries(request.client).filter(([name]) => read.has(name)))
  return JSON.stringify({ ...request, client })
}

export type CheckAnswer<Result> = { result: Result } | { error: unknown }

/**
 * Checks drafts as the user types: waits until typing pauses (`debounceMs`), keeps at most one
 * request in flight (the newest draft waits for it, the ones in between are never sent), and hands
 * on only the answer to the newest draft: an answer overtaken by a newer draft is dropped.
 */
export class LatestCheck<Request, Result> {
  private newest = 0
  private inFlight = false
  private waiting: { number: number, request: Request } | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private readonly send: (request: Request) => Promise<Result>
  private readonly onAnswer: (answer: CheckAnswer<Result>) => void
  private readonly debounceMs: number

  constructor (send: (request: Request) => Promise<Result>, onAnswer: (answer: CheckAnswer<Result>) => void, debounceMs: number) {
    this.send = send
    this.onAnswer = onAnswer
    this.debounceMs = debounceMs
  }

  /** A new draft: the one to check once typing pauses. */
  ask (request: Request): void {
    const number = ++this.newest
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.start(number, request) }, this.debounceMs)
  }

  /** Answers to the drafts asked so far are dropped (a save's own answer replaces them). */
  supersede (): void {
    this.newest++
    clearTimeout(this.timer)
    this.waiting = undefined
  }

  stop (): void {
    this.supersede()
    this.stopped = true
  }

  private start (number: number, request: Request): void {
    if (this.inFlight) {
      this.waiting = { number, request }
      return
    }
    this.inFlight = true
    this.send(request).then(
      result => { this.deliver(number, { result }) },
      error => { this.deliver(number, { error }) }
    ).finally(() => {
      this.inFlight = false
      const next = this.waiting
      this.waiting = undefined
      if (next !== undefined && next.number === this.newest) this.start(next.number, next.request)
    })
  }

  private deliver (number: number, answer: CheckAnswer<Result>): void {
    if (!this.stopped && number === this.newest) this.onAnswer(answer)
  }
}
