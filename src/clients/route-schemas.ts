import { Type } from 'typebox'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import type { Role } from '../auth/roles.ts'
import { hasRole } from '../auth/roles.ts'

// Path parameters are checked here and percent-encoded again upstream: `.`/`..`, `/`, `?`, `#`
// and control characters never reach the upstream path.
export const ClientId = Type.String({ pattern: '^[0-9]{1,19}$', description: 'Numeric client ID (int64, kept as a string)' })
export const ClientIdentifier = Type.String({
  pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._~-]{1,128}$',
  description: 'Numeric client ID or client ID alias'
})
export const Subject = Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'The end-user\'s subject' })
const Developer = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })

export const ClientIdParams = Type.Object({ clientId: ClientId }, { additionalProperties: false })
export const ClientIdentifierParams = Type.Object({ clientIdentifier: ClientIdentifier }, { additionalProperties: false })
export const ClientSubjectParams = Type.Object({ clientId: ClientId, subject: Subject }, { additionalProperties: false })
export const SubjectParams = Type.Object({ subject: Subject }, { additionalProperties: false })

export const PageQuery = Type.Object({
  developer: Type.Optional(Developer),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_547, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
}, { additionalProperties: false })

/** The list pages' counts: `total`, and in teams mode `totalExact: false` when it could not be verified (docs/teams.md). */
export const PageCounts = {
  total: Type.Integer({ description: 'How many clients match, in all' }),
  totalExact: Type.Optional(Type.Boolean({ description: 'Only in teams mode, and only false: the upstream ignored its team filter and its list was too long to check whole (50 reads of 100 clients, 500 reads of one), so `total` counts the clients checked so far' }))
}

export const UpstreamResult = Type.Object({
  resultCode: Type.String(),
  resultMessage: Type.String()
}, { additionalProperties: true, description: 'Authlete\'s result, as it answered' })

export const SecretResult = Type.Object({
  ...UpstreamResult.properties,
  newClientSecret: Type.String(),
  oldClientSecret: Type.String()
}, { additionalProperties: true })

/** clientSecret is shown to admins only (create and the secret routes answer it to their callers). */
export function visibleClient (client: AuthleteClient, roles: readonly Role[]): AuthleteClient {
  if (hasRole(roles, 'admin') || !('clientSecret' in client)) return client
  const { clientSecret: _hidden, ...rest } = client
  return rest
}
