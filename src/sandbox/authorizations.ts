import { clientIdParam, page } from './handlers.ts'
import { isDigits } from './client-store.ts'
import { RawNumber, ResultCode, badRequest, isStringArray, parseJsonObject, result } from './wire.ts'
import type { Operation } from './wire.ts'

// Both documents declare `subject` as a query parameter for these operations.
function subjectOf (value: string | null | undefined): string {
  if (typeof value !== 'string' || value === '') {
    throw badRequest(ResultCode.missingSubject, "The parameter 'subject' is missing.")
  }
  return value
}

function serviceLabel (serviceId: string): string {
  return `the service (API Key = ${serviceId})`
}

export const listAuthorizations: Operation = ({ store, query }) => {
  const subject = subjectOf(query.get('subject'))
  const developer = query.get('developer') || undefined
  const { start, end, totalCount, clients } = page(query, store.authorizedBy(subject, developer))
  return { status: 200, body: { start, end, developer, subject, totalCount, clients } }
}

export const updateAuthorization: Operation = (context) => {
  const id = clientIdParam(context)
  const request = context.body.trim() === '' ? {} : parseJsonObject(context.body)
  const subject = subjectOf(typeof request.subject === 'string' ? request.subject : context.query.get('subject'))
  const scopes = request.scopes ?? undefined
  if (scopes !== undefined && !isStringArray(scopes)) {
    throw badRequest(ResultCode.invalidScopes, "The value of 'scopes' must be an array of strings.")
  }
  const count = context.store.updateAuthorization(id, subject, scopes)
  const text = `Updated ${count} access token(s) issued to the client (ID = ${id}) of ${serviceLabel(context.store.serviceId)}.`
  return { status: 200, body: result(ResultCode.authorizationUpdated, text) }
}

export const deleteAuthorization: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectOf(context.query.get('subject'))
  const count = context.store.deleteAuthorization(id, subject)
  const text = `Deleted ${count} access token(s) issued to the client (ID = ${id}) of ${serviceLabel(context.store.serviceId)}.`
  return { status: 200, body: result(ResultCode.authorizationDeleted, text) }
}

export const getGrantedScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectOf(context.query.get('subject'))
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
      latestGrantedScopes: granted?.latest ?? null,
      mergedGrantedScopes: granted?.merged ?? null,
      modifiedAt: granted?.modifiedAt ?? 0
    }
  }
}

export const deleteGrantedScopes: Operation = (context) => {
  const id = clientIdParam(context)
  const subject = subjectOf(context.query.get('subject'))
  context.store.deleteGrantedScopes(id, subject)
  const text = `Deleted the scopes granted to the client (ID = ${id}) by the subject (${subject}).`
  return { status: 200, body: result(ResultCode.grantedScopesDeleted, text) }
}
