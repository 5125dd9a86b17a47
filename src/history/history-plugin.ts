import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addRouteHook } from '../http/route-hooks.ts'
import { readClient } from '../clients/current-client.ts'
import { resolveAlias } from '../teams/alias-cache.ts'
import { EVERY_TEAM } from '../teams/membership.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { jsonScalarText, parseUpstreamJson } from '../upstream/json.ts'
import { storedState } from './stored-state.ts'
import { createExternalChanges } from './external-changes.ts'
import historyRoutes from './history-routes.ts'
import { seedSandboxHistory } from './sandbox-history.ts'
import type { NewVersion } from './history-types.ts'
import { auditActionOf } from '../audit/audit-log.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** One sweep of the client list for changes made outside the proxy (HISTORY_SWEEP_MINUTES runs it). */
    sweepClientHistory: () => Promise<void>
  }
  interface FastifyRequest {
    /** A restore: the version it put back (src/history/history-routes.ts). */
    restoredFrom: { version: number, clientId?: string } | null
    /** The client a restore route answered, so its version needs no parsing of the answer. */
    historyClient: AuthleteClient | null
    /** The numeric ID an alias named (lock and secret routes): Authlete reads a client by its ID only. */
    historyClientId: string | null
    /** The client this write is about, counted as being written until the answer is sent. */
    historyWriting: string | null
  }
}

export interface HistoryOptions {
  /** HISTORY_RETENTION_DAYS */
  retentionDays: number
  /** HISTORY_SWEEP_MINUTES: every so often, the whole client list is checked for changes made outside the proxy. */
  sweepMinutes?: number
  /** The ETag key (the session secret), as the client routes use it. */
  etagKey: string
  /** The sandbox as `npm start` runs it (its users generated): seed a few versions of a seeded client. */
  seedSandbox?: boolean
}

