// URI properties of a client, checked as Authlete uses them. RFC 6749 3.1.2: a redirection endpoint
// is an absolute URI without a fragment. Plain http is for loopback (RFC 8252 7.3) unless the
// operator allows it (ALLOW_HTTP_REDIRECT_URIS); a native app's private-use scheme is a reverse domain
// name (RFC 8252 7.1), which leaves out javascript:, data:, vbscript:, file: and the like.

const URI_FORMATS = {
  'redirect-uri': 'must be an absolute URI without a fragment: https, http on loopback (anywhere with ALLOW_HTTP_REDIRECT_URIS=true), or a native app\'s reverse-domain scheme (com.example.app:/callback)',
  'web-uri': 'must be an absolute https URI without a fragment (http on loopback, or anywhere with ALLOW_HTTP_REDIRECT_URIS=true)'
} as const

export type UriFormat = keyof typeof URI_FORMATS

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]'])

function parse (value: string): URL | undefined {
  // Whitespace, control characters and fragments are refused before the parser could quietly fix them.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f#]/.test(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/** Whether the URL's host is this machine's loopback: localhost, [::1] or 127.x.x.x. */
export const isLoopback = (url: URL): boolean => LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)

// WHATWG URL parsing refuses an http or https URL without a host, so none reaches here.
function isWebUri (url: URL, allowHttp: boolean): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (allowHttp || isLoopback(url)))
}

/** The format checks, given whether plain http is allowed for any host. */
export function uriFormatChecks (allowHttp: boolean): Record<UriFormat, (value: string) => boolean> {
  return {
    'redirect-uri': value => {
      const url = parse(value)
      if (url === undefined) return false
      if (url.protocol === 'https:' || url.protocol === 'http:') return isWebUri(url, allowHttp)
      // A reverse-domain scheme: a dot in the protocol (the scheme and its colon).
      return url.protocol.includes('.')
    },
    'web-uri': value => {
      const url = parse(value)
      return url !== undefined && isWebUri(url, allowHttp)
    }
  }
}

/** The message when a URI property fails its format, naming what is accepted. */
export function uriFormatMessage (format: unknown): string | undefined {
  return format === 'redirect-uri' || format === 'web-uri' ? URI_FORMATS[format] : undefined
}
