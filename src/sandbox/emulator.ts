import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ClientStore } from './client-store.ts'
import { matchRoute } from './routes.ts'
import { seedStore, seedTeamClients } from './seed.ts'
import { ResultCode, SandboxError, badRequest, result, toJson } from './wire.ts'
import type { Generation, Reply } from './wire.ts'

export interface SandboxCredentials { serviceId: string, accessToken: string, apiKey: string, apiSecret: string }

export interface RecordedRequest {
  method: string
  // Raw path as received: no query, not percent-decoded.
  path: string
  // Raw query string without '?', '' if none.
  query: string
  headers: IncomingHttpHeaders
  // Raw body text, '' if none.
  body: string
}

export interface SandboxSeed { registrationAccessToken: string, dynamicClientId: string, clientIds: string[] }

/** An answer as sent: status and body text ('' for none). */
export interface SentAnswer { status: number, body: string }

export type ExchangeObserver = (request: RecordedRequest, answer: SentAnswer) => void

export interface SandboxUpstream {
  url: string
  credentials: SandboxCredentials
  seed: SandboxSeed
  requests: RecordedRequest[]
  /** Calls `observer` with every exchange from now on, once its answer is sent (tests check answers). */
  observe (observer: ExchangeObserver): void
  close (): Promise<void>
}

const BODY_LIMIT = 1024 * 1024
const JSON_TYPE = 'application/json;charset=UTF-8'

interface Target { generation: Generation, rawServiceId: string, rest: string[] }

// 2.x: /api/client/...; 3.0: /api/{serviceId}/client/...
function parseTarget (path: string): Target | undefined {
  const segments = path.split('/')
  if (segments[0] !== '' || segments[1] !== 'api') return undefined
  if (segments[2] === 'client') return { generation: '2.x', rawServiceId: '', rest: segments.slice(3) }
  if (segments[2] !== undefined && segments[2] !== '' && segments[3] === 'client') {
    return { generation: '3.0', rawServiceId: segments[2], rest: segments.slice(4) }
  }
  return undefined
}

function decodeSegment (raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw badRequest(ResultCode.malformedPath, `The path segment '${raw}' is not valid percent-encoding.`)
  }
}

function sameSecret (given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function invalidCredentials (text: string, challenge: string): SandboxError {
  return new SandboxError(401, ResultCode.invalidCredentials, text, { 'www-authenticate': challenge })
}

function authenticate (target: Target, authorization: string | undefined, credentials: SandboxCredentials): void {
  const challenge = target.generation === '3.0' ? 'Bearer realm="Authlete"' : 'Basic realm="Authlete"'
  if (authorization === undefined || authorization.trim() === '') {
    throw new SandboxError(401, ResultCode.missingAuthorization, 'Authorization header is missing.',
      { 'www-authenticate': challenge })
  }
  const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2)
  if (target.generation === '3.0') {
    if (scheme.toLowerCase() !== 'bearer') {
      throw invalidCredentials('API 3.0 requires a service access token in an Authorization: Bearer header.', challenge)
    }
    if (!sameSecret(value, credentials.accessToken)) {
      throw invalidCredentials('The access token in the Authorization header is invalid.', challenge)
    }
    const serviceId = decodeSegment(target.rawServiceId)
    if (serviceId !== credentials.serviceId) {
      throw new SandboxError(403, ResultCode.accessDenied,
        `Access denied: the access token has no permission for the service (ID = ${serviceId}).`)
    }
    return
  }
  if (scheme.toLowerCase() !== 'basic') {
    throw invalidCredentials('API 2.x requires the service API key and secret in an Authorization: Basic header.',
      challenge)
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const apiKey = colon < 0 ? decoded : decoded.slice(0, colon)
  const apiSecret = colon < 0 ? '' : decoded.slice(colon + 1)
  // Evaluate both comparisons so that the timing does not reveal which part was wrong.
  const keyMatches = sameSecret(apiKey, credentials.apiKey)
  const secretMatches = sameSecret(apiSecret, credentials.apiSecret)
  if (!keyMatches || !secretMatches) {
    throw invalidCredentials('The API key and API secret in the Authorization header are invalid.', challenge)
  }
}

interface Served { store: ClientStore, credentials: SandboxCredentials, generations: readonly Generation[] }

function contentTypeOf (headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
}

function noApi (request: RecordedRequest): SandboxError {
  return new SandboxError(404, ResultCode.unknownPath, `No API exists at the path ${request.path}.`)
}

function dispatch (served: Served, request: RecordedRequest, target: Target | undefined, onApi: (api: string) => void): Reply {
  if (target === undefined || !served.generations.includes(target.generation)) throw noApi(request)
  const match = matchRoute(request.method, target.rest)
  if (match.kind === 'found') onApi(match.api)
  authenticate(target, request.headers.authorization, served.credentials)
  if (match.kind === 'not-found') throw noApi(request)
  if (match.kind === 'method-not-allowed') {
    throw new SandboxError(405, ResultCode.methodNotAllowed,
      `The method ${request.method} is not allowed for ${request.path}.`, { allow: match.allowed.join(', ') })
  }
  return match.operation({
    generation: target.generation,
    store: served.store,
    params: match.rawParams.map(decodeSegment),
    query: new URLSearchParams(request.query),
    contentType: contentTypeOf(request.headers),
    body: request.body
  })
}

// Error messages name the API as the documents' examples do; before a route matched, the path
// after the /api (and service ID) prefix stands for it.
function answer (served: Served, request: RecordedRequest, tooLarge: boolean): Reply {
  const target = parseTarget(request.path)
  let api = target === undefined ? request.path : `/client/${target.rest.join('/')}`
  try {
    if (tooLarge) throw new SandboxError(413, ResultCode.bodyTooLarge, `The request body exceeds ${BODY_LIMIT} bytes.`)
    return dispatch(served, request, target, (matched) => { api = matched })
  } catch (error) {
    return errorReply(error, api)
  }
}

function errorReply (error: unknown, api: string): Reply {
  if (error instanceof SandboxError) {
    return { status: error.status, body: result(error.code, error.text, api), headers: error.headers }
  }
  // The documented message, nothing of the failure itself (as Authlete would not say more).
  return { status: 500, body: result(ResultCode.serverError, 'Authlete Server error.', api) }
}

function send (res: ServerResponse, reply: Reply): SentAnswer {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, reply.headers)
    res.end()
    return { status: reply.status, body: '' }
  }
  const text = toJson(reply.body)
  res.writeHead(reply.status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...reply.headers
  })
  res.end(text)
  return { status: reply.status, body: text }
}

