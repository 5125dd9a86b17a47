import { randomUUID } from 'node:crypto'
import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.ts'

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
    return503OnClosing: true
  }
}
