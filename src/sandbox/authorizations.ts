import { toLimitedClient, toWireClient } from './client-model.ts'
import { clientIdParam, optionalQuery, page, param } from './handlers.ts'
import { isDigits } from './client-store.ts'
import { RawNumber, ResultCode, badRequest, isForm, isStringArray, parseBody, result } from './wire.ts'
import type { Operation, OperationContext } from './wire.ts'

function subjectOf (value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw badRequest(ResultCode.missingSubject, "The parameter 'subject' is missing.")
  }
  return value
}

// Both documents declare `subject` a query parameter of these operations; the 2.x document also
// declares a path parameter, and the 3.0 one says "either in the path or as a query parameter".
// The official TypeScript SDK sends both (.../{subject}?subject=). The query wins when both are given.
function subjectParam (context: OperationContext, index: number): string {
  return subjectOf(context.query.get('subject') ?? (param(context, index) || undefined))
}

function serviceLabel (serviceId: string): string {
  return `the service (API Key = ${serviceId})`
}

// 2.x lists whole Client objects; 3.0 lists TokenListClient items (client_authorization_get_list_api).
export const listAuthorizations: Operation = (context) => {
  const { store, query, generation } = context
  const subject = subjectParam(context, 0)
  const developer = optionalQuery(query, 'developer')
  const view = generation === '3.0' ? toLimitedClient : (id: string, data: Record<string, unknown>) => toWireClient(id, data, generation)
  const { start, end, totalCount, clients } = page(query, store.authorizedBy(subject, developer), view)
  return { status: 200, body: { start, end, developer, subject, totalCount, clients } }
}

function scopesOf (value: unknown, form: boolean): string[] | undefined {
  if (value === undefined || value === null) return undefined
  // A form repeats the field for each scope (an exploded array); a single field is one scope.
  const scopes = form && typeof value === 'string' ? [value] : value
  if (!isStringArray(scopes)) {
    throw badRequest(ResultCode.invalidScopes, "The value of 'scopes' must be an array of strings.")
  }
  return scopes
}

export const updateAuthorization: Operation = (context) => {
  const id = clientIdParam(context)
  const request = context.body.trim() === '' ? {} : parseBody(context)
  const subject = subjectOf(typeof request.subject === 'string' ? request.subject : context.query.get('subject'))
  const scopes = scopesOf(request.scopes, isForm(context))
  const count = context.store.updateAuthorization(id, subject, scopes)
  const text = `Updated ${count} access token(s) issued to the client (ID = ${id}) of ${serviceLabel(context.store.serviceId)}.`
  return { status: 200, body: result(ResultCode.authorizationUpdated, text) }
}

export const deleteAuthorization: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectParam(context, 1)
  const count = context.store.deleteAuthorization(id, subject)
  const text = `Deleted ${count} access token(s) issued to the client (ID = ${id}) of ${serviceLabel(context.store.serviceId)}.`
  return { status: 200, body: result(ResultCode.authorizationDeleted, text) }
}

// Both documents type the scope lists as arrays of strings, while the 2.x description says `null`
// means no record: with no record the lists are left out, which both schemas and the SDK accept.
export const getGrantedScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectParam(context, 1)
  const granted = context.store.grantedScopes(id, subject)
  const { serviceId } = context.store
  const text = `Got the scopes granted to the client (ID = ${id}) by the subject (${subject}).`
  return {
    status: 200,
    body: {
      ...result(ResultCode.grantedScopesGot, text),
      serviceApiKey: isDigits(serviceId) ? new RawNumber(serviceId) : serviceId,
      clientId: new RawNumber(id),
      subject,
      latestGrantedScopes: granted?.latest,
      mergedGrantedScopes: granted?.merged,
      modifiedAt: granted?.modifiedAt
    }
  }
}

export const deleteGrantedScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectParam(context, 1)
  context.store.deleteGrantedScopes(id, subject)
  const text = `Deleted the scopes granted to the client (ID = ${id}) by the subject (${subject}).`
  return { status: 200, body: result(ResultCode.grantedScopesDeleted, text) }
}
