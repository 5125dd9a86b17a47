// Redirect URIs as the policy reads them (RFC 9700 §2.1 and §2.6, RFC 8252 §7.1, §7.3 and §8.3).
// Plain http is for the loopback IP literals only: RFC 8252 §8.3 calls `localhost` NOT RECOMMENDED
// (it may resolve elsewhere, and firewalls treat it differently), so http://localhost is refused
// and the message names http://127.0.0.1 instead. https://localhost is https, so it passes.

const LOOPBACK_IPS = new Set(['[::1]'])
const isLoopbackIp = (host: string): boolean => LOOPBACK_IPS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

/** The parsed URI, or undefined when it is not an absolute URI. */
function parse (uri: string): URL | undefined {
  try {
    return new URL(uri)
  } catch {
    return undefined
  }
}

/** A private-use scheme (RFC 8252 §7.1) is a reverse domain name: at least one dot, no http(s). */
const schemeOf = (url: URL): string => url.protocol.slice(0, -1)
const isWebScheme = (scheme: string): boolean => scheme === 'https' || scheme === 'http'

/** Why a redirect URI breaks the https rule, or undefined when it keeps it. */
export function transportProblem (uri: string): string | undefined {
  const url = parse(uri)
  if (url === undefined) return 'is not an absolute URI'
  const scheme = schemeOf(url)
  if (scheme === 'https') return undefined
  if (scheme === 'http') {
    if (isLoopbackIp(url.hostname)) return undefined
    if (url.hostname === 'localhost') return 'uses http://localhost (RFC 8252 §8.3 does not recommend it: use http://127.0.0.1:PORT/... or http://[::1]:PORT/... instead)'
    return 'uses plain http on a host other than the loopback IP literals'
  }
  return scheme.includes('.') ? undefined : `uses the scheme '${scheme}', which is not a reverse domain name (RFC 8252 §7.1: com.example.app:/callback)`
}

/**
 * The host a redirect URI sends the user to, as a team's `redirectUriHosts` patterns match it:
 * the host of an http(s) URI, or the domain a private-use scheme reverses (RFC 8252 §7.1:
 * `com.example.app:/cb` belongs to app.example.com). Undefined when the URI has neither.
 */
export function redirectHost (uri: string): string | undefined {
  const url = parse(uri)
  if (url === undefined) return undefined
  const scheme = schemeOf(url)
  if (isWebScheme(scheme)) return url.hostname === '' ? undefined : url.hostname.toLowerCase()
  return scheme.includes('.') ? scheme.toLowerCase().split('.').reverse().join('.') : undefined
}

// Host patterns: an exact host, or `*.` and a domain, which matches every subdomain at any depth
// (a.acme.example, x.y.acme.example) but never the domain itself (acme.example).
const isWildcard = (pattern: string): boolean => pattern.startsWith('*.')
const baseOf = (pattern: string): string => (isWildcard(pattern) ? pattern.slice(2) : pattern).toLowerCase()

export function hostMatches (pattern: string, host: string): boolean {
  const base = baseOf(pattern)
  return isWildcard(pattern) ? host.endsWith(`.${base}`) : host === base
}

/** Whether every host `pattern` matches is also matched by `wider` (a team narrowing the global list). */
export function patternCoveredBy (pattern: string, wider: string): boolean {
  if (!isWildcard(pattern)) return hostMatches(wider, baseOf(pattern))
  if (!isWildcard(wider)) return false
  const base = baseOf(pattern)
  return base === baseOf(wider) || hostMatches(wider, base)
}
