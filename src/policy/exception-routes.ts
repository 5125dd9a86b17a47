import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { readClient } from '../clients/current-client.ts'
import { ClientIdParams } from '../clients/route-schemas.ts'
import { ExceptionBody, ExceptionSchema, RuleIdParam } from './policy-schemas.ts'

const tags = ['policy']
/** The longest an exception may run: it is a time box, renewed on purpose, never a standing waiver. */
export const MAX_EXCEPTION_DAYS = 90
const DAY_MS = 86_400_000

// Exceptions of one client: admins of its team (the team check of every /api/clients/:clientId route)
// or of every team grant and revoke them; each is audited like any change.
const exceptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { exceptions } = app.policy
  const now = () => new Date(Date.now()).toISOString()

  app.post('/api/clients/:clientId/policy-exceptions', {
    config: { access: 'admin', audit: 'policy.exception.create' },
    schema: {
      tags,
      summary: `Let one rule pass for this client until expiresAt (at most ${MAX_EXCEPTION_DAYS} days ahead); replaces its exception for that rule`,
      params: ClientIdParams,
      body: ExceptionBody,
      response: { 201: ExceptionSchema, ...problems(400, 401, 403, 404, 415, 502, 503, 504) }
    },
    // Before the intent: a bad expiry is bad input, and the client must exist (one read, shared with the team check).
    preHandler: async (request) => {
      const expires = Date.parse(request.body.expiresAt)
      if (!(expires > Date.now() && expires <= Date.now() + MAX_EXCEPTION_DAYS * DAY_MS)) throw new errors.PolicyExceptionExpiry(request.body.expiresAt, MAX_EXCEPTION_DAYS)
      await readClient(app.authlete, request, request.params.clientId)
    }
  }, async (request, reply) => {
    const { rule, reason, expiresAt } = request.body
    const exception = { rule, reason, expiresAt: new Date(expiresAt).toISOString(), createdBy: request.identity?.username ?? 'unknown', createdAt: now() }
    await exceptions.put({ clientId: request.params.clientId, ...exception })
    return reply.code(201).send(exception)
  })

  app.get('/api/clients/:clientId/policy-exceptions', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'The client\'s exceptions in force',
      params: ClientIdParams,
      response: { 200: Type.Object({ exceptions: Type.Array(ExceptionSchema) }), ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request) => {
    await readClient(app.authlete, request, request.params.clientId)
    return { exceptions: await exceptions.active(request.params.clientId, now()) }
  })

  app.delete('/api/clients/:clientId/policy-exceptions/:rule', {
    config: { access: 'admin', audit: 'policy.exception.delete' },
    schema: {
      tags,
      summary: 'Revoke the client\'s exception for a rule: the rule applies again at once',
      params: Type.Object({ clientId: ClientIdParams.properties.clientId, rule: RuleIdParam }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const { clientId, rule } = request.params
    if (!await exceptions.remove(clientId, rule, now())) throw new errors.PolicyExceptionNotFound(clientId, rule)
    return reply.code(204).send(null)
  })
}

export default exceptionRoutes
