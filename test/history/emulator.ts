import type { FastifyInstance } from 'fastify'
import type { ApiVersion } from '../helpers/app.ts'

/** Authlete's own API on the emulator, called directly over HTTP, as Authlete's console or another tool would. */
export async function emulator (app: FastifyInstance, api: ApiVersion, operation: string, body?: unknown): Promise<Record<string, unknown>> {
  const { url, credentials } = app.sandboxUpstream
  const prefix = api === 'v3' ? `/api/${credentials.serviceId}` : '/api'
  const authorization = api === 'v3' ? `Bearer ${credentials.accessToken}` : `Basic ${Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString('base64')}`
  const response = await fetch(`${url}${prefix}/${operation}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (!response.ok) throw new Error(`emulator ${operation}: ${response.status} ${await response.text()}`)
  return await response.json() as Record<string, unknown>
}
