import { errors } from '../http/errors.ts'
import { hasRole, type Role } from '../auth/roles.ts'
import type { AuthleteClient } from '../upstream/authlete-api.ts'
import { SERVER_OWNED_PROPERTIES } from './client-schema.ts'

type ServerOwned = (typeof SERVER_OWNED_PROPERTIES)[number]

/** The server-owned properties a PUT body carries (a client as GET answered it, edited). */
export function echoedProperties (body: Record<string, unknown>): ServerOwned[] {
  return SERVER_OWNED_PROPERTIES.filter(name => name in body)
}

/**
 * GET, edit, PUT: the server-owned properties that came back must equal the client's current values;
 * then they are dropped, so what is forwarded (and audited as changed) is the writable part only.
 * Any that differ are a 400 naming each. The secret is compared for admins only, who can read it:
 * for anyone else a match would tell whether a guessed secret is right.
 */
export function dropEchoedProperties (body: Record<string, unknown>, current: AuthleteClient, roles: readonly Role[]): void {
  const differing = echoedProperties(body).filter(name =>
    (name === 'clientSecret' && !hasRole(roles, 'admin')) || JSON.stringify(body[name]) !== JSON.stringify(current[name]))
  if (differing.length > 0) throw readOnlyChanged(differing)
  for (const name of echoedProperties(body)) delete body[name]
}

function readOnlyChanged (names: ServerOwned[]): Error {
  const issues = names.map(name => ({
    keyword: 'readOnly',
    instancePath: `/${name}`,
    params: {},
    message: name === 'clientSecret'
      ? 'clientSecret is read-only: leave it out (change it with PUT /api/clients/{clientId}/secret or POST .../secret/refresh)'
      : `${name} is read-only: send its current value or leave it out`
  }))
  return Object.assign(new errors.ReadOnlyChanged(names.join(', ')), { validation: issues, validationContext: 'body' })
}
