import t from 'tap'
import { createMemoryTokenStore } from '../../src/auth/tokens/memory-token-store.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'
import { tokenRecord, tokenStoreContract } from './token-store-contract.ts'

// The memory store on a clock that stands still: expiries to the millisecond.

tokenStoreContract(t, async t => {
  const clock = frozenClock(t)
  return { store: createMemoryTokenStore(), elapse: async ms => { clock.advance(ms) } }
})

t.test('get, listByUser and create ...should take a token as expired from its expiresAt on, not a millisecond before', async t => {
  const clock = frozenClock(t)
  const store = createMemoryTokenStore()
  const record = tokenRecord({ expiresAt: clock.now() + 1000 })
  await store.create(record, 1)
  clock.advance(999)
  t.strictSame(await store.get(record.id), record)
  t.same(await store.listByUser({ source: 'local', username: 'alice' }), [record])
  t.equal(await store.create(tokenRecord(), 1), false, 'it still takes its place')
  clock.advance(1)
  t.equal(await store.get(record.id), undefined)
  t.same(await store.listByUser({ source: 'local', username: 'alice' }), [])
  t.equal(await store.create(tokenRecord(), 1), true)
})

t.test('close ...should forget every token', async t => {
  const store = createMemoryTokenStore()
  const record = tokenRecord()
  await store.create(record, 1)
  await store.close()
  t.equal(await store.get(record.id), undefined)
})
