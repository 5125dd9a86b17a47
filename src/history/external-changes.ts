import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { jsonScalarText } from '../upstream/json.ts'
import { storedState } from './stored-state.ts'
import { proxyRecord } from './proxy-records.ts'
import { isNewer } from './stores/version-rows.ts'

// The latest modifiedAt known to be versioned, per client: a read that finds the same one (or an
// older one) needs no store lookup at all. Bounded: past this many clients it starts again empty.
const KNOWN_LIMIT = 10_000
const SWEEP_PAGE = 100

export interface ExternalChanges {
  /**
   * readClient's observer: one store lookup at most (none when the modifiedAt is known); a change it
   * finds is recorded before the read answers, so a write's own version always follows it.
   */
  observe: (request: FastifyRequest, client: AuthleteClient) => Promise<void>
  /** Checks every client of the service (HISTORY_SWEEP_MINUTES). */
  sweep: () => Promise<void>
}

/**
 * A change made outside the proxy (Authlete's console, another tool, the API directly) shows as a
 * modifiedAt later than the last version's (of a client that has versions). It is recorded as an `external` version (actor unknown)
 * with an audit record `client.external-change` the proxy writes itself, so verify covers it too. Two
 * reads (or replicas) finding the same change record it once: the store writes an external version
 * only if no version has that modifiedAt yet (checked under the chain's lock). A client this replica
 * is writing is not checked: the change a read finds may be that write's, whose version follows.
 */
export function createExternalChanges (app: FastifyInstance, beingWritten: (clientId: string, reader?: FastifyRequest) => boolean): ExternalChanges {
  const { history } = app.auditTrail
  const known = new Map<string, number>()
  const recording = new Map<string, Promise<void>>()

  const remember = (clientId: string, modifiedAt: number | null): void => {
    if (modifiedAt === null) return
    if (known.size >= KNOWN_LIMIT) known.clear()
    if (isNewer(modifiedAt, known.get(clientId) ?? null)) known.set(clientId, modifiedAt)
  }

  const record = (clientId: string, client: AuthleteClient, modifiedAt: number | null): Promise<void> => {
    const running = recording.get(clientId)
    if (running !== undefined) return running
    const [intent, outcome] = proxyRecord('client.external-change', clientId, {}, {
      clientId,
      state: storedState(client),
      modifiedAt,
      action: 'client.external-change',
      actor: null,
      source: null,
      via: null,
      external: true,
      restoredFrom: null,
      onlyIfNewer: true
    })
    const done = (async () => {
      await app.auditTrail.append(intent)
      await app.auditTrail.append(outcome)
      remember(clientId, modifiedAt)
    })().catch((error: unknown) => { app.log.error({ err: error, clientId }, 'history: an external change could not be recorded') })
      .finally(() => { recording.delete(clientId) })
    recording.set(clientId, done)
    return done
  }

  // Never throws: a read's answer does not depend on the history.
  const check = async (client: AuthleteClient, reader?: FastifyRequest): Promise<void> => {
    try {
      const clientId = jsonScalarText(client.clientId)
      const modifiedAt = typeof client.modifiedAt === 'number' ? client.modifiedAt : null
      const cached = known.get(clientId)
      if ((cached !== undefined && !isNewer(modifiedAt, cached)) || beingWritten(clientId, reader)) return
      const latest = await history.latest(clientId)
      // A client the proxy never versioned has no history to be outside of (its first write starts one).
      if (latest === undefined) return
      if (isNewer(modifiedAt, latest.modifiedAt)) await record(clientId, client, modifiedAt)
      else remember(clientId, latest.modifiedAt)
    } catch (error) {
      app.log.error({ err: error }, 'history: the last version could not be read to look for an external change')
    }
  }

  return {
    async observe (request, client) {
      await check(client, request)
    },
    async sweep () {
      for (let start = 0; ; start += SWEEP_PAGE) {
        const { data } = await app.authlete.listClients([], { start, end: start + SWEEP_PAGE })
        for (const client of data.clients ?? []) await check(client)
        if (start + SWEEP_PAGE >= data.totalCount) return
      }
    }
  }
}
