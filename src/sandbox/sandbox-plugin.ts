import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { startSandboxUpstream, type SandboxUpstream } from './emulator.ts'

declare module 'fastify' {
  interface FastifyInstance {
    sandboxUpstream: SandboxUpstream
  }
}

// The emulator listens on loopback and is called through the same undici client as the real
// upstream, so sandbox mode runs the real forwarding code.
async function sandboxPlugin (app: FastifyInstance, options: { teams?: boolean }): Promise<void> {
  const sandboxUpstream = await startSandboxUpstream({ teams: options.teams })
  app.decorate('sandboxUpstream', sandboxUpstream)
  app.addHook('onClose', async () => { await sandboxUpstream.close() })
  app.log.warn({ upstream: sandboxUpstream.url }, 'SANDBOX MODE: AUTHLETE_BASE_URL is not set, requests go to an in-memory emulator of Authlete, not to Authlete')
}

export default fp(sandboxPlugin, { name: 'sandbox-upstream', fastify: '5.x' })
