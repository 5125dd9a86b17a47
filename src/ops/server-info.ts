import { readFileSync } from 'node:fs'
import { Type, type Static } from 'typebox'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../http/problem-schema.ts'

export const UpstreamInfoSchema = Type.Object({
  mode: Type.Enum(['sandbox', 'authlete'], { description: 'sandbox: the in-memory emulator, whose data is lost at restart; authlete: AUTHLETE_BASE_URL' }),
  url: Type.String({ description: 'The upstream\'s base URL (in sandbox, the emulator\'s), without any user information' }),
  apiVersion: Type.Enum(['v3', 'v2'], { description: 'The Authlete API generation (AUTHLETE_API_VERSION)' }),
  serviceId: Type.Union([Type.String(), Type.Null()], { description: 'The Authlete service the proxy manages (AUTHLETE_SERVICE_ID; null with API 2.x when not set: the API key names it)' })
}, { description: 'Which upstream this proxy changes; never a credential' })

export const ServerInfoSchema = Type.Object({
  upstream: UpstreamInfoSchema,
  version: Type.String({ description: 'The proxy\'s version (its package version)' })
})

export type ServerInfo = Static<typeof ServerInfoSchema>

declare module 'fastify' {
  interface FastifyInstance {
    /** What GET /api/info answers: the upstream this replica changes, and its version. */
    serverInfo: ServerInfo
  }
}

export interface ServerInfoOptions {
  sandbox: boolean
  baseUrl: string
  apiVersion: 'v3' | 'v2'
  serviceId: string | undefined
}

/** The base URL as it may be shown: user information (a credential some put there) is dropped. */
export function shownUrl (baseUrl: string): string {
  const url = new URL(baseUrl)
  url.username = ''
  url.password = ''
  return url.href.replace(/\/$/, '')
}

/** The version of the package this file belongs to, from sources (src/ops) or the build (dist/src/ops) alike. */
export function packageVersion (): string {
  for (let up = new URL('../../package.json', import.meta.url), depth = 0; depth < 3; depth++, up = new URL('../package.json', up)) {
    try {
      const { name, version } = JSON.parse(readFileSync(up, 'utf8')) as { name?: string, version?: string }
      if (name === 'authlete-bff' && typeof version === 'string') return version
    } catch {}
  }
  return 'unknown'
}

/** One line for the start-up log and the console banner's words. */
export function describeUpstream ({ mode, url, apiVersion, serviceId }: ServerInfo['upstream']): string {
  if (mode === 'sandbox') return `Sandbox: in-memory emulator at ${url}, data lost at restart`
  return `Authlete ${new URL(url).host}, API ${apiVersion === 'v3' ? '3.0' : '2.x'}${serviceId === null ? '' : `, service ${serviceId}`}`
}

const infoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/info', {
    config: { access: 'viewer' },
    schema: {
      tags: ['operations'],
      summary: 'Where am I: which upstream this proxy changes (never a credential), and its version',
      response: { 200: ServerInfoSchema, ...problems(401, 403) }
    }
  }, async () => app.serverInfo)
}

async function serverInfoPlugin (app: FastifyInstance, options: ServerInfoOptions): Promise<void> {
  const info: ServerInfo = {
    upstream: { mode: options.sandbox ? 'sandbox' : 'authlete', url: shownUrl(options.baseUrl), apiVersion: options.apiVersion, serviceId: options.serviceId ?? null },
    version: packageVersion()
  }
  app.decorate('serverInfo', info)
  app.addHook('onReady', async () => { app.log.info({ upstream: info.upstream, version: info.version }, `authlete-bff ${info.version}: ${describeUpstream(info.upstream)}`) })
  await app.register(infoRoutes)
}

export default fp(serverInfoPlugin, { name: 'server-info', fastify: '5.x' })
