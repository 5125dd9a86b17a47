import t from 'tap'
import { createMemoryLoginFailureStore } from '../../src/auth/login-failures/memory-login-failure-store.ts'
import type { LoginKey } from '../../src/auth/login-failures/login-failure-store.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'
import { loginFailureStoreContract } from './login-failure-store-contract.ts'

// The memory store on a clock that stands still: windows to the millisecond, and the bounds on what it keeps.

loginFailureStoreContract(t, async t => {
  const clock = frozenClock(t)
  return { store: createMemoryLoginFailureStore(), elapse: async ms => { clock.advance(ms) } }
})

const WINDOWS = { pairMs: 60_000, userMs: 900_000 }
const key = (username: string, address: string, device = false): LoginKey => ({ username, address, device })

t.test('add ...should answer exactly what is left of each window, the millisecond before its end and not at it', async t => {
  const clock = frozenClock(t)
  const store = createMemoryLoginFailureStore()
  t.same(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 1, pairResetMs: 60_000, userResetMs: 900_000 })
  clock.advance(59_999)
  t.same(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 2, user: 2, pairResetMs: 1, userResetMs: 840_001 })
  clock.advance(1)
  t.same(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 3, pairResetMs: 60_000, userResetMs: 840_000 }, 'the pair window ended; the username\'s runs on')
  clock.advance(839_999)
  t.same(await store.add(key('alice', 'device:one', true), WINDOWS), { pair: 1, user: 3, pairResetMs: 60_000, userResetMs: 1 }, 'a device sees the username\'s counter to its last millisecond')
  clock.advance(1)
  t.same(await store.add(key('alice', 'device:one', true), WINDOWS), { pair: 2, user: 0, pairResetMs: 59_999, userResetMs: 0 }, 'and none from its end')
  t.equal(await store.clearUser('alice'), 0)
})

t.test('refund ...should leave alone a counter whose window has passed', async t => {
  const clock = frozenClock(t)
  const store = createMemoryLoginFailureStore()
  await store.add(key('alice', '192.0.2.1'), WINDOWS)
  await store.add(key('alice', '192.0.2.1'), WINDOWS)
  clock.advance(60_000)
  await store.refund(key('alice', '192.0.2.1'), false)
  t.same(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 2, pairResetMs: 60_000, userResetMs: 840_000 })
  t.equal(await store.clearUser('alice'), 2)
})

t.test('add ...should keep 1000 addresses per username, forgetting the least recently failed first', async t => {
  frozenClock(t)
  const store = createMemoryLoginFailureStore()
  for (let i = 0; i < 1000; i++) await store.add(key('alice', `a${i}`), WINDOWS)
  t.match(await store.add(key('alice', 'a0'), WINDOWS), { pair: 2 }, 'all 1000 kept; a0 failed again, so it is now the most recent')
  await store.add(key('alice', 'a1000'), WINDOWS)
  t.match(await store.add(key('alice', 'a0'), WINDOWS), { pair: 3 }, 'the 1001st address pushed out the oldest one, not a0')
  t.match(await store.add(key('alice', 'a1'), WINDOWS), { pair: 1 }, 'a1 was forgotten (and now pushed out a2)')
  t.match(await store.add(key('alice', 'a3'), WINDOWS), { pair: 2, user: 1005 }, 'the username\'s counter forgets nothing')
})
