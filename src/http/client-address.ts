import { isIPv6 } from 'node:net'

/**
 * The key a client address is counted under. IPv4 addresses (also written IPv4-mapped, `::ffff:a.b.c.d`)
 * as they are; IPv6 addresses by their /64: one host usually holds a whole /64, and counting each of its
 * 2^64 addresses apart would give it a fresh budget per request.
 */
export function addressKey (ip: string): string {
  if (!isIPv6(ip)) return ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped !== null) return mapped[1]!
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`
}

/** The eight groups of an IPv6 address, without zone, as lower-case hex without leading zeros. */
function expandIPv6 (ip: string): string[] {
  const address = ip.split('%', 1)[0]!.toLowerCase()
  const [head, tail] = address.includes('::') ? address.split('::') as [string, string] : [address, undefined]
  const groups = (part: string): string[] => part === '' ? [] : part.split(':').flatMap(group => group.includes('.') ? ipv4Groups(group) : [group])
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0') as string[]
  return [...left, ...middle, ...right].map(group => Number.parseInt(group, 16).toString(16))
}

// An embedded IPv4 tail (`64:ff9b::1.2.3.4`) is two groups.
function ipv4Groups (dotted: string): string[] {
  const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number]
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
}
