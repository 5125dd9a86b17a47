import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../http/errors.ts'
import { problems } from '../http/problem-schema.ts'
import { hasRole } from '../auth/roles.ts'
import { readClient } from '../clients/current-client.ts'
import { ClientIdParams } from '../clients/route-schemas.ts'
import { SERVER_OWNED_PROPERTIES } from '../clients/client-schema.ts'
import { CREDENTIAL_PROPERTIES } from '../clients/credential-properties.ts'
import { applyMergePatch } from '../clients/merge-patch.ts'
import { EVERY_TEAM, inTeam, teamOf } from '../teams/membership.ts'
import { policyFor, violationsOf } from './evaluate.ts'
import { judgeChange, policyTeam } from './judgement.ts'
import type { Client } from './client-facts.ts'
import { CheckAnswer, CheckBody, ComplianceAnswer, PolicyAnswer } from './policy-schemas.ts'

const tags = ['policy']
type Mode = 'create' | 'replace' | 'patch'

// Asking before changing: what a write would meet, a client's compliance, the policy itself. Nothing is written.
const policyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const now = () => new Date(Date.now()).toISOString()

  app.post('/api/policy/check', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'The violations, warnings and filled defaults a create or update would meet, without writing',
      body: CheckBody,
      response: { 200: CheckAnswer, ...problems(400, 401, 403, 404, 415, 502, 503, 504) }
    }
  }, async (request) => {
    const { clientId } = request.body
    const body = request.body.client as Client
    const mode: Mode = request.body.mode ?? (clientId === undefined ? 'create' : 'patch')
    if (mode !== 'create' && clientId === undefined) throw new errors.PolicyCheckClientRequired(mode)
    const before = clientId === undefined ? null : await teamClient(app, request, clientId)
    const after = mode === 'create' || before === null ? body : mode === 'replace' ? replaced(request, before, body) : patched(before, body)
    const creating = mode === 'create'
    const team = app.accessModel === 'teams' ? policyTeam(app, request, after) ?? (before === null ? onlyTeam(request) : teamOf(before)) : null
    const { after: _sent, ...judged } = await judgeChange(app.policy, { team, before: creating ? null : before, after, clientId: creating ? undefined : clientId, readBefore: async () => before! })
    return judged
  })

  app.get('/api/clients/:clientId/compliance', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'A client\'s violations of the policy as it is, and its exceptions',
      params: ClientIdParams,
      response: { 200: ComplianceAnswer, ...problems(400, 401, 403, 404, 502, 503, 504) }
    }
  }, async (request) => {
    const { clientId } = request.params
    const client = (await readClient(app.authlete, request, clientId)).data as Client
    const team = app.accessModel === 'teams' ? teamOf(client) : null
    const effective = policyFor(app.policy.policy, team)
    const exceptions = await app.policy.exceptions.active(clientId, now())
    const excepted = new Set(exceptions.map(exception => exception.rule))
    return {
      clientId,
      team,
      profile: effective.profile,
      violations: violationsOf(effective, client).map(violation => excepted.has(violation.rule) ? { ...violation, excepted: true } : violation),
      exceptions: exceptions.map(({ clientId: _client, ...exception }) => exception)
    }
  })

  app.get('/api/policy', {
    config: { access: 'viewer' },
    schema: {
      tags,
      summary: 'The effective policy for the caller\'s teams: profile, rules and limits',
      response: { 200: PolicyAnswer, ...problems(401, 403) }
    }
  }, async (request) => {
    const { policy } = app.policy
    const held = app.accessModel === 'teams' ? request.identity?.teams ?? [] : [EVERY_TEAM]
    // A member of every team sees the global policy and each team's of the policy file.
    const teams = held.includes(EVERY_TEAM) ? [EVERY_TEAM, ...Object.keys(policy.teams)] : held
    return {
      profile: policy.profile,
      teams: Object.fromEntries(teams.map(team => {
        const { profile, rules, limits } = policyFor(policy, team === EVERY_TEAM ? null : team)
        return [team, { profile, rules, limits }]
      }))
    }
  })
}

/** The client an update check is about, scoped as reading it is: another team's is the usual 404. */
async function teamClient (app: FastifyInstance, request: FastifyRequest, clientId: string): Promise<Client> {
  let client: Client
  try {
    client = (await readClient(app.authlete, request, clientId)).data as Client
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw new errors.ClientNotFound(clientId)
    throw error
  }
  if (app.accessModel === 'teams' && !inTeam(request.identity?.teams ?? [], teamOf(client))) throw new errors.ClientNotFound(clientId)
  return client
}

// As PUT sends it: below admin, the credential properties the body leaves out are carried over.
function replaced (request: FastifyRequest, before: Client, body: Client): Client {
  if (hasRole(request.identity?.roles ?? [], 'admin')) return body
  const carried = Object.fromEntries(CREDENTIAL_PROPERTIES.filter(name => !(name in body) && before[name] !== undefined && before[name] !== null).map(name => [name, before[name]]))
  return { ...carried, ...body }
}

// As PATCH sends it: the merge patch applied to the client's writable part.
function patched (before: Client, patch: Client): Client {
  const writable = { ...before }
  for (const name of SERVER_OWNED_PROPERTIES) delete writable[name]
  return applyMergePatch(writable, patch) as Client
}

// A create without developer goes to the caller's only team (src/teams/ownership.ts).
function onlyTeam (request: FastifyRequest): string | null {
  const teams = request.identity?.teams ?? []
  return teams.length === 1 && teams[0] !== EVERY_TEAM ? teams[0]! : null
}

export default policyRoutes
