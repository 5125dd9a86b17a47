import type * as OpenId from 'openid-client'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { errors } from '../../http/errors.ts'
import { problems } from '../../http/problem-schema.ts'
import { rolesFromClaims, type RoleMap } from '../role-map.ts'
import { externalUsernameProblem } from '../identity.ts'
import { teamsFromClaims, type TeamMap } from '../../teams/team-map.ts'
import type { ProviderLookup } from './oidc-plugin.ts'
import type { OneTimeMarks } from './one-time-marks.ts'
import { safeReturnTo } from './return-to.ts'
import { createTransactionCookies, sameValue, TRANSACTION_TTL_MS } from './transaction.ts'
import { describeFailure } from './failures.ts'
import { givenUsername } from '../../audit/audit-trail.ts'

export interface LoginRoutesOptions {
  provider: ProviderLookup
  marks: OneTimeMarks
  secret: string
  redirectUri: string
  scopes: string
  usernameClaim: string
  rolesClaim: string
  roleMap: RoleMap
  /** ACCESS_MODEL=teams only: where the user's teams are read from. */
  teams?: { claim: string, map: TeamMap }
}

const tags = ['auth']

const LoginQuery = Type.Object({
  returnTo: Type.Optional(Type.String({ maxLength: 2048, description: 'A path on this site to land on after login (default /)' }))
}, { additionalProperties: false })

// What providers put on the redirect back; others (session_state, ...) are tolerated and ignored.
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 1024 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 4096 }))
})

const Redirect = Type.Null({ description: 'A redirect: see the Location header' })

const loginRoutes: FastifyPluginAsyncTypebox<LoginRoutesOptions> = async (app, options) => {
  const { provider: lookup, marks, redirectUri, scopes, usernameClaim, rolesClaim, roleMap, teams } = options
  const transactions = createTransactionCookies(options.secret)

  // No automatic HEAD twins: a HEAD (a link prefetcher) must not start or, worse, use up a login.
  app.get('/auth/login', {
    exposeHeadRoute: false,
    schema: {
      tags,
      summary: 'Sign in with the OpenID Provider: redirects to it (authorization code flow with PKCE); 404 unless OIDC_ISSUER is set',
      querystring: LoginQuery,
      response: { 302: Redirect, ...problems(400, 404, 503) }
    }
  }, async (request, reply) => {
    const { configuration, openid: client } = lookup(request)
    const returnTo = safeReturnTo(request.query.returnTo)
    if (returnTo === undefined) throw new errors.OidcBadReturnTo()
    const transaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      returnTo,
      expiresAt: Date.now() + TRANSACTION_TTL_MS
    }
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: scopes,
      state: transaction.state,
      nonce: transaction.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256'
    })
    transactions.set(request, reply, transaction)
    return reply.redirect(url.href, 302)
  })

  app.get('/auth/callback', {
    exposeHeadRoute: false,
    config: { signIn: 'oidc' },
    // The query holds the authorization code: request logs show the path only.
    logSerializers: { req: pathOnly },
    schema: {
      tags,
      summary: 'Where the OpenID Provider sends the browser back; starts the session and redirects to returnTo',
      querystring: CallbackQuery,
      response: { 302: Redirect, ...problems(400, 401, 403, 404, 502, 503) }
    }
  }, async (request, reply) => {
    request.signInAttempt = { username: null }
    const provider = lookup(request)
    const client = provider.openid
    const transaction = transactions.take(request, reply)
    if (transaction === undefined) throw new errors.OidcLoginState('no login in progress in this browser (the login cookie is missing, expired or altered)')
    if (request.query.state === undefined || !sameValue(request.query.state, transaction.state)) {
      throw new errors.OidcLoginState('the state parameter does not match this browser\'s login')
    }
    // Burnt before the code is redeemed: a second callback with this state fails whatever happens next.
    if (!await marks.firstUse('state', transaction.state, transaction.expiresAt - Date.now())) {
      throw new errors.OidcLoginState('this login state was already used')
    }
    // The configured redirect URI, not the Host header: openid-client sends it to the token endpoint.
    const currentUrl = new URL(redirectUri)
    currentUrl.search = new URL(request.url, 'http://callback.invalid').search
    let tokens: Awaited<ReturnType<typeof OpenId.authorizationCodeGrant>>
    let claims: Record<string, unknown>
    try {
      tokens = await client.authorizationCodeGrant(provider.configuration, currentUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true
      })
      const idClaims = tokens.claims()!
      // Many providers put profile and group claims in userinfo only; the signed ID token wins a conflict.
      const userinfo = provider.configuration.serverMetadata().userinfo_endpoint === undefined
        ? {}
        : await client.fetchUserInfo(provider.configuration, tokens.access_token, idClaims.sub)
      claims = { ...userinfo, ...idClaims }
    } catch (error) {
      throw describeFailure(client, error)
    }
    const subject = claims.sub as string
    const username = typeof claims[usernameClaim] === 'string' && claims[usernameClaim] !== '' ? claims[usernameClaim] : subject
    const problem = externalUsernameProblem(username)
    request.signInAttempt = { username: problem === undefined ? username : givenUsername(String(username)) }
    if (problem !== undefined) {
      request.log.info({ issuer: provider.issuer, subject, reason: problem }, 'oidc login refused: unusable username')
      throw new errors.UsernameRefused('OpenID Provider', `claim ${usernameClaim}`, problem)
    }
    const roles = rolesFromClaims(claims, rolesClaim, roleMap)
    if (roles.length === 0) {
      request.log.info({ issuer: provider.issuer, subject, username }, 'oidc login refused: no mapped role')
      throw new errors.OidcNoRole()
    }
    const claimedTeams = teams === undefined ? undefined : teamsFromClaims(claims, teams.claim, teams.map)
    app.refuseTooManyTeams(claimedTeams)
    await app.sessions.start(request, reply, {
      source: 'oidc',
      username,
      roles,
      ...(claimedTeams === undefined ? {} : { teams: claimedTeams }),
      provider: {
        issuer: provider.issuer,
        subject,
        ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
        idToken: tokens.id_token!
      }
    })
    request.signInAttempt = { username, roles }
    request.log.info({ username, roles, issuer: provider.issuer }, 'login (oidc)')
    return reply.redirect(transaction.returnTo, 302)
  })
}

function pathOnly (request: FastifyRequest) {
  return { method: request.method, url: `${request.url.split('?', 1)[0]!}?[redacted]`, host: request.host, remoteAddress: request.ip }
}

export default loginRoutes
