import { toWireClient, writableProperties } from './client-model.ts'
import type { ClientData } from './client-model.ts'
import { canonicalClientId, newClientSecret } from './client-store.ts'
import type { StoredClient } from './client-store.ts'
import { ResultCode, badRequest, formBoolean, isForm, isStringArray, parseBody, parseJsonObject, result } from './wire.ts'
import type { Operation, OperationContext } from './wire.ts'

const CLIENT_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,86}$/

export function param (context: OperationContext, index: number): string {
  return context.params[index] ?? ''
}

export function clientIdParam (context: OperationContext): string {
  const raw = param(context, 0)
  const clientId = canonicalClientId(raw)
  if (clientId === undefined) {
    throw badRequest(ResultCode.invalidClientId, `The client ID '${raw}' is not a valid number.`)
  }
  return clientId
}

function rangeParam (query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name)
  if (raw === null) return fallback
  if (!/^\d{1,9}$/.test(raw)) {
    throw badRequest(ResultCode.invalidRange, `The value of '${name}' must be a non-negative integer.`)
  }
  return Number(raw)
}

export interface Page { start: number, end: number, totalCount: number, clients: Array<Record<string, unknown>> }

// Paging shared by the client list and the authorization list: start inclusive, end exclusive.
export function page (query: URLSearchParams, clients: StoredClient[],
  view: (id: string, data: ClientData) => Record<string, unknown>): Page {
  const start = rangeParam(query, 'start', 0)
  const end = rangeParam(query, 'end', 5)
  return {
    start,
    end,
    totalCount: clients.length,
    clients: clients.slice(start, Math.max(start, end)).map(({ id, data }) => view(id, data))
  }
}

export function optionalQuery (query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name)
  return value === null || value === '' ? undefined : value
}

export const getClient: Operation = (context) => {
  const id = clientIdParam(context)
  return { status: 200, body: toWireClient(id, context.store.get(id), context.generation) }
}

// 2.x client_get_list_response has `developer` ("null" without the parameter: left out, as the
// schema types it a string); the 3.0 answer has no such property.
export const listClients: Operation = ({ store, query, generation }) => {
  const developer = optionalQuery(query, 'developer')
  const listed = page(query, store.list(developer), (id, data) => toWireClient(id, data, generation))
  return { status: 200, body: generation === '2.x' ? { developer, ...listed } : listed }
}

// client_create_api declares a JSON body only; the other operations with a body accept a form too.
export const createClient: Operation = ({ store, body, generation }) => {
  const created = store.create(writableProperties(parseJsonObject(body), generation))
  return { status: 200, body: toWireClient(created.id, created.data, generation) }
}

export const updateClient: Operation = (context) => {
  const id = clientIdParam(context)
  const writable = writableProperties(parseBody(context), context.generation, isForm(context))
  const updated = context.store.replace(id, writable)
  return { status: 200, body: toWireClient(updated.id, updated.data, context.generation) }
}

export const deleteClient: Operation = (context) => {
  context.store.delete(clientIdParam(context))
  return { status: 204 }
}

export const updateLockFlag: Operation = (context) => {
  const given = parseBody(context).clientLocked
  const clientLocked = isForm(context) ? formBoolean(given) : given
  if (typeof clientLocked !== 'boolean') {
    throw badRequest(ResultCode.invalidLockFlag, "The request must contain a boolean 'clientLocked'.")
  }
  const { id } = context.store.resolve(param(context, 0), context.generation)
  context.store.patch(id, { locked: clientLocked })
  return {
    status: 200,
    body: result(ResultCode.lockFlagUpdated, `Updated the lock flag of the client (ID = ${id}) successfully.`)
  }
}

export const refreshSecret: Operation = (context) => {
  const { id, data } = context.store.resolve(param(context, 0), context.generation)
  const oldClientSecret = data.clientSecret
  const fresh = newClientSecret()
  context.store.patch(id, { clientSecret: fresh })
  return {
    status: 200,
    body: {
      ...result(ResultCode.secretRefreshed, `Successfully refreshed the client secret of the client (ID = ${id}).`),
      newClientSecret: fresh,
      oldClientSecret
    }
  }
}

export const updateSecret: Operation = (context) => {
  const { clientSecret } = parseBody(context)
  if (typeof clientSecret !== 'string' || !CLIENT_SECRET_PATTERN.test(clientSecret)) {
    throw badRequest(ResultCode.invalidClientSecret,
      "The 'clientSecret' must be 1 to 86 characters of A-Z, a-z, 0-9, '-' and '_'.")
  }
  const { id, data } = context.store.resolve(param(context, 0), context.generation)
  const oldClientSecret = data.clientSecret
  context.store.patch(id, { clientSecret })
  return {
    status: 200,
    body: {
      ...result(ResultCode.secretUpdated, `Successfully updated the client secret of the client (ID = ${id}).`),
      newClientSecret: clientSecret,
      oldClientSecret
    }
  }
}

// client/extension/requestable_scopes/*: the scopes a client may request, kept in its `extension`
// (ClientExtension: requestableScopes, requestableScopesEnabled). With none, the list is left out.
function extensionOf (data: ClientData): Record<string, unknown> {
  return typeof data.extension === 'object' && data.extension !== null ? data.extension as Record<string, unknown> : {}
}

export const getRequestableScopes: Operation = (context) => {
  const id = clientIdParam(context)
  return { status: 200, body: { requestableScopes: extensionOf(context.store.get(id)).requestableScopes } }
}

export const updateRequestableScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const { requestableScopes } = parseJsonObject(context.body)
  if (!isStringArray(requestableScopes)) {
    throw badRequest(ResultCode.invalidScopes, "The value of 'requestableScopes' must be an array of strings.")
  }
  const extension = { ...extensionOf(context.store.get(id)), requestableScopes: [...requestableScopes], requestableScopesEnabled: true }
  context.store.patch(id, { extension })
  return { status: 200, body: { requestableScopes } }
}

export const deleteRequestableScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const { requestableScopes: _removed, ...rest } = extensionOf(context.store.get(id))
  context.store.patch(id, { extension: { ...rest, requestableScopesEnabled: false } })
  return { status: 204 }
}
