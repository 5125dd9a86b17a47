import t from 'tap'
import { createPathBuilder, operations } from '../../src/upstream/operations.ts'

// Route schemas refuse most of these values before any call; the builder must be safe on its own:
// whatever a path parameter holds, it fills exactly one segment and adds no segment, query or fragment.
const v2 = createPathBuilder({ basePath: '', apiVersion: 'v2' })
const v3 = createPathBuilder({ basePath: '/base', apiVersion: 'v3', serviceId: '715948317' })

// Each character class with the segment it must become.
const SEGMENTS: Array<[string, string, string]> = [
  ['unreserved letters, digits and marks', 'Az09-._~', 'Az09-._~'],
  ['a path separator', 'a/b', 'a%2Fb'],
  ['a backslash', 'a\\b', 'a%5Cb'],
  ['a query mark', 'a?b=1', 'a%3Fb%3D1'],
  ['a fragment mark', 'a#b', 'a%23b'],
  ['a percent sign (no double decoding)', '%2F', '%252F'],
  ['the gen-delims : @ [ ]', ':@[]', '%3A%40%5B%5D'],
  ['the sub-delims $ & + , ; =', '$&+,;=', '%24%26%2B%2C%3B%3D'],
  ['the sub-delims encodeURIComponent keeps', "!'()*", "!'()*"],
  ['a space and a plus', 'a b+c', 'a%20b%2Bc'],
  ['control characters', 'a\u0000\n\r\t\u007f', 'a%00%0A%0D%09%7F'],
  ['quotes and angle brackets', '"<>`{}|^', '%22%3C%3E%60%7B%7D%7C%5E'],
  ['two-byte UTF-8', 'é', '%C3%A9'],
  ['three-byte UTF-8', '€', '%E2%82%AC'],
  ['four-byte UTF-8 (an astral character)', '😀', '%F0%9F%98%80'],
  ['dots inside a value', 'a..b', 'a..b'],
  ['an int64 id', '9223372036854775807', '9223372036854775807']
]

t.test('createPathBuilder ...should percent-encode every character class of a path parameter into exactly one segment', async t => {
  for (const [what, value, segment] of SEGMENTS) {
    const path = v2(operations.getClient, { clientId: value })
    t.equal(path, `/api/client/get/${segment}`, what)
    const url = new URL(path, 'http://upstream.invalid')
    t.equal(url.pathname, path, `${what}: no URL normalisation changes it`)
    t.equal(url.search + url.hash, '', `${what}: no query or fragment`)
    t.equal(decodeURIComponent(url.pathname.split('/').at(-1)!), value, `${what}: decodes back to the value`)
  }
})

t.test('createPathBuilder ...should encode the v3 service id and put it after /api', async t => {
  t.equal(v3(operations.getClient, { clientId: '1' }), '/base/api/715948317/client/get/1')
  const odd = createPathBuilder({ basePath: '', apiVersion: 'v3', serviceId: '7/../x' })
  t.equal(odd(operations.listClients), '/api/7%2F..%2Fx/client/get/list')
})

t.test('createPathBuilder ...should fill each parameter into its own segment of the operation', async t => {
  t.equal(v2(operations.updateLockFlag, { clientIdentifier: 'a/b' }), '/api/client/lock_flag/update/a%2Fb')
  t.equal(v2(operations.getGrantedScopes, { clientId: '7' }, { subject: 'a b&c=d' }), '/api/client/granted_scopes/get/7?subject=a+b%26c%3Dd')
})

t.test('createPathBuilder ...should send only the operation\'s query names, skipping the undefined ones', async t => {
  t.equal(v2(operations.listClients, {}, { developer: 'x&y', start: 0, end: 20, subject: 'ignored' }), '/api/client/get/list?developer=x%26y&start=0&end=20')
  t.equal(v2(operations.listClients, {}, { start: 5 }), '/api/client/get/list?start=5')
  t.equal(v2(operations.listClients), '/api/client/get/list', 'no query at all: no question mark')
  t.equal(v2(operations.getClient, { clientId: '1' }, { developer: 'x' }), '/api/client/get/1', 'an operation without query names takes none')
})

t.test('createPathBuilder ...should refuse a missing or empty path parameter rather than call a shorter path', async t => {
  t.throws(() => v2(operations.getClient, {}), /missing upstream path parameter clientId/)
  t.throws(() => v2(operations.getClient, { clientId: '' }), /missing upstream path parameter clientId/)
})

t.test('createPathBuilder ...should refuse a dot segment, which URL normalisation would collapse however it is encoded', async t => {
  for (const value of ['.', '..']) {
    t.throws(() => v2(operations.getClient, { clientId: value }), /cannot be the dot segment/, value)
  }
})
