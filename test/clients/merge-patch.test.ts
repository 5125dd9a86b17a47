import t from 'tap'
import { applyMergePatch } from '../../src/clients/merge-patch.ts'

// RFC 7396 §3 and appendix A: what a PATCH with application/merge-patch+json makes of a client.
t.test('applyMergePatch ...should replace a value, remove a property patched with null, and keep what the patch leaves out', async t => {
  const target = { clientName: 'Portal', description: 'old', contacts: ['a@example.com'] }
  const merged = applyMergePatch(target, { clientName: 'Portal v2', description: null }) as Record<string, unknown>
  t.strictSame(merged, { clientName: 'Portal v2', contacts: ['a@example.com'] })
  t.notOk('description' in merged, 'removed, not set to null')
  t.strictSame(target, { clientName: 'Portal', description: 'old', contacts: ['a@example.com'] }, 'the target is not changed')
})

t.test('applyMergePatch ...should merge objects recursively, null removing inside them too', async t => {
  const target = { extension: { requestableScopes: ['a'], accessTokenDuration: 60, tokenExchangePermitted: true } }
  t.strictSame(applyMergePatch(target, { extension: { accessTokenDuration: null, idTokenDuration: 30 } }),
    { extension: { requestableScopes: ['a'], tokenExchangePermitted: true, idTokenDuration: 30 } })
  t.strictSame(applyMergePatch(target, { extension: null }), {}, 'null removes a whole object')
  t.strictSame(applyMergePatch({ a: 1 }, { b: { c: { d: null, e: 2 } } }), { a: 1, b: { c: { e: 2 } } }, 'an object for an absent property is built, without its nulls')
})

t.test('applyMergePatch ...should take a patch that is not an object (an array, a string, a number, null) as the whole new value', async t => {
  t.strictSame(applyMergePatch({ a: 1 }, [1, 2]), [1, 2])
  t.strictSame(applyMergePatch({ contacts: ['a', 'b'] }, { contacts: ['c'] }), { contacts: ['c'] }, 'an array is replaced, not merged')
  t.equal(applyMergePatch({ a: 1 }, 'ab'), 'ab')
  t.equal(applyMergePatch({ a: 1 }, 3), 3)
  t.equal(applyMergePatch({ a: 1 }, null), null)
  t.equal(applyMergePatch({ a: 1 }, false), false)
})

t.test('applyMergePatch ...should start from an empty object when the target is not one (an array, a string, null, absent)', async t => {
  t.strictSame(applyMergePatch([1, 2], { a: 1 }), { a: 1 })
  t.strictSame(applyMergePatch('ab', { c: 1 }), { c: 1 })
  t.strictSame(applyMergePatch(null, { a: 1, b: null }), { a: 1 })
  t.strictSame(applyMergePatch(undefined, {}), {})
  t.strictSame(applyMergePatch({ a: { b: 1 } }, { a: 'x' }), { a: 'x' }, 'a value replaces an object')
  t.strictSame(applyMergePatch({ a: 'x' }, { a: { b: 1 } }), { a: { b: 1 } }, 'an object replaces a value')
})
