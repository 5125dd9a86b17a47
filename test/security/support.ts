import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildTestApp, login, type Login, type TestApp } from '../helpers/app.ts'

export type Role = 'viewer' | 'editor' | 'admin'

export interface LiveApp extends TestApp {
  url: string
  port: number
  /** Over real HTTP: `body` is sent as JSON when it is not a string; `role` null sends no session. */
  send: (role: Role | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>
}

// The security tests go through a real socket on loopback, as an attacker would.
export async function liveApp (t: Test, env: Record<string, string> = {}): Promise<LiveApp> {
  const testApp = await buildTestApp(t, env)
  await testApp.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = testApp.app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const sessions = new Map<Role, Login>()
  const sessionOf = async (role: Role): Promise<Login> => {
    let found = sessions.get(role)
    if (found === undefined) sessions.set(role, found = await login(testApp.app, role))
    return found
  }
  return {
    ...testApp,
    url,
    port,
    send: async (role, method, path, body, headers = {}) => {
      const session = role === null ? {} : (await sessionOf(role)).headers
      const type = body === undefined || Object.keys(headers).some(name => name.toLowerCase() === 'content-type') ? {} : { 'content-type': 'application/json' }
      return await fetch(`${url}${path}`, {
        method,
        headers: { ...session, ...type, ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
      })
    }
  }
}

/** Upstream requests the sandbox emulator received from now on. */
export function upstreamCalls (app: FastifyInstance): () => number {
  const from = app.sandboxUpstream.requests.length
  return () => app.sandboxUpstream.requests.length - from
}
