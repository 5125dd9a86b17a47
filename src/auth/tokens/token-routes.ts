import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { errors } from '../../http/errors.ts'
import { problems } from '../../http/problem-schema.ts'
import { hasRole, RoleSchema, type Role } from '../roles.ts'
import { IdentitySourceSchema, samePrincipal, type Identity, type Principal } from '../identity.ts'
import { UserQuery } from '../session-admin-routes.ts'
import { UsernameSchema } from '../users.ts'
import { refuseApiTokens } from './bearer-authenticator.ts'
import { mintToken } from './token-format.ts'
import { tokenCreator, tokenExpiry, tokenOwner, type ApiTokenRecord, type TokenStore } from './token-store.ts'
import { capTeams, TeamsSchema } from '../../teams/membership.ts'
import { tokenTeams } from '../../teams/token-teams.ts'
import { refuseUsersOutsideTeams } from '../../teams/user-admin.ts'

const tags = ['auth']
const DAY_MS = 86_400_000
const TokenId = Type.String({ pattern: '^[0-9a-f]{24}$', description: 'The token\'s id (also part of its value: bfft_<id>_...)' })
const PAGE_DEFAULT = 50
const PAGE_MAX = 200
// A page ends after the token with this creation time and id: `<createdAt>_<id>`, as nextCursor gives it.
const CURSOR = /^([0-9]{1,16})_([0-9a-f]{24})$/

const TokenView = Type.Object({
  id: TokenId,
  name: Type.String(),
  source: { ...IdentitySourceSchema, description: 'The owner\'s source: every use of the token is that identity' },
  username: Type.String({ description: 'The owner: requests with the token act as, and are audited as, this user' }),
  roles: Type.Array(RoleSchema, { description: 'The token\'s roles; a local owner\'s current roles in the users file cap them at each use' }),
  teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams: the teams the token acts for' }),
  createdBy: Type.String(),
  createdBySource: IdentitySourceSchema,
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time', description: 'To within a minute' }), Type.Null()])
})

const CreatedToken = Type.Object({
  ...TokenView.properties,
  token: Type.String({ description: 'Send it as Authorization: Bearer <token>. Shown this once: only its hash is kept' })
})

const ListQuery = Type.Object({
  username: Type.Optional({ ...UserQuery.properties.username, description: 'Admins only: another user\'s tokens' }),
  source: UserQuery.properties.source,
  limit: Type.Integer({ minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT, description: `Tokens per page, newest first (default ${PAGE_DEFAULT}, at most ${PAGE_MAX})` }),
  cursor: Type.Optional(Type.String({ maxLength: 64, pattern: CURSOR.source, description: 'nextCursor of the previous page' }))
}, { additionalProperties: false })

/** A token as answers show it: never its hash, times as ISO dates, the owner's and creator's sources spelled out. */
export function view (record: ApiTokenRecord) {
  const owner = tokenOwner(record)
  const creator = tokenCreator(record)
  return {
    id: record.id,
    name: record.name,
    source: owner.source,
    username: owner.username,
    roles: record.roles,
    ...(record.teams === undefined ? {} : { teams: record.teams }),
    createdBy: creator.username,
    createdBySource: creator.source,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt).toISOString()
  }
}

function principalOf (identity: Identity): Principal {
  return { source: identity.source, username: identity.username }
}

/** The user whose tokens a request is about: the caller, or (admins only) the one named. */
export function ownerFor (identity: Identity, named: Principal | undefined): Principal {
  if (named === undefined || samePrincipal(named, identity)) return principalOf(identity)
  if (!hasRole(identity.roles, 'admin')) throw new errors.Forbidden('admin')
  return named
}