// Drains the whole body even past the limit, so that the client gets to read the 413
// instead of a reset connection.
function readBody (req: IncomingMessage, done: (body: string, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    const room = BODY_LIMIT - size
    size += chunk.length
    if (room > 0) chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, room))
  })
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8'), size > BODY_LIMIT))
  req.on('error', () => req.destroy())
}

function randomServiceId (): string {
  const length = randomInt(10, 15)
  let digits = String(randomInt(1, 10))
  while (digits.length < length) digits += String(randomInt(0, 10))
  return digits
}

function randomToken (): string {
  return randomBytes(32).toString('base64url')
}

export interface SandboxOptions {
  host?: string
  port?: number
  credentials?: Partial<SandboxCredentials>
  /** The API generations served (default both); the paths of another answer 404. */
  generations?: readonly Generation[]
  /** Also seed the clients of the teams demo (ACCESS_MODEL=teams). */
  teams?: boolean
}

export async function startSandboxUpstream (options: SandboxOptions = {}): Promise<SandboxUpstream> {
  const credentials: SandboxCredentials = {
    serviceId: options.credentials?.serviceId ?? randomServiceId(),
    accessToken: options.credentials?.accessToken ?? randomToken(),
    apiKey: options.credentials?.apiKey ?? randomToken(),
    apiSecret: options.credentials?.apiSecret ?? randomToken()
  }
  const store = new ClientStore(credentials.serviceId, randomInt(1000, 10000))
  const seed = seedStore(store)
  if (options.teams === true) seed.clientIds.push(...seedTeamClients(store))
  const requests: RecordedRequest[] = []
  const served: Served = { store, credentials, generations: options.generations ?? ['3.0', '2.x'] }
  const observers: ExchangeObserver[] = []

  const server = createServer((req, res) => {
    readBody(req, (body, tooLarge) => {
      const url = req.url ?? ''
      const queryAt = url.indexOf('?')
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: queryAt < 0 ? url : url.slice(0, queryAt),
        query: queryAt < 0 ? '' : url.slice(queryAt + 1),
        headers: { ...req.headers },
        body
      }
      requests.push(request)
      const sent = send(res, answer(served, request, tooLarge))
      for (const observer of observers) observer(request, sent)
    })
  })

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost}:${port}`,
    credentials,
    seed,
    requests,
    observe (observer) { observers.push(observer) },
    close () {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeAllConnections()
      })
      return closing
    }
  }
}
