import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Config } from './config.ts'
import { applyApiHeaders } from './api-headers.ts'
import { sendProblem, toProblem } from './problem.ts'

// Everything a log line could carry a secret in. Bodies are not logged by default; these paths
// catch the day someone logs one.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.clientSecret',
  '*.newClientSecret',
  '*.oldClientSecret',
  '*.registrationAccessToken',
  '*.token',
  '*.client_secret',
  '*.registration_access_token'
]

/** The Fastify options of the real server; tests build their instances with the same ones. */
export function serverOptions (config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' }
    },
    trustProxy: config.TRUST_PROXY === undefined ? false : config.TRUST_PROXY.split(',').map(entry => entry.trim()),
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError
  }
}

// Fastify refuses some requests before routing (bad percent-encoding, over-long path parameters);
// they get the same problem document and headers as every other error. An over-long parameter is
// invalid input, not a URI the server cannot handle.
function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') error.statusCode = 400
  applyApiHeaders(request, reply)
  sendProblem(reply, toProblem(error, request))
}
