import { randomUUID } from 'node:crypto'
import proxyAddr from '@fastify/proxy-addr'
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { Config } from '../config.ts'
import { applyApiHeaders } from './api-headers.ts'
import { sendProblem, toProblem } from './problem.ts'
import { timeoutOptions } from './request-limits.ts'

// Request logs carry method, URL and addresses only (Fastify's serializers), never headers or
// bodies; these exact paths guard the headers that hold credentials if anyone ever logs them.
// Wildcard paths would cost more than the rest of a request's logging, on every line.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]'
]

// One info line per request, when it is answered: its method, URL and addresses (what Fastify's
// "incoming request" line holds) with its status and time. A line at arrival as well cost about a
// fifth of the proxy's CPU per request in `npm run bench`; it is kept at debug level, for following
// requests in flight. Errors are logged as Fastify logs them.
class RequestLog extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}

// A request id a caller may set: short and plain, so it can be logged and echoed safely.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * pino-pretty's transport when a person reads the logs: stdout is a terminal, outside production,
 * and the package is installed (a devDependency: `npm ci --omit=dev` and the image log JSON).
 */
export function prettyLogTransport (config: Config, stdout: { isTTY?: boolean } = process.stdout): { target: string } | undefined {
  if (stdout.isTTY !== true || config.NODE_ENV === 'production') return undefined
  try {
    import.meta.resolve('pino-pretty')
  } catch {
    return undefined
  }
  return { target: 'pino-pretty' }
}

/** How long the app may take to register its plugins before start-up fails. */
export const START_UP_TIMEOUT_MS = 120_000

/** The Fastify options of the real server; tests build their instances with the same ones. */
export function serverOptions (config: Config, logTransport?: { target: string }): FastifyServerOptions {
  const trustedHops = config.TRUST_PROXY === undefined ? [] : config.TRUST_PROXY.split(',').map(entry => entry.trim())
  const fromTrustedHop = trustedHops.length === 0 ? () => false : proxyAddr.compile(trustedHops)
  return {
    logger: {
      level: config.LOG_LEVEL,
      ...logTransport === undefined ? {} : { transport: logTransport },
      redact: { paths: config.GATEWAY_JWT_HEADER === undefined ? REDACTED_PATHS : [...REDACTED_PATHS, `req.headers["${config.GATEWAY_JWT_HEADER}"]`], censor: '[redacted]' }
    },
    // Only the listed gateways' X-Forwarded-For/-Proto are believed; the client IP is then the
    // rightmost address that is not one of them.
    trustProxy: trustedHops.length === 0 ? false : trustedHops,
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: config.BODY_LIMIT,
    ...timeoutOptions(config),
    requestIdHeader: false,
    // A gateway's x-request-id is kept end to end; anyone else's is replaced.
    genReqId: request => {
      const given = request.headers['x-request-id']
      const peer = request.socket?.remoteAddress
      return typeof given === 'string' && REQUEST_ID.test(given) && peer !== undefined && fromTrustedHop(peer, 0) ? given : randomUUID()
    },
    rewriteUrl: originForm,
    // Draining is answered by the app itself (problem+json, Retry-After); see src/ops/overload.ts.
    return503OnClosing: false,
    logController: new RequestLog(),
    frameworkErrors: answerFrameworkError,
    // The whole app is one plugin: opening the stores, checking the users file and connecting to
    // Redis can take longer than Fastify's 10 s on a throttled container or a busy machine (seen:
    // a test app at load 15 on two cores). A dependency that hangs still ends start-up, naming it.
    pluginTimeout: START_UP_TIMEOUT_MS
  }
}

// `GET http://host/api/x HTTP/1.1` (absolute-form, RFC 9112 3.2.2) is routed by its path: every check
// that reads request.url (access to /api, the frontend's reserved paths) must see the same path.
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i

function originForm (request: { url?: string }): string {
  const url = request.url ?? '/'
  if (url.startsWith('/')) return url
  const rest = url.replace(ABSOLUTE_FORM, '')
  return rest.startsWith('/') ? rest : `/${rest}`
}

// Fastify refuses some requests before routing (bad percent-encoding, over-long path parameters);
// they get the same problem document and headers as every other error. An over-long parameter is
// invalid input, not a URI the server cannot handle.
function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') error.statusCode = 400
  applyApiHeaders(request, reply)
  sendProblem(reply, toProblem(error, request))
}