// Newest first; ties (same millisecond) broken by id, so a cursor names one place in the order.
function newestFirst (a: ApiTokenRecord, b: ApiTokenRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** One page of a list, newest first, after the token `cursor` names (400 for a cursor of another shape). */
export function page (records: ApiTokenRecord[], limit: number, cursor: string | undefined) {
  const sorted = records.sort(newestFirst)
  let start = 0
  if (cursor !== undefined) {
    const [, createdAt, id] = CURSOR.exec(cursor) ?? []
    if (createdAt === undefined) throw new errors.BadCursor()
    const after = { createdAt: Number(createdAt), id: id! } as ApiTokenRecord
    start = sorted.findIndex(record => newestFirst(after, record) < 0)
    if (start < 0) start = sorted.length
  }
  const slice = sorted.slice(start, start + limit)
  const last = slice.at(-1)
  return { tokens: slice.map(view), nextCursor: start + limit < sorted.length && last !== undefined ? `${last.createdAt}_${last.id}` : null }
}

export interface TokenRoutesOptions {
  store: TokenStore
  maxDays: number
  /** API_TOKEN_MAX_PER_USER */
  maxPerUser: number
  /** API_TOKEN_MAX_HOURS_EXTERNAL, in milliseconds */
  maxExternalMs: number
}

interface CreateBody { name: string, roles: Role[], expiresInDays: number, username?: string }

/** Each token as it works: listed with the expiry an external owner's token has, gone once past it. */
export function effectiveTokens (records: ApiTokenRecord[], maxExternalMs: number, now: number): ApiTokenRecord[] {
  return records.map(record => ({ ...record, expiresAt: tokenExpiry(record, maxExternalMs) })).filter(record => record.expiresAt > now)
}

// The token minted for a creation request before its intent is audited, so the record names its id.
const minted = new WeakMap<FastifyRequest, ReturnType<typeof mintToken>>()

/**
 * The owner a creation asks for: the caller, or the existing local user an admin names (with that user's
 * roles, from `rolesOf`, the users file's; undefined for the caller's own token).
 */
export function checkedOwner (rolesOf: (username: string) => Role[] | undefined, creator: Identity, username: string | undefined): { owner: Principal, ownerRoles: Role[] | undefined } {
  const named = username === undefined ? undefined : { source: 'local' as const, username }
  const owner = ownerFor(creator, named)
  if (samePrincipal(owner, creator)) return { owner, ownerRoles: undefined }
  const ownerRoles = rolesOf(owner.username)
  if (ownerRoles === undefined) throw new errors.UnknownLocalUser(owner.username)
  return { owner, ownerRoles }
}

/** A token's roles are within its creator's, and within its owner's when that is someone else (403 naming the first above). */
export function checkRoleCeilings (roles: Role[], creatorRoles: Role[], owner: Principal, ownerRoles: Role[] | undefined): void {
  const above = roles.find(role => !hasRole(creatorRoles, role))
  if (above !== undefined) throw new errors.RoleCeiling(above)
  const aboveOwner = ownerRoles === undefined ? undefined : roles.find(role => !hasRole(ownerRoles, role))
  if (aboveOwner !== undefined) throw new errors.OwnerRoleCeiling(aboveOwner, owner.username)
}

/** The record of a new token made `now`: expiresInDays from now, an external owner's capped (tokenExpiry). */
export function newTokenRecord (token: { id: string, hash: string }, owner: Principal, creator: Principal, body: CreateBody, teams: string[] | undefined, now: number, maxExternalMs: number): ApiTokenRecord {
  const record: ApiTokenRecord = {
    id: token.id,
    source: owner.source,
    username: owner.username,
    name: body.name,
    roles: body.roles,
    ...(teams === undefined ? {} : { teams }),
    createdBy: creator.username,
    createdBySource: creator.source,
    createdAt: now,
    expiresAt: now + body.expiresInDays * DAY_MS,
    lastUsedAt: null,
    hash: token.hash
  }
  record.expiresAt = tokenExpiry(record, maxExternalMs)
  return record
}

/** Owners may revoke their own tokens, admins anyone's. */
export function mayRevoke (identity: Identity, record: ApiTokenRecord): boolean {
  return samePrincipal(tokenOwner(record), identity) || hasRole(identity.roles, 'admin')
}

// Tokens are managed in person (session or gateway identity), never with a token: a leaked token
// cannot mint itself a successor that outlives its revocation, nor revoke its owner's other tokens.
const tokenRoutes: FastifyPluginAsyncTypebox<TokenRoutesOptions> = async (app, { store, maxDays, maxPerUser, maxExternalMs }) => {
  app.post('/auth/tokens', {
    config: { access: 'session', audit: 'auth.token.create' },
    onRequest: refuseApiTokens,
    preHandler: async request => {
      const token = mintToken()
      minted.set(request, token)
      const { username } = request.body as CreateBody
      const owner = username === undefined ? principalOf(request.identity!) : { source: 'local' as const, username }
      request.auditTarget = { ...owner, tokenId: token.id }
    },
    schema: {
      tags,
      summary: 'Create a personal API token; its value is in this answer only',
      description: 'Roles may not be above the creator\'s. Admins may create a token for another, existing local user (a service account in the users file, say) with `username`; its roles may not be above that user\'s either. At most API_TOKEN_MAX_PER_USER live tokens per user (409 beyond). A token of an OIDC or gateway identity works at most API_TOKEN_MAX_HOURS_EXTERNAL hours (default 24), whatever expiresInDays asks: expiresAt says when.',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
        roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
        teams: Type.Optional({ ...TeamsSchema, description: 'ACCESS_MODEL=teams: a subset of your teams (default: all of them)' }),
        expiresInDays: Type.Integer({ minimum: 1, maximum: maxDays, description: 'At most API_TOKEN_MAX_DAYS; an OIDC or gateway identity\'s token works API_TOKEN_MAX_HOURS_EXTERNAL hours at most, whatever is asked' }),
        username: Type.Optional({ ...UsernameSchema, description: 'Admins only: the existing local user the token is for (default: the caller)' })
      }, { additionalProperties: false }),
      response: { 201: CreatedToken, ...problems(400, 401, 403, 409, 415, 503) }
    }
  }, async (request, reply) => {
    const creator = request.identity!
    const { owner, ownerRoles } = checkedOwner(username => app.users.rolesOf(username), creator, request.body.username)
    await refuseUsersOutsideTeams(app, request, reply, [owner])
    checkRoleCeilings(request.body.roles, creator.roles, owner, ownerRoles)
    const token = minted.get(request)!
    // A token for someone else acts for the teams both its creator and its owner are in.
    const asked = app.accessModel === 'teams' ? tokenTeams(creator, request.body.teams) : undefined
    const teams = asked === undefined || ownerRoles === undefined ? asked : capTeams(asked, app.users.teamsOf(owner.username) ?? [])
    app.refuseTooManyTeams(teams)
    const record = newTokenRecord(token, owner, creator, request.body, teams, Date.now(), maxExternalMs)
    if (!await store.create(record, maxPerUser)) throw new errors.ApiTokenLimit(maxPerUser)
    request.log.info({ tokenId: record.id, owner, roles: record.roles, expiresAt: record.expiresAt }, 'api token created')
    return reply.code(201).send({ ...view(record), token: token.value })
  })

  app.get('/auth/tokens', {
    config: { access: 'session' },
    onRequest: refuseApiTokens,
    schema: {
      tags,
      summary: 'Your unexpired API tokens (admins: anyone\'s, with ?username=&source=), newest first, a page at a time; never their values',
      querystring: ListQuery,
      response: { 200: Type.Object({ tokens: Type.Array(TokenView), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last' }) }), ...problems(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    const { username, source, limit, cursor } = request.query
    const named = username === undefined ? undefined : { source: source ?? 'local', username }
    const owner = ownerFor(request.identity!, named)
    await refuseUsersOutsideTeams(app, request, reply, [owner], 'auth.tokens.list')
    return page(effectiveTokens(await store.listByUser(owner), maxExternalMs, Date.now()), limit, cursor)
  })

  app.delete('/auth/tokens/:id', {
    config: { access: 'session', audit: 'auth.token.revoke' },
    onRequest: refuseApiTokens,
    preHandler: async request => {
      const { id } = request.params as { id: string }
      const record = await store.get(id)
      if (record !== undefined) request.auditTarget = { ...tokenOwner(record), tokenId: id }
    },
    schema: {
      tags,
      summary: 'Revoke an API token: yours, or anyone\'s for an admin; it stops working on every replica',
      params: Type.Object({ id: TokenId }),
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 503) }
    }
  }, async (request, reply) => {
    const identity = request.identity!
    const { id } = request.params
    const record = await store.get(id)
    // Someone else's token is as absent as an unknown one: ids of others' tokens are not confirmed.
    if (record === undefined || !mayRevoke(identity, record)) throw new errors.ApiTokenNotFound(id)
    await refuseUsersOutsideTeams(app, request, reply, [tokenOwner(record)])
    await store.delete(id)
    request.log.info({ tokenId: id, owner: tokenOwner(record) }, 'api token revoked')
    return reply.code(204).send(null)
  })
}

export default tokenRoutes
