import { createHash, createHmac } from 'node:crypto'
import t from 'tap'
import { createClientEtag, ifMatchAccepts } from '../../src/clients/etag.ts'

const SECRET = 'session secret of the replicas'
const ANSWER = Buffer.from('{"clientId":1}')

t.test('createClientEtag ...should make a strong tag of 27 base64url characters: SHA-256 of a key derived from the server secret, then the answer', async t => {
  const key = createHmac('sha256', SECRET).update('authlete-bff client etag').digest()
  const expected = `"${createHash('sha256').update(key).update(ANSWER).digest('base64url').slice(0, 27)}"`
  const tag = createClientEtag(SECRET)(ANSWER)
  t.equal(tag, expected)
  // Pinned: replicas of two versions (a rolling update) must agree on a client's tag.
  t.equal(tag, '"6FZM0oXqwfdVscuyc7OsjopLyJp"')
  t.equal(createClientEtag(SECRET)(Buffer.alloc(0)), '"381cvw_DQreuDg53ASe26AIVwo8"', 'an empty answer too')
  t.match(tag, /^"[A-Za-z0-9_-]{27}"$/)
})

t.test('createClientEtag ...should give the same tag for the same answer and secret, and another for any other answer or secret', async t => {
  const tag = createClientEtag(SECRET)
  t.equal(tag(Buffer.from(ANSWER)), tag(ANSWER), 'replicas sharing the secret agree')
  t.not(tag(Buffer.from('{"clientId":2}')), tag(ANSWER), 'any change to the answer')
  t.not(createClientEtag('another secret')(ANSWER), tag(ANSWER), 'a tag nobody can compute without the key')
  const unkeyed = `"${createHash('sha256').update(ANSWER).digest('base64url').slice(0, 27)}"`
  t.not(tag(ANSWER), unkeyed, 'not a plain hash of the answer')
})

t.test('ifMatchAccepts ...should accept any state without If-Match, and * or a list holding the tag with it', async t => {
  const etag = '"abc"'
  t.equal(ifMatchAccepts(undefined, etag), true, 'no precondition')
  t.equal(ifMatchAccepts('*', etag), true)
  t.equal(ifMatchAccepts('"abc"', etag), true)
  t.equal(ifMatchAccepts('"old", "abc"', etag), true, 'one of a list, spaces trimmed')
  t.equal(ifMatchAccepts('  "abc"  ,"old"', etag), true)
  t.equal(ifMatchAccepts('"old",*', etag), true, '* in a list')
})

t.test('ifMatchAccepts ...should refuse another tag, a weak tag, an unquoted tag, a part of a tag and an empty header', async t => {
  const etag = '"abc"'
  t.equal(ifMatchAccepts('"old"', etag), false)
  t.equal(ifMatchAccepts('"old", "older"', etag), false)
  t.equal(ifMatchAccepts('W/"abc"', etag), false, 'weak tags never match')
  t.equal(ifMatchAccepts('abc', etag), false)
  t.equal(ifMatchAccepts('"ab"', etag), false)
  t.equal(ifMatchAccepts('"abc""', etag), false)
  t.equal(ifMatchAccepts('', etag), false)
})
