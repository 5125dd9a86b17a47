import type { CallAuthlete, UpstreamAnswer, UpstreamCall } from './authlete-client.ts'
import { errors, type UpstreamResult } from '../http/errors.ts'

// Shapes of Authlete's answers, as far as the proxy reads them; everything else passes through.
export type AuthleteClient = Record<string, unknown>
export interface ClientList { start: number, end: number, totalCount: number, clients: AuthleteClient[] }
export interface AuthorizedClientList extends ClientList { subject: string, developer?: string }
export interface SecretResult extends UpstreamResult { newClientSecret: string, oldClientSecret: string }
export interface GrantedScopes extends Partial<UpstreamResult> { subject?: string, latestGrantedScopes?: string[] | null, mergedGrantedScopes?: string[] | null }
export interface RegistrationResult extends Partial<UpstreamResult> { action: string, responseContent?: string, client?: AuthleteClient }
export interface Page { developer?: string, start: number, end: number }

type Calls = UpstreamCall[]
type Answer<T> = Promise<UpstreamAnswer<T>>

/** One typed function per Authlete operation; `calls` collects what was done for the audit record. */
export function createAuthleteApi (call: CallAuthlete) {
  return {
    getClient: (calls: Calls, clientId: string): Answer<AuthleteClient> =>
      call(calls, 'getClient', { params: { clientId } }),
    listClients: (calls: Calls, page: Page): Answer<ClientList> =>
      readableList(call(calls, 'listClients', { query: { developer: page.developer, start: page.start, end: page.end } })),
    createClient: (calls: Calls, client: AuthleteClient): Answer<AuthleteClient> =>
      call(calls, 'createClient', { body: client }),
    updateClient: (calls: Calls, clientId: string, client: AuthleteClient): Answer<AuthleteClient> =>
      call(calls, 'updateClient', { params: { clientId }, body: client }),
    deleteClient: (calls: Calls, clientId: string): Answer<undefined> =>
      call(calls, 'deleteClient', { params: { clientId } }),
    updateLockFlag: (calls: Calls, clientIdentifier: string, clientLocked: boolean): Answer<UpstreamResult> =>
      call(calls, 'updateLockFlag', { params: { clientIdentifier }, body: { clientLocked } }),
    refreshSecret: (calls: Calls, clientIdentifier: string): Answer<SecretResult> =>
      call(calls, 'refreshSecret', { params: { clientIdentifier } }),
    updateSecret: (calls: Calls, clientIdentifier: string, clientSecret: string): Answer<SecretResult> =>
      call(calls, 'updateSecret', { params: { clientIdentifier }, body: { clientSecret } }),
    listAuthorizedClients: (calls: Calls, subject: string, page: Page): Answer<AuthorizedClientList> =>
      readableList(call(calls, 'listAuthorizedClients', { query: { subject, developer: page.developer, start: page.start, end: page.end } })),
    updateAuthorization: (calls: Calls, clientId: string, subject: string, scopes?: string[]): Answer<UpstreamResult> =>
      call(calls, 'updateAuthorization', { params: { clientId }, body: scopes === undefined ? { subject } : { subject, scopes } }),
    deleteAuthorization: (calls: Calls, clientId: string, subject: string): Answer<UpstreamResult> =>
      call(calls, 'deleteAuthorization', { params: { clientId }, query: { subject } }),
    getGrantedScopes: (calls: Calls, clientId: string, subject: string): Answer<GrantedScopes> =>
      call(calls, 'getGrantedScopes', { params: { clientId }, query: { subject } }),
    deleteGrantedScopes: (calls: Calls, clientId: string, subject: string): Answer<UpstreamResult> =>
      call(calls, 'deleteGrantedScopes', { params: { clientId }, query: { subject } }),
    updateRegistration: (calls: Calls, clientId: string, token: string, metadata: Record<string, unknown>): Answer<RegistrationResult> =>
      call(calls, 'updateRegistration', { body: { clientId, token, json: JSON.stringify(metadata) } })
  }
}

// A list the routes page through must hold a list of client objects (or none) and a total; any
// other shape would break the route with a 500 that blames the proxy for the upstream's answer.
async function readableList<T extends ClientList> (pending: Answer<T>): Answer<T> {
  const answer = await pending
  const { clients, totalCount } = answer.data as { clients?: unknown, totalCount?: unknown }
  const clientsReadable = clients === undefined || clients === null || (Array.isArray(clients) && clients.every(isObject))
  if (!clientsReadable || !Number.isSafeInteger(totalCount)) {
    throw new errors.UpstreamUnreadable({ cause: new Error(`upstream list answer without ${clientsReadable ? 'an integer totalCount' : 'a clients array of objects'}`) })
  }
  return answer
}

function isObject (value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export type AuthleteApi = ReturnType<typeof createAuthleteApi>
