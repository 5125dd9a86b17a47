import t from 'tap'
import { createMemoryLoginFailureStore } from '../../src/auth/login-failures/memory-login-failure-store.ts'
import { frozenClock } from '../helpers/frozen-clock.ts'

// Apart from memory-login-failure-store.test.ts: filling the store takes a second or two, which only the
// bound on usernames needs.

const WINDOWS = { pairMs: 60_000, userMs: 900_000 }
const key = (username: string) => ({ username, address: '192.0.2.1', device: false })

t.test('add ...should keep 100000 usernames, forgetting the least recently failed first', async t => {
  frozenClock(t)
  const store = createMemoryLoginFailureStore()
  for (let i = 0; i < 100_000; i++) await store.add(key(`u${i}`), WINDOWS)
  t.match(await store.add(key('u0'), WINDOWS), { user: 2 }, 'all 100000 kept; u0 is now the most recent')
  await store.add(key('u100000'), WINDOWS)
  t.match(await store.add(key('u0'), WINDOWS), { user: 3 }, 'the 100001st username pushed out the oldest one, not u0')
  t.equal(await store.clearUser('u1'), 0, 'u1 was forgotten')
  t.equal(await store.clearUser('u2'), 1)
})