// How each audited write finds the state its version stores. Create, PUT, PATCH and the restores
// answer the client; lock, the secret routes and RFC 7592's update answer something else, so the client
// is read again after them (one more upstream GET: Authlete's own state and modifiedAt, never a guess);
// a delete keeps the state read before it.
type StateSource = 'answer' | 'reread' | 'before'
const WRITES: Readonly<Record<string, { source: StateSource, alsoChanged?: string[] }>> = {
  'client.create': { source: 'answer' },
  'client.update': { source: 'answer' },
  'client.patch': { source: 'answer' },
  'client.restore': { source: 'answer' },
  'client.restore-deleted': { source: 'answer' },
  'client.lock': { source: 'reread' },
  'client.secret.refresh': { source: 'reread', alsoChanged: ['clientSecret'] },
  'client.secret.update': { source: 'reread', alsoChanged: ['clientSecret'] },
  'registration.update': { source: 'reread' },
  'client.delete': { source: 'before' }
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000
const DAY_MS = 86_400_000

/**
 * A version of the client per successful write through the proxy, written with the write's audit
 * outcome (same transaction: src/audit/stores), and an `external` version whenever a read finds that
 * Authlete's modifiedAt moved past the last version's. Routes: history-routes.ts.
 */
async function historyPlugin (app: FastifyInstance, { retentionDays, sweepMinutes, etagKey, seedSandbox = false }: HistoryOptions): Promise<void> {
  const history = app.auditTrail.history
  app.decorateRequest('restoredFrom', null)
  app.decorateRequest('historyClient', null)
  app.decorateRequest('historyClientId', null)
  app.decorateRequest('historyWriting', null)
  // Clients this replica is writing right now: a read that meanwhile finds the write's modifiedAt is
  // not an external change (the write's own version follows), so it records none.
  const writing = new Map<string, number>()
  const startWriting = (request: FastifyRequest, clientId: string | null): void => {
    if (clientId === null || request.historyWriting !== null) return
    request.historyWriting = clientId
    writing.set(clientId, (writing.get(clientId) ?? 0) + 1)
  }
  const endWriting = async (request: FastifyRequest): Promise<void> => {
    const clientId = request.historyWriting
    if (clientId === null) return
    const left = (writing.get(clientId) ?? 1) - 1
    if (left === 0) writing.delete(clientId)
    else writing.set(clientId, left)
  }
  // Another request's write, that is: the read a write makes before forwarding finds real external changes.
  const external = createExternalChanges(app, (clientId, request) => (writing.get(clientId) ?? 0) > (request?.historyWriting === clientId ? 1 : 0))
  app.decorate('observeClientRead', external.observe)
  app.decorate('sweepClientHistory', external.sweep)

  // Runs ahead of the audit trail's onSend, which writes the outcome with request.auditVersion.
  const captureVersion = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (!request.auditedIntent || reply.statusCode >= 300) return payload
    const write = WRITES[request.routeOptions.config.audit!]!
    try {
      const client = await stateOf(app, request, write.source, payload)
      if (client !== undefined) request.auditVersion = versionOf(request, client, write.alsoChanged)
    } catch (error) {
      // The write is made: its record is written without a version; the next read records the state as external.
      request.log.error({ err: error }, 'history: the version of this write could not be made')
    }
    return payload
  }

  // After the intent: the client named by its ID is marked as being written; a delete also keeps the
  // client's last state, read before it goes (the team check's read, when it made one).
  const markWriting = async (request: FastifyRequest): Promise<void> => {
    const { clientId } = request.params as { clientId?: string }
    if (clientId !== undefined) startWriting(request, clientId)
    if (clientId !== undefined && request.routeOptions.config.audit === 'client.delete') await readClient(app.authlete, request, clientId).catch(() => undefined)
  }

  // Lock and the secret routes may name the client by its alias (roles mode: teams mode's check has
  // put the ID in its place already). It is resolved before the write, so the write stays the call its
  // audit record names; an alias that resolves to nothing leaves the write to fail on its own.
  const resolveIdentifier = async (request: FastifyRequest): Promise<void> => {
    const { clientIdentifier } = request.params as { clientIdentifier?: string }
    if (clientIdentifier === undefined) return
    request.historyClientId = /^\d+$/.test(clientIdentifier) ? clientIdentifier : (await resolveAlias(app, request, clientIdentifier, [EVERY_TEAM]).catch(() => undefined))?.id ?? null
    startWriting(request, request.historyClientId)
  }

  app.addHook('onRoute', route => {
    const action = route.config?.audit
    if (action === undefined || WRITES[action] === undefined) return
    route.onSend = [captureVersion, ...[route.onSend ?? []].flat()] as never
    addRouteHook(route, 'preHandler', markWriting)
    if (WRITES[action].source === 'reread') addRouteHook(route, 'preHandler', resolveIdentifier)
    addRouteHook(route, 'onResponse', endWriting)
  })

  await app.register(historyRoutes, { etagKey })

  const prune = async (): Promise<void> => {
    const removed = await history.prune(new Date(Date.now() - retentionDays * DAY_MS).toISOString())
    if (removed > 0) app.log.info({ removed, retentionDays }, 'history: versions pruned')
  }
  const every = (ms: number, task: () => Promise<void>, what: string): void => {
    const timer = setInterval(() => { task().catch(error => app.log.error({ err: error }, `history: ${what} failed`)) }, ms)
    timer.unref()
    app.addHook('onClose', async () => { clearInterval(timer) })
  }
  app.addHook('onReady', async () => {
    await prune().catch(error => app.log.error({ err: error }, 'history: pruning failed'))
    if (seedSandbox) await seedSandboxHistory(app).catch(error => app.log.error({ err: error }, 'history: the sandbox history could not be seeded'))
  })
  every(PRUNE_INTERVAL_MS, prune, 'pruning')
  if (sweepMinutes !== undefined) every(sweepMinutes * 60_000, external.sweep, 'sweep')
}

async function stateOf (app: FastifyInstance, request: FastifyRequest, source: StateSource, payload: unknown): Promise<AuthleteClient | undefined> {
  if (request.historyClient !== null) return request.historyClient
  // Parsed keeping int64 IDs above 2^53 exact, as the upstream client does.
  if (source === 'answer') return parseUpstreamJson(String(payload), true) as AuthleteClient
  if (source === 'before') return request.clientRead === undefined ? undefined : (await request.clientRead.answer).data
  const params = request.params as { clientId?: string, clientIdentifier?: string }
  const clientId = request.historyClientId ?? params.clientId ?? params.clientIdentifier!
  if (!/^\d+$/.test(clientId)) return undefined
  // Its own list of calls: the audit outcome names the write's result, not this read's.
  return (await app.authlete.getClient([], clientId)).data
}

function versionOf (request: FastifyRequest, client: AuthleteClient, alsoChanged: string[] | undefined): NewVersion {
  const { identity, restoredFrom } = request
  return {
    clientId: jsonScalarText(client.clientId),
    state: storedState(client),
    modifiedAt: typeof client.modifiedAt === 'number' ? client.modifiedAt : null,
    action: auditActionOf(request)!,
    actor: identity?.username ?? null,
    source: identity?.source ?? null,
    via: identity?.via ?? null,
    external: false,
    restoredFrom: restoredFrom?.version ?? null,
    ...(restoredFrom?.clientId === undefined ? {} : { restoredFromClientId: restoredFrom.clientId }),
    ...(alsoChanged === undefined ? {} : { alsoChanged })
  }
}

export default fp(historyPlugin, { name: 'history', fastify: '5.x', dependencies: ['authlete', 'audit-trail'] })
