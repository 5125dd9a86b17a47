import { setTimeout as delay } from 'node:timers/promises'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthleteClient, ClientList, Page } from '../upstream/authlete-api.ts'
import type { UpstreamAnswer } from '../upstream/authlete-client.ts'
import { parseUpstreamJson } from '../upstream/json.ts'
import { ClientIndex } from './client-index.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** This replica's index of the clients' searchable fields (GET /api/clients?q=). */
    clientIndex: ClientIndex
    /** Starts the index on its first use and waits (at most FIRST_FILL_WAIT_MS) for its first fill. */
    useClientIndex: () => Promise<void>
  }
}

export interface SearchOptions {
  /** SEARCH_INDEX_REFRESH_SECONDS: how often the whole list is read again. */
  refreshSeconds: number
}

/** Clients per list call of a fill, and list calls at once: a fill of 10,000 clients is 100 calls, 4 at a time. */
export const FILL_PAGE = 100
export const FILL_CONCURRENCY = 4
/** After a failed fill, the next try comes this soon (or at the refresh, if sooner). */
const RETRY_SECONDS = 15
/** The first search on a replica waits this long for the first fill, then answers from what was read (index.complete: false). */
const FIRST_FILL_WAIT_MS = 3000

type ListPage = (page: Page) => Promise<UpstreamAnswer<ClientList>>

/**
 * Reads the whole client list, FILL_PAGE at a time, at most FILL_CONCURRENCY calls at once, handing
 * each page to `take` as it arrives. An upstream that ignores the range answers everything at once.
 */
export async function readWholeList (listPage: ListPage, take: (clients: AuthleteClient[]) => void, stopped: () => boolean = () => false): Promise<void> {
  const { data: first } = await listPage({ start: 0, end: FILL_PAGE })
  take(first.clients ?? [])
  if ((first.clients ?? []).length >= first.totalCount) return
  const starts: number[] = []
  for (let start = FILL_PAGE; start < first.totalCount; start += FILL_PAGE) starts.push(start)
  const worker = async (): Promise<void> => {
    for (let start = starts.shift(); start !== undefined && !stopped(); start = starts.shift()) {
      take((await listPage({ start, end: start + FILL_PAGE })).data.clients ?? [])
    }
  }
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker))
}

// Writes that cannot change a searched field (name, alias, developer, redirect URIs) leave the index alone.
const LEAVES_INDEX_ALONE = /^(client\.(lock|unlock|read|secret\.[a-z]+)|authorization\.|granted-scopes\.)/
// Writes whose answer is the client as it now is.
const ANSWERS_CLIENT = new Set(['client.create', 'client.update', 'client.patch'])

async function searchPlugin (app: FastifyInstance, { refreshSeconds }: SearchOptions): Promise<void> {
  const index = new ClientIndex()
  app.decorate('clientIndex', index)
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const listPage: ListPage = async page => await app.authlete.listClients([], page)

  const fill = async (): Promise<void> => {
    const startedAt = Date.now()
    index.beginFill()
    try {
      await readWholeList(listPage, clients => { index.add(clients) }, () => stopped)
      if (stopped) return
      index.finishFill(startedAt)
      app.log.debug({ clients: index.size, ms: Date.now() - startedAt }, 'search index filled')
    } catch (error) {
      index.abandonFill()
      if (!stopped) app.log.warn({ err: error, indexed: index.size }, 'search index: the client list could not be read; searches answer from the index as it is (index.complete tells)')
    }
  }
  const schedule = (seconds: number): void => {
    if (stopped) return
    timer = setTimeout(() => {
      fill().finally(() => { schedule(index.complete ? refreshSeconds : Math.min(RETRY_SECONDS, refreshSeconds)) }).catch(() => {})
    }, seconds * 1000)
    timer.unref()
  }

  // Started by the first search on this replica, not at start-up: a replica nobody searches on never
  // reads the whole list, so N replicas cost Authlete N list scans per refresh only when they are used.
  let started: Promise<void> | undefined
  app.decorate('useClientIndex', async () => {
    started ??= fill().finally(() => { schedule(index.complete ? refreshSeconds : Math.min(RETRY_SECONDS, refreshSeconds)) })
    await Promise.race([started, delay(FIRST_FILL_WAIT_MS, undefined, { ref: false })])
  })
  app.addHook('onClose', async () => {
    stopped = true
    clearTimeout(timer)
  })

  // The proxy's own writes keep the index fresh at once, on this replica; other replicas' (and
  // anyone's directly at Authlete) show at the next refresh.
  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.audit
    if (started === undefined || action === undefined || reply.statusCode >= 300 || LEAVES_INDEX_ALONE.test(action)) return payload
    const clientId = request.createdClientId ?? (request.params as { clientId?: string } | undefined)?.clientId
    if (clientId === undefined || !/^\d+$/.test(clientId)) return payload
    if (action === 'client.delete') index.remove(clientId)
    else if (ANSWERS_CLIENT.has(action) && payload !== null && payload !== undefined) index.put(parseUpstreamJson(payload.toString(), true) as AuthleteClient)
    else reread(app, request, clientId)
    return payload
  })
}

// A write whose answer is not the client (an RFC 7592 update, a restore): its fields are read again.
function reread (app: FastifyInstance, request: FastifyRequest, clientId: string): void {
  app.authlete.getClient([], clientId).then(({ data }) => { app.clientIndex.put(data) }, (error: unknown) => {
    request.log.warn({ err: error, clientId }, 'search index: the changed client could not be read again; it shows as it was until the next refresh')
  })
}

export default fp(searchPlugin, { name: 'search', fastify: '5.x', dependencies: ['authlete'] })
