import type { RouteOptions } from 'fastify'

type HookName = 'onRequest' | 'preParsing' | 'preHandler' | 'onSend' | 'onResponse'

/**
 * Adds a hook to one route (from an onRoute hook): a hook only some routes need costs the others
 * nothing, where a global one would run, and return early, on every request.
 */
export function addRouteHook (route: RouteOptions, name: HookName, hook: unknown): void {
  route[name] = [...[route[name] ?? []].flat(), hook] as never
}
