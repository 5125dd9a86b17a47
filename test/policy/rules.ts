import type { Test } from 'tap'
import { harness } from '../clients/support.ts'
import { envFor, RULE_CASES, type RuleCase } from './http-support.ts'

/** Each rule of `env` refused and accepted at its boundary through POST /api/clients, against the emulator of `version`. */
export async function checkRules (t: Test, version: 'v2' | 'v3', env: RuleCase['env']): Promise<void> {
  const h = await harness(t, { AUTHLETE_API_VERSION: version, ...await envFor(env) })
  for (const [rule, { refused, accepted }] of Object.entries(RULE_CASES).filter(([, entry]) => entry.env === env)) {
    const log = h.mark()
    const refusal = await h.call('admin', 'POST', '/api/clients', refused)
    t.equal(refusal.statusCode, 422, `${rule}: refused`)
    const problem = refusal.json()
    t.equal(problem.code, 'BFF_POLICY_VIOLATION')
    const found = problem.violations.find((violation: { rule: string }) => violation.rule === rule)
    t.ok(found, `${rule}: named among ${JSON.stringify(problem.violations.map((violation: { rule: string }) => violation.rule))}`)
    t.match(found, { property: String, message: /Accepted/, fix: String }, `${rule}: says what is accepted and how to fix it`)
    t.same(log.sent(), [], `${rule}: nothing forwarded`)
    const acceptance = await h.call('admin', 'POST', '/api/clients', accepted)
    t.equal(acceptance.statusCode, 201, `${rule}: accepted at the boundary ${acceptance.statusCode === 201 ? '' : acceptance.body}`)
  }
}
