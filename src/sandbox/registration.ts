import { timingSafeEqual } from 'node:crypto'
import { toWireClient } from './client-model.ts'
import type { ClientData } from './client-model.ts'
import { canonicalClientId, hashRegistrationToken } from './client-store.ts'
import { InvalidMetadata, fromRegistrationMetadata, toRegistrationMetadata } from '../upstream/rfc7591.ts'
import { ResultCode, badRequest, isObject, parseBody, result } from './wire.ts'
import type { Operation, Reply, ResultCodeValue } from './wire.ts'

// Where the emulated authorization server's RFC 7592 management endpoint would live.
export const REGISTRATION_ENDPOINT = 'https://as.sandbox.example/register'

function outcome (code: ResultCodeValue, text: string, action: string, content: unknown, client?: unknown): Reply {
  // Authlete reports the RFC 7592 outcome in `action` and always answers the API call itself with 200.
  return { status: 200, body: { ...result(code, text), action, responseContent: JSON.stringify(content), client } }
}

function unauthorized (): Reply {
  return outcome(ResultCode.registrationUnauthorized, 'The registration access token is invalid.', 'UNAUTHORIZED', {
    error: 'invalid_token',
    error_description: 'The registration access token is invalid, or the client does not exist.'
  })
}

function invalidMetadata (description: string, error = 'invalid_client_metadata'): Reply {
  return outcome(ResultCode.registrationBadRequest, `The client metadata is invalid: ${description}`, 'BAD_REQUEST', {
    error,
    error_description: description
  })
}

function tokenMatches (data: ClientData, token: string): boolean {
  const expected = data.registrationAccessTokenHash
  if (typeof expected !== 'string') return false
  const actual = Buffer.from(hashRegistrationToken(token))
  const wanted = Buffer.from(expected)
  return actual.length === wanted.length && timingSafeEqual(actual, wanted)
}

function clientIdOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}

export const updateRegistration: Operation = (context) => {
  const { store, generation } = context
  const request = parseBody(context)
  const clientId = clientIdOf(request.clientId)
  const { token, json } = request
  if (clientId === undefined || typeof token !== 'string' || typeof json !== 'string') {
    throw badRequest(ResultCode.invalidRegistrationRequest,
      "The request must contain 'clientId', 'token' and 'json' as strings.")
  }
  const id = canonicalClientId(clientId)
  const current = id === undefined ? undefined : store.find(id)
  if (id === undefined || current === undefined || !tokenMatches(current, token)) return unauthorized()

  let metadata: unknown
  try {
    metadata = JSON.parse(json)
  } catch {
    return invalidMetadata('The client metadata is not valid JSON.')
  }
  if (!isObject(metadata)) return invalidMetadata('The client metadata is not a JSON object.')
  const claimedId = metadata.client_id === undefined ? id : canonicalClientId(String(metadata.client_id))
  if (claimedId !== id) {
    return invalidMetadata("'client_id' does not match the client being updated.")
  }
  if (metadata.client_secret !== undefined && metadata.client_secret !== current.clientSecret) {
    return invalidMetadata("'client_secret' does not match the current client secret.")
  }

  let changes: ClientData
  try {
    changes = fromRegistrationMetadata(metadata)
  } catch (error) {
    if (error instanceof InvalidMetadata) return invalidMetadata(error.message, error.error)
    throw error
  }
  const data = store.patch(id, changes)
  const content = toRegistrationMetadata(id, data, { token, registrationClientUri: `${REGISTRATION_ENDPOINT}/${id}` })
  return outcome(ResultCode.registrationUpdated, 'The client has been updated.', 'UPDATED', content,
    toWireClient(id, data, generation))
}
