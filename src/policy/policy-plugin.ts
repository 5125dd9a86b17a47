import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { readClient } from '../clients/current-client.ts'
import type { Policy } from './evaluate.ts'
import type { PolicyExceptionStore } from './stores/exception-store.ts'
import { judgeChange, policyTeam, type Judgement, type PolicyContext } from './judgement.ts'
import policyRoutes from './policy-routes.ts'
import exceptionRoutes from './exception-routes.ts'

export interface PolicyOptions {
  /** From POLICY_FILE or POLICY_PROFILE (loadPolicy). */
  policy: Policy
  exceptions: PolicyExceptionStore
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The security policy and its exceptions (issue 23, docs/policy.md). */
    policy: PolicyContext
  }
}

const ids = (violations: ReadonlyArray<{ rule: string }>): string[] => [...new Set(violations.map(violation => violation.rule))]

/**
 * The security policy on every write that sets a whole client (routes with config.setsClient, whose
 * prepare step computed request.clientChange): at the write pipeline's `policy` stage, after the
 * change is known and before the intent. New violations refuse it (422, nothing forwarded, audited
 * `denied`); those the client already had pass as warnings (the ratchet); on create, what the body
 * leaves out gets the profile's secure values. Also the routes to ask (policy-routes.ts) and the
 * exceptions (exception-routes.ts).
 */
async function policyPlugin (app: FastifyInstance, { policy, exceptions }: PolicyOptions): Promise<void> {
  const context: PolicyContext = { policy, exceptions }
  app.decorate('policy', context)

  const enforce = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const change = request.clientChange
    if (change === null) return
    const { clientId } = request.params as { clientId?: string }
    const judged = await judgeChange(context, {
      team: policyTeam(app, request, change.after),
      before: change.before ?? (clientId === undefined ? null : undefined),
      after: change.after,
      clientId,
      readBefore: async () => (await readClient(app.authlete, request, clientId!)).data
    })
    change.after = judged.after
    if (judged.filled.length > 0) change.filled = judged.filled
    request.auditPolicy = { filled: judged.filled, warnings: ids(judged.warnings), excepted: ids(judged.excepted) }
    if (judged.violations.length > 0) await refuse(app, request, reply, judged)
    if (judged.warnings.length > 0) reply.header('x-policy-warnings', String(judged.warnings.length))
    if (judged.filled.length > 0) reply.header('x-policy-filled', judged.filled.join(', '))
  }

  app.writePipeline.add('policy', route => route.config?.setsClient === true ? enforce : undefined)
  app.addHook('onClose', async () => { await exceptions.close() })
  await app.register(policyRoutes)
  await app.register(exceptionRoutes)
}

// Audited like the team check's refusals: the intent (with the rule IDs) first, outcome `denied`.
async function refuse (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, judged: Judgement): Promise<never> {
  request.auditPolicy = { ...request.auditPolicy!, violations: ids(judged.violations) }
  request.auditDenied = true
  const refusal = Object.assign(new errors.PolicyViolation(ids(judged.violations).join(', ')), { policyFindings: { violations: judged.violations, warnings: judged.warnings } })
  await app.auditRefusals(request, reply, () => { throw refusal })
  throw refusal
}

export default fp(policyPlugin, { name: 'policy', fastify: '5.x', dependencies: ['write-pipeline', 'audit-trail', 'client-changes'] })
