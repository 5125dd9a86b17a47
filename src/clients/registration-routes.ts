import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../http/errors.ts'
import { hasRole, type Role } from '../auth/roles.ts'
import { problems } from '../http/problem-schema.ts'
import { ClientIdParams } from './route-schemas.ts'
import { createClientEtag } from './etag.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { toRegistrationMetadata } from '../upstream/rfc7591.ts'
import type { RegistrationResult } from '../upstream/authlete-api.ts'
import { clientChangeSteps, registrationMetadata } from './client-change.ts'

// Authlete answers HTTP 200 and names the outcome in `action`; the caller gets the RFC 7592 answer.
// A Map, so that an action named like an Object.prototype member ('toString') is unknown, not a status.
const STATUS_BY_ACTION = new Map<unknown, number>([
  ['UPDATED', 200],
  ['BAD_REQUEST', 400],
  ['UNAUTHORIZED', 401],
  ['INTERNAL_SERVER_ERROR', 502]
])

// The names an RFC 7592 answer may carry (RFC 7591 sections 2 and 3.2, RFC 7592 section 3, OpenID
// Connect Dynamic Client Registration 1.0, and the OAuth error): declared for the documentation and as
// what a replay keeps (src/idempotency). The answer itself is passed on as it is, other names included.
const METADATA_NAMES = `client_id client_secret client_id_issued_at client_secret_expires_at registration_access_token
  registration_client_uri redirect_uris token_endpoint_auth_method grant_types response_types client_name client_uri
  logo_uri scope contacts tos_uri policy_uri jwks_uri jwks software_id software_version software_statement
  application_type sector_identifier_uri subject_type id_token_signed_response_alg id_token_encrypted_response_alg
  id_token_encrypted_response_enc userinfo_signed_response_alg userinfo_encrypted_response_alg
  userinfo_encrypted_response_enc request_object_signing_alg request_object_encryption_alg
  request_object_encryption_enc token_endpoint_auth_signing_alg default_max_age require_auth_time default_acr_values
  initiate_login_uri request_uris tls_client_certificate_bound_access_tokens require_pushed_authorization_requests
  require_signed_request_object backchannel_user_code_parameter error error_description`.split(/\s+/)
export const RegistrationContent = Type.Object(
  Object.fromEntries(METADATA_NAMES.map(name => [name, Type.Optional(Type.Unknown())])),
  { additionalProperties: true, description: 'The RFC 7592 answer (client metadata, or an OAuth error)' }
)

const registrationRoutes: FastifyPluginAsyncTypebox<{ etagKey: string }> = async (app, { etagKey }) => {
  const prepare = clientChangeSteps(app, createClientEtag(etagKey))
  app.put('/api/clients/:clientId/registration', {
    config: { access: 'editor', audit: 'registration.update', setsClient: true },
    schema: {
      tags: ['registration'],
      summary: 'RFC 7592 update of a dynamically registered client',
      description: 'Below admin, credential metadata (token_endpoint_auth_method, token_endpoint_auth_signing_alg, jwks, jwks_uri, tls_client_auth_*) is refused (403 naming it), and the client\'s current values are sent with the update, so it cannot reset them either.',
      params: ClientIdParams,
      body: Type.Object({
        registrationAccessToken: Type.String({ minLength: 1, maxLength: 4096 }),
        metadata: Type.Object({}, { additionalProperties: true, description: 'RFC 7591 client metadata' })
      }, { additionalProperties: false }),
      response: {
        200: RegistrationContent,
        400: RegistrationContent,
        401: RegistrationContent,
        502: RegistrationContent,
        ...problems(403, 404, 415, 503, 504)
      }
    },
    preHandler: prepare.registration
  }, async (request, reply) => {
    const { registrationAccessToken } = request.body
    const { clientId } = request.params
    const metadata = registrationMetadata(request, request.clientChange!.before!)
    const { data } = await app.authlete.updateRegistration(request.upstreamCalls, clientId, registrationAccessToken, metadata)
    const { status, content } = registrationAnswer(data, clientId, request.identity?.roles ?? [])
    return reply.code(status as 200).send(content)
  })
}

/**
 * The caller's answer to Authlete's: the status its action names and its RFC 7592 content (or the
 * client's metadata), client_secret for admins only. Any other action, or no content, is a 502.
 */
export function registrationAnswer (data: RegistrationResult, clientId: string, roles: readonly Role[]): { status: number, content: Record<string, unknown> } {
  const status = STATUS_BY_ACTION.get(data.action)
  const content = parseContent(data.responseContent) ?? contentFromClient(data, clientId)
  if (status === undefined || content === undefined) {
    throw new errors.UpstreamUnreadable({ cause: new Error(`registration update answered action ${String(data.action)}`) })
  }
  if (!hasRole(roles, 'admin')) delete content.client_secret
  return { status, content }
}

// The documents' own example of client_registration_update_api answers UPDATED with a `client` and a
// responseContent that is not JSON: the client's metadata is then made from the client itself (no
// registration_access_token or registration_client_uri, which only Authlete's content would carry).
function contentFromClient (data: RegistrationResult, clientId: string): Record<string, unknown> | undefined {
  const { client } = data
  if (data.action !== 'UPDATED' || typeof client !== 'object' || client === null || Array.isArray(client)) return undefined
  return toRegistrationMetadata(client.clientId === undefined ? clientId : jsonScalarText(client.clientId), client)
}

function parseContent (text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

export default registrationRoutes
