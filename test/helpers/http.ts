import type { FastifyInstance } from 'fastify'

export interface HttpAnswer {
  status: number
  headers: Headers
  json: () => any
  text: string
}

export interface HttpClient {
  url: string
  request: (path: string, init?: { method?: string, headers?: Record<string, string>, json?: unknown }) => Promise<HttpAnswer>
}

/** The app listening for real on 127.0.0.1 (a free port), and a fetch-based client for it. */
export async function listen (app: FastifyInstance): Promise<HttpClient> {
  return clientFor(await app.listen({ port: 0, host: '127.0.0.1' }))
}

/** A client for an app already listening at `url` (http://127.0.0.1:PORT). */
export function clientFor (url: string): HttpClient {
  return { url, request: async (path, init = {}) => await send(`${url}${path}`, init) }
}

async function send (url: string, init: { method?: string, headers?: Record<string, string>, json?: unknown }): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    redirect: 'manual'
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) }
}

/** `name=value` of the session cookie an answer set. */
export function cookieOf (answer: HttpAnswer): string {
  const line = answer.headers.getSetCookie().find(cookie => cookie.startsWith('bff_session='))
  if (line === undefined) throw new Error(`no session cookie set (${answer.status} ${answer.text})`)
  return line.split(';')[0]!
}
