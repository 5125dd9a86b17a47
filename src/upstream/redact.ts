const REDACTED = '[redacted]'

/**
 * Authlete's messages may quote what it was sent, the service credentials included ("The API key
 * '...' is invalid"). Every answer passes through here before anything reads it: the credentials
 * (and the Basic header value made of them) are replaced wherever they appear. A v2 API key is all
 * digits, like the client IDs of an answer, so it is replaced in result messages only.
 */
export function createRedactor (credentials: { accessToken?: string, apiKey?: string, apiSecret?: string }) {
  const basic = credentials.apiKey === undefined ? undefined : Buffer.from(`${credentials.apiKey}:${credentials.apiSecret ?? ''}`).toString('base64')
  const all = [credentials.accessToken, credentials.apiSecret, basic, credentials.apiKey].filter((value): value is string => value !== undefined && value.length >= 4)
  const anywhere = all.filter(value => !/^[0-9]+$/.test(value)).map(value => Buffer.from(value))
  return {
    /** The answer's bytes with every non-numeric credential replaced. */
    bytes (bytes: Buffer): Buffer {
      if (!anywhere.some(secret => bytes.includes(secret))) return bytes
      let text = bytes.toString('utf8')
      for (const secret of anywhere) text = text.replaceAll(secret.toString(), REDACTED)
      return Buffer.from(text)
    },
    /** A result message with every credential replaced. */
    message (text: string): string {
      let result = text
      for (const secret of all) result = result.replaceAll(secret, REDACTED)
      return result
    }
  }
}
