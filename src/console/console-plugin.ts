import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import frontend from '../frontend/static-frontend.ts'
import { ClientInput } from '../clients/client-schema.ts'
import { PAGE_CSP_DIRECTIVES } from '../http/page-security.ts'

export interface ConsoleOptions {
  /** OIDC login is configured: the sign-in page offers "Sign in with SSO". */
  sso: boolean
}

// Every page's policy (src/http/page-security.ts), as helmet writes it: exactly what the console
// needs, its own script, stylesheet and data: images, and calls to this origin.
export const CONSOLE_CSP = Object.entries(PAGE_CSP_DIRECTIVES).map(([name, values]) => `${name} ${values.join(' ')}`).join(';')

// Where scripts/build-console.ts writes the bundle: dist/console from the sources (src/console/),
// and the same folder from the compiled server (dist/src/console/).
const BUNDLE_CANDIDATES = ['../../dist/console/', '../../console/'].map(path => fileURLToPath(new URL(path, import.meta.url)))

export function consoleBundleDir (): string | undefined {
  return BUNDLE_CANDIDATES.find(dir => existsSync(`${dir}index.html`))
}

/**
 * The admin console at '/': the built bundle through the static frontend (history fallback, reserved
 * API paths), under the console's strict CSP, the one setting the page cannot learn from the API, and
 * the schema its client forms are built from.
 */
export default async function adminConsole (app: FastifyInstance, { sso }: ConsoleOptions): Promise<void> {
  const root = consoleBundleDir()
  if (root === undefined) {
    throw new Error('CONSOLE_ENABLED: the console is not built (dist/console/index.html is missing): run npm run build:console, or set CONSOLE_ENABLED=false')
  }
  app.get('/console-settings.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache')
    return { sso }
  })
  // The body schema of POST /api/clients, as /openapi.json shows it, served with the console rather
  // than read from /openapi.json: that one is off with DOCS_ENABLED=false, as production advises.
  // Signed-in callers only, as the forms are.
  app.get('/console-client-schema.json', { config: { access: 'session' }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache')
    return ClientInput
  })
  await app.register(frontend, { root })
}
