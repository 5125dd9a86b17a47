import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'
import { ClientIdentifierParams, SecretResult, UpstreamResult } from './route-schemas.ts'

const tags = ['clients']
const upstreamProblems = problems(400, 401, 403, 404, 415, 502, 503, 504)

// One route locks and unlocks: the audit trail names which.
const lockAction = (body: unknown): string => (body as { locked?: unknown } | null)?.locked === false ? 'client.unlock' : 'client.lock'

const clientSecretAndLockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { authlete } = app

  app.put('/api/clients/:clientIdentifier/lock', {
    config: { access: 'editor', audit: 'client.lock', auditFromBody: lockAction },
    schema: {
      tags,
      summary: 'Lock or unlock a client',
      params: ClientIdentifierParams,
      body: Type.Object({ locked: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: UpstreamResult, ...upstreamProblems }
    }
  }, async (request) => {
    const { data } = await authlete.updateLockFlag(request.upstreamCalls, request.params.clientIdentifier, request.body.locked)
    return data
  })

  app.post('/api/clients/:clientIdentifier/secret/refresh', {
    config: { access: 'admin', audit: 'client.secret.refresh' },
    schema: {
      tags,
      summary: 'Generate a new client secret; the answer carries the new and the old one',
      params: ClientIdentifierParams,
      response: { 200: SecretResult, ...upstreamProblems }
    }
  }, async (request) => {
    const { data } = await authlete.refreshSecret(request.upstreamCalls, request.params.clientIdentifier)
    return data
  })

  app.put('/api/clients/:clientIdentifier/secret', {
    config: { access: 'admin', audit: 'client.secret.update' },
    schema: {
      tags,
      summary: 'Set the client secret to a given value',
      params: ClientIdentifierParams,
      // RFC 6749 10.10: a secret someone chose must still be hard to guess; 32 such characters are
      // 192 bits when random. 86 is Authlete's own maximum.
      body: Type.Object({ clientSecret: Type.String({ minLength: 32, maxLength: 86, pattern: '^[A-Za-z0-9_-]+$', description: '32 to 86 characters: letters, digits, _ and -' }) }, { additionalProperties: false }),
      response: { 200: SecretResult, ...upstreamProblems }
    }
  }, async (request) => {
    const { data } = await authlete.updateSecret(request.upstreamCalls, request.params.clientIdentifier, request.body.clientSecret)
    return data
  })
}

export default clientSecretAndLockRoutes
