import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * The Content-Security-Policy of every HTML page but Swagger UI (the console and any FRONTEND_DIR):
 * its own scripts, styles, images and API only; no plugins, no <base>, forms to itself, never framed.
 */
export const PAGE_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"]
}

// Helmet's other headers as they come (nosniff, COOP, CORP, HSTS, ...), with framing refused twice
// (X-Frame-Options for browsers without frame-ancestors) and no referrer leaving the site.
const COMMON: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' }
}

/** For the pages: helmet with PAGE_CSP_DIRECTIVES. */
export const pageHelmet: FastifyHelmetOptions = {
  ...COMMON,
  contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP_DIRECTIVES }
}

/** For Swagger UI: its own CSP (with the hashes of its inline script and style) is set by @fastify/swagger-ui. */
export const docsHelmet: FastifyHelmetOptions = { ...COMMON, contentSecurityPolicy: false }

/**
 * @fastify/swagger-ui's static CSP, made stricter: never framed, no third-party validator, fonts and
 * styles from this site only, forms to itself, and no upgrade-insecure-requests (which would break
 * the page when served over plain http on a non-loopback host; HSTS belongs to the gateway).
 */
export function tightenDocsCsp (header: string): string {
  return header
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    .replace(' validator.swagger.io', '')
    .replace("font-src 'self' https: data:", "font-src 'self' data:")
    .replace("style-src 'self' https:", "style-src 'self'")
    .replace(/ ?upgrade-insecure-requests;?/, '')
    .concat(" form-action 'self';")
}
