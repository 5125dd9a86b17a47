/**
 * CORS_ORIGINS as a list of origins. Browsers send the serialized origin (lower-case host, no default
 * port, no path), and the comparison is exact, so anything else would silently never match: it is
 * refused with the spelling that would.
 */
export function parseOrigins (value: string | undefined): string[] {
  if (value === undefined) return []
  return value.split(',').map(entry => entry.trim()).filter(entry => entry !== '').map(entry => {
    let url: URL
    try {
      url = new URL(entry)
    } catch {
      throw new Error(`'${entry}' is not an origin (scheme://host[:port])`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`'${entry}' is not an http or https origin`)
    if (url.origin !== entry) {
      throw new Error(`'${entry}' is not an origin as browsers send it (scheme://host[:port], no path, no trailing slash); write ${url.origin}`)
    }
    return entry
  })
}
