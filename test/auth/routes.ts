import type { SandboxSeed } from '../../src/sandbox/emulator.ts'
import type { Role } from '../../src/auth/roles.ts'

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The route as declared, for test names. */
  route: string
  /** A concrete URL on the sandbox's seeded data. */
  url: string
  /** The least role that may call it. */
  role: Role
  /** A valid body, for routes that take one. */
  payload?: Record<string, unknown>
}

const PORTAL = '26478243745571'

/** Every /api route with the role it needs (the table), called on seeded sandbox data. */
export function apiRoutes (seed: SandboxSeed): ApiRoute[] {
  return [
    { method: 'GET', route: '/api/clients', url: '/api/clients', role: 'viewer' },
    { method: 'POST', route: '/api/clients', url: '/api/clients', role: 'editor', payload: { clientName: 'Role test' } },
    { method: 'GET', route: '/api/clients/:clientId', url: `/api/clients/${PORTAL}`, role: 'viewer' },
    { method: 'PUT', route: '/api/clients/:clientId', url: `/api/clients/${PORTAL}`, role: 'editor', payload: { clientName: 'Renamed', clientType: 'CONFIDENTIAL' } },
    { method: 'PATCH', route: '/api/clients/:clientId', url: `/api/clients/${PORTAL}`, role: 'editor', payload: { description: 'patched' } },
    { method: 'DELETE', route: '/api/clients/:clientId', url: `/api/clients/${PORTAL}`, role: 'admin' },
    { method: 'PUT', route: '/api/clients/:clientIdentifier/lock', url: '/api/clients/portal/lock', role: 'editor', payload: { locked: true } },
    { method: 'POST', route: '/api/clients/:clientIdentifier/secret/refresh', url: '/api/clients/portal/secret/refresh', role: 'admin' },
    { method: 'PUT', route: '/api/clients/:clientIdentifier/secret', url: '/api/clients/portal/secret', role: 'admin', payload: { clientSecret: 'a-known-secret_0123456789abcdefghij' } },
    { method: 'GET', route: '/api/subjects/:subject/clients', url: '/api/subjects/john/clients', role: 'viewer' },
    { method: 'PUT', route: '/api/clients/:clientId/authorizations/:subject', url: `/api/clients/${PORTAL}/authorizations/john`, role: 'editor', payload: { scopes: ['openid'] } },
    { method: 'DELETE', route: '/api/clients/:clientId/authorizations/:subject', url: `/api/clients/${PORTAL}/authorizations/john`, role: 'editor' },
    { method: 'GET', route: '/api/clients/:clientId/granted-scopes/:subject', url: `/api/clients/${PORTAL}/granted-scopes/john`, role: 'viewer' },
    { method: 'DELETE', route: '/api/clients/:clientId/granted-scopes/:subject', url: `/api/clients/${PORTAL}/granted-scopes/john`, role: 'editor' },
    {
      method: 'PUT',
      route: '/api/clients/:clientId/registration',
      url: `/api/clients/${seed.dynamicClientId}/registration`,
      role: 'editor',
      payload: { registrationAccessToken: seed.registrationAccessToken, metadata: { client_name: 'Renamed by RFC 7592' } }
    }
  ]
}

/** The routes, for building test names before any app exists (the seed only fills in values). */
export const ROUTES = apiRoutes({ registrationAccessToken: '', dynamicClientId: '1', clientIds: [] })

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
