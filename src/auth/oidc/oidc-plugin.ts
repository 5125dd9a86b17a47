import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../../http/errors.ts'
import type { Config } from '../../config.ts'
import type { SessionRecord } from '../stores/session-store.ts'
import { parseRoleMap } from '../role-map.ts'
import { parseTeamMap } from '../../teams/team-map.ts'
import type { DiscoveredProvider, OidcClient } from './oidc-client.ts'
import { createOneTimeMarks } from './one-time-marks.ts'
import loginRoutes from './login-routes.ts'
import backchannelLogout from './backchannel-logout.ts'

/** The discovered provider for a request: 404 when OIDC is off, 503 until discovery has succeeded. */
export type ProviderLookup = (request: FastifyRequest) => DiscoveredProvider

export interface OidcLogin {
  client: OidcClient
  /** The provider's RP-initiated logout URL for a session it started, when it offers one. */
  logoutUrl: (provider: SessionRecord['provider']) => string | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** OIDC login, or null when OIDC_ISSUER is unset. */
    oidc: OidcLogin | null
  }
}

// GET /auth/login and GET /auth/callback exist whatever the settings and answer 404 (like an unknown
// route) while OIDC_ISSUER is unset. POST /auth/backchannel-logout, public and audited, exists only
// with OIDC_ISSUER: without a provider nobody can send a token worth reading, so nothing is parsed.
async function oidcPlugin (app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const oidc = config.OIDC_ISSUER === undefined
    ? null
    : (await import('./oidc-client.ts')).createOidcClient({
        issuer: config.OIDC_ISSUER,
        clientId: config.OIDC_CLIENT_ID!,
        ...(config.OIDC_CLIENT_SECRET === undefined ? {} : { clientSecret: config.OIDC_CLIENT_SECRET }),
        production: config.NODE_ENV === 'production'
      }, app.log)
  const marks = createOneTimeMarks(oidc === null ? null : app.redis)
  app.addHook('onClose', async () => {
    oidc?.close()
    marks.close()
  })
  const login: OidcLogin | null = oidc === null ? null : { client: oidc, logoutUrl: provider => logoutUrl(oidc, provider, config.OIDC_POST_LOGOUT_REDIRECT_URI) }
  app.decorate('oidc', login)

  const provider = (request: FastifyRequest): DiscoveredProvider => {
    if (oidc === null) throw new errors.NotFound(request.method, request.url.split('?', 1)[0])
    return oidc.current()
  }
  await app.register(loginRoutes, {
    provider,
    marks,
    secret: config.SESSION_SECRET!,
    redirectUri: config.OIDC_REDIRECT_URI ?? '',
    scopes: config.OIDC_SCOPES,
    usernameClaim: config.OIDC_USERNAME_CLAIM,
    rolesClaim: config.OIDC_ROLES_CLAIM,
    roleMap: parseRoleMap(config.OIDC_ROLE_MAP),
    ...(config.ACCESS_MODEL === 'teams' ? { teams: { claim: config.TEAMS_CLAIM, map: parseTeamMap(config.TEAM_MAP) } } : {})
  })
  if (oidc !== null) await app.register(backchannelLogout, { provider, marks, clientId: config.OIDC_CLIENT_ID! })
  await oidc?.start()
}

function logoutUrl (oidc: OidcClient, provider: SessionRecord['provider'], postLogoutRedirectUri: string | undefined): string | undefined {
  if (provider === undefined) return undefined
  let discovered
  try {
    discovered = oidc.current()
  } catch {
    return undefined
  }
  // A session from another issuer (the configuration changed since) cannot be ended at this one.
  if (provider.issuer !== discovered.issuer || discovered.configuration.serverMetadata().end_session_endpoint === undefined) return undefined
  const parameters: Record<string, string> = {}
  if (provider.idToken !== undefined) parameters.id_token_hint = provider.idToken
  if (postLogoutRedirectUri !== undefined) parameters.post_logout_redirect_uri = postLogoutRedirectUri
  return discovered.openid.buildEndSessionUrl(discovered.configuration, parameters).href
}

export default fp(oidcPlugin, { name: 'oidc', fastify: '5.x', dependencies: ['sessions', 'redis'] })
