import {
  deleteAuthorization, deleteGrantedScopes, getGrantedScopes, listAuthorizations, updateAuthorization
} from './authorizations.ts'
import {
  createClient, deleteClient, deleteRequestableScopes, getClient, getRequestableScopes, listClients, refreshSecret,
  updateClient, updateLockFlag, updateRequestableScopes, updateSecret
} from './handlers.ts'
import { updateRegistration } from './registration.ts'
import type { Operation } from './wire.ts'

interface Route {
  method: string
  // The API's name in error messages: `/client/` and the static segments (e.g. /client/get).
  api: string
  // Path segments after `client/`; `:name` marks a path parameter.
  segments: string[]
  operation: Operation
}

function route (method: string, path: string, operation: Operation): Route {
  const segments = path.split('/')
  const api = `/client/${segments.filter((segment) => !segment.startsWith(':')).join('/')}`
  return { method, api, segments, operation }
}

// Static routes precede parameterised ones with the same shape (get/list before get/:clientId).
const ROUTES: Route[] = [
  route('GET', 'get/list', listClients),
  route('GET', 'get/:clientId', getClient),
  route('POST', 'create', createClient),
  route('POST', 'update/:clientId', updateClient),
  route('DELETE', 'delete/:clientId', deleteClient),
  route('POST', 'lock_flag/update/:clientIdentifier', updateLockFlag),
  route('GET', 'secret/refresh/:clientIdentifier', refreshSecret),
  route('POST', 'secret/update/:clientIdentifier', updateSecret),
  route('GET', 'authorization/get/list', listAuthorizations),
  route('GET', 'authorization/get/list/:subject', listAuthorizations),
  route('POST', 'authorization/update/:clientId', updateAuthorization),
  route('DELETE', 'authorization/delete/:clientId', deleteAuthorization),
  route('DELETE', 'authorization/delete/:clientId/:subject', deleteAuthorization),
  route('GET', 'granted_scopes/get/:clientId', getGrantedScopes),
  route('GET', 'granted_scopes/get/:clientId/:subject', getGrantedScopes),
  route('DELETE', 'granted_scopes/delete/:clientId', deleteGrantedScopes),
  route('DELETE', 'granted_scopes/delete/:clientId/:subject', deleteGrantedScopes),
  route('POST', 'registration/update', updateRegistration),
  route('GET', 'extension/requestable_scopes/get/:clientId', getRequestableScopes),
  route('PUT', 'extension/requestable_scopes/update/:clientId', updateRequestableScopes),
  route('DELETE', 'extension/requestable_scopes/delete/:clientId', deleteRequestableScopes)
]

export type RouteMatch =
  | { kind: 'found', operation: Operation, api: string, rawParams: string[] }
  | { kind: 'method-not-allowed', allowed: string[] }
  | { kind: 'not-found' }

// Static segments are compared with the raw (still percent-encoded) segments; only
// parameters get decoded, by the caller.
export function matchRoute (method: string, rawSegments: string[]): RouteMatch {
  const allowed: string[] = []
  for (const candidate of ROUTES) {
    if (candidate.segments.length !== rawSegments.length) continue
    const rawParams: string[] = []
    const matches = candidate.segments.every((segment, index) => {
      const raw = rawSegments[index] ?? ''
      if (!segment.startsWith(':')) return segment === raw
      rawParams.push(raw)
      return raw !== ''
    })
    if (!matches) continue
    if (candidate.method === method) return { kind: 'found', operation: candidate.operation, api: candidate.api, rawParams }
    if (!allowed.includes(candidate.method)) allowed.push(candidate.method)
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' }
}
