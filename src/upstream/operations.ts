// Every Authlete client-management operation the proxy forwards, in the 2.x form. The 3.0 path is the
// same after an `/api/{serviceId}` prefix (see upstreamPath). `{name}` segments are filled from the
// caller's path parameters, each percent-encoded on its own, so no input can add a segment or a query.
export interface Operation {
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  segments: readonly string[]
  query: readonly string[]
  /** Whether the upstream call changes state (a mutation is never retried, whatever its method). */
  mutates: boolean
}

function operation (name: string, method: Operation['method'], template: string, query: string[], mutates: boolean): Operation {
  return { name, method, segments: template.split('/'), query, mutates }
}

export const operations = {
  getClient: operation('getClient', 'GET', 'client/get/{clientId}', [], false),
  listClients: operation('listClients', 'GET', 'client/get/list', ['developer', 'start', 'end'], false),
  createClient: operation('createClient', 'POST', 'client/create', [], true),
  updateClient: operation('updateClient', 'POST', 'client/update/{clientId}', [], true),
  deleteClient: operation('deleteClient', 'DELETE', 'client/delete/{clientId}', [], true),
  updateLockFlag: operation('updateLockFlag', 'POST', 'client/lock_flag/update/{clientIdentifier}', [], true),
  refreshSecret: operation('refreshSecret', 'GET', 'client/secret/refresh/{clientIdentifier}', [], true),
  updateSecret: operation('updateSecret', 'POST', 'client/secret/update/{clientIdentifier}', [], true),
  listAuthorizedClients: operation('listAuthorizedClients', 'GET', 'client/authorization/get/list', ['subject', 'developer', 'start', 'end'], false),
  updateAuthorization: operation('updateAuthorization', 'POST', 'client/authorization/update/{clientId}', [], true),
  deleteAuthorization: operation('deleteAuthorization', 'DELETE', 'client/authorization/delete/{clientId}', ['subject'], true),
  getGrantedScopes: operation('getGrantedScopes', 'GET', 'client/granted_scopes/get/{clientId}', ['subject'], false),
  deleteGrantedScopes: operation('deleteGrantedScopes', 'DELETE', 'client/granted_scopes/delete/{clientId}', ['subject'], true),
  updateRegistration: operation('updateRegistration', 'POST', 'client/registration/update', [], true)
} as const satisfies Record<string, Operation>

export type OperationName = keyof typeof operations

export interface UpstreamLocation {
  basePath: string
  apiVersion: 'v2' | 'v3'
  serviceId?: string
}

export type PathParams = Readonly<Record<string, string>>
export type QueryParams = Readonly<Record<string, string | number | undefined>>

/** Builds the upstream path of a call: the fixed segments of each operation are encoded once. */
export function createPathBuilder (location: UpstreamLocation): (op: Operation, params?: PathParams, query?: QueryParams) => string {
  const prefix = location.apiVersion === 'v3' ? ['api', location.serviceId ?? ''] : ['api']
  const base = `${location.basePath}/${prefix.map(encodeSegment).join('/')}`
  // Per operation: its encoded fixed segments, and the names of the ones filled from path parameters.
  const templates = new Map<Operation, Array<{ text: string } | { param: string }>>()
  const templateOf = (op: Operation) => {
    let template = templates.get(op)
    if (template === undefined) {
      template = op.segments.map(segment => segment.startsWith('{') ? { param: segment.slice(1, -1) } : { text: encodeSegment(segment) })
      templates.set(op, template)
    }
    return template
  }
  return (op, params = {}, query = {}) => {
    let path = base
    for (const part of templateOf(op)) path += `/${'text' in part ? part.text : encodeSegment(fillParameter(part.param, params))}`
    if (op.query.length === 0) return path
    const search = new URLSearchParams()
    for (const name of op.query) {
      const value = query[name]
      if (value !== undefined) search.append(name, String(value))
    }
    return search.size > 0 ? `${path}?${search.toString()}` : path
  }
}

function fillParameter (name: string, params: PathParams): string {
  const value = params[name]
  if (value === undefined || value === '') throw new TypeError(`missing upstream path parameter ${name}`)
  // However encoded, `.` and `..` stay dot segments: WHATWG URL parsers and servers that decode
  // before normalising read %2E as `.`, and would call another path. Routes refuse them already.
  if (value === '.' || value === '..') throw new TypeError(`upstream path parameter ${name} cannot be the dot segment ${value}`)
  return value
}

function encodeSegment (value: string): string {
  return encodeURIComponent(value)
}
