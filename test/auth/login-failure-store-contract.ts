import type { Test } from 'tap'
import type { LoginFailureStore, LoginKey } from '../../src/auth/login-failures/login-failure-store.ts'

// What every LoginFailureStore does (src/auth/login-failures/login-failure-store.ts), run on each
// implementation by its own file: memory-login-failure-store.test.ts, redis-login-failure-store.test.ts.

export interface LoginStoreUnderTest {
  store: LoginFailureStore
  /** Lets `ms` pass for the store's windows: a fake clock's move, or real time for a real server. */
  elapse: (ms: number) => Promise<void>
}

// Long windows where counts are checked: none can end while a test runs on a loaded machine.
const WINDOWS = { pairMs: 60_000, userMs: 900_000 }
// How much of a long window a slow machine may spend between a call and the check of what it answered.
const SLACK_MS = 10_000

const key = (username: string, address: string, device = false): LoginKey => ({ username, address, device })

export function loginFailureStoreContract (t: Test, open: (t: Test) => Promise<LoginStoreUnderTest>): void {
  t.test('add ...should count a first failure on both counters, each with its full window to run', async t => {
    const { store } = await open(t)
    const counts = await store.add(key('alice', '192.0.2.1'), WINDOWS)
    t.match(counts, { pair: 1, user: 1 })
    t.ok(counts.pairResetMs <= WINDOWS.pairMs && counts.pairResetMs > WINDOWS.pairMs - SLACK_MS, `pairResetMs ${counts.pairResetMs}`)
    t.ok(counts.userResetMs <= WINDOWS.userMs && counts.userResetMs > WINDOWS.userMs - SLACK_MS, `userResetMs ${counts.userResetMs}`)
  })

  t.test('add ...should count per (username, address) and per username, apart for each username', async t => {
    const { store } = await open(t)
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 1 })
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 2, user: 2 })
    t.match(await store.add(key('alice', '192.0.2.2'), WINDOWS), { pair: 1, user: 3 }, 'another address: its own pair counter, the same username counter')
    t.match(await store.add(key('bob', '192.0.2.1'), WINDOWS), { pair: 1, user: 1 }, 'another username: counters of its own, from the same address')
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 3, user: 4 })
  })

  t.test('add ...should count a device\'s failure on its own counter only, and answer the username\'s as it stands', async t => {
    const { store } = await open(t)
    const first = await store.add(key('alice', 'device:one', true), WINDOWS)
    t.match(first, { pair: 1, user: 0, userResetMs: 0 }, 'no username counter yet: 0, and no window')
    t.ok(first.pairResetMs <= WINDOWS.pairMs && first.pairResetMs > WINDOWS.pairMs - SLACK_MS, `pairResetMs ${first.pairResetMs}`)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    const device = await store.add(key('alice', 'device:one', true), WINDOWS)
    t.match(device, { pair: 2, user: 1 }, 'the username\'s failure is shown, not added to')
    t.ok(device.userResetMs > WINDOWS.userMs - SLACK_MS && device.userResetMs <= WINDOWS.userMs, `userResetMs ${device.userResetMs}`)
    t.match(await store.add(key('alice', 'device:two', true), WINDOWS), { pair: 1, user: 1 }, 'another device: another counter')
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 2, user: 2 }, 'the address\'s and username\'s counters went on without the device\'s failures')
  })

  t.test('add ...should keep each window where its first failure set it', async t => {
    const { store, elapse } = await open(t)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await elapse(50)
    const later = await store.add(key('alice', '192.0.2.1'), WINDOWS)
    t.ok(later.pairResetMs <= WINDOWS.pairMs - 50, `pairResetMs ${later.pairResetMs}`)
    t.ok(later.userResetMs <= WINDOWS.userMs - 50, `userResetMs ${later.userResetMs}`)
  })

  t.test('add ...should start both counters again once their windows have passed, and clearUser find nothing then', async t => {
    const { store, elapse } = await open(t)
    const short = { pairMs: 60, userMs: 120 }
    await store.add(key('alice', '192.0.2.1'), short)
    await elapse(130)
    t.equal(await store.clearUser('alice'), 0, 'a counter past its window holds no failures')
    await store.add(key('alice', '192.0.2.1'), short)
    await elapse(130)
    t.match(await store.add(key('alice', '192.0.2.1'), short), { pair: 1, user: 1 })
  })

  t.test('refund ...should take one attempt back from both counters, never below zero', async t => {
    const { store } = await open(t)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.refund(key('alice', '192.0.2.1'), false)
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 2, user: 2 })
    for (let i = 0; i < 4; i++) await store.refund(key('alice', '192.0.2.1'), false)
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 1 }, 'more refunds than attempts leave both at zero')
  })

  t.test('refund ...should drop the address\'s counter on a success (clearPair), and give back one attempt only to the username\'s', async t => {
    const { store } = await open(t)
    for (let i = 0; i < 3; i++) await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', '192.0.2.2'), WINDOWS)
    await store.refund(key('alice', '192.0.2.1'), true)
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 4 })
    t.match(await store.add(key('alice', '192.0.2.2'), WINDOWS), { pair: 2, user: 5 }, 'other addresses keep theirs')
  })

  t.test('refund ...should give a device\'s attempt back to its own counter, never to the username\'s', async t => {
    const { store } = await open(t)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', 'device:one', true), WINDOWS)
    await store.add(key('alice', 'device:one', true), WINDOWS)
    await store.refund(key('alice', 'device:one', true), false)
    t.match(await store.add(key('alice', 'device:one', true), WINDOWS), { pair: 2, user: 2 })
    await store.refund(key('alice', 'device:one', true), true)
    t.match(await store.add(key('alice', 'device:one', true), WINDOWS), { pair: 1, user: 2 })
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 3, user: 3 })
  })

  t.test('refund ...should do nothing for a username or address without failures', async t => {
    const { store } = await open(t)
    await store.refund(key('nobody', '192.0.2.1'), false)
    await store.refund(key('nobody', '192.0.2.1'), true)
    t.equal(await store.clearUser('nobody'), 0)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.refund(key('alice', '192.0.2.9'), false)
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 2, user: 1 }, 'a refund from an address that never failed still gives one back to the username')
    t.match(await store.add(key('alice', '192.0.2.9'), WINDOWS), { pair: 1, user: 2 })
  })

  t.test('clearUser ...should answer the username\'s failures and drop its every counter, no other username\'s', async t => {
    const { store } = await open(t)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', '192.0.2.1'), WINDOWS)
    await store.add(key('alice', '192.0.2.2'), WINDOWS)
    await store.add(key('alice', 'device:one', true), WINDOWS)
    await store.add(key('bob', '192.0.2.1'), WINDOWS)
    t.equal(await store.clearUser('alice'), 3, 'the username counter\'s failures (a device\'s are not among them)')
    t.equal(await store.clearUser('alice'), 0, 'and none after')
    t.match(await store.add(key('alice', '192.0.2.1'), WINDOWS), { pair: 1, user: 1 })
    t.match(await store.add(key('alice', '192.0.2.2'), WINDOWS), { pair: 1, user: 2 })
    t.match(await store.add(key('alice', 'device:one', true), WINDOWS), { pair: 1, user: 2 })
    t.match(await store.add(key('bob', '192.0.2.1'), WINDOWS), { pair: 2, user: 2 }, 'bob\'s counters stay')
    t.equal(await store.clearUser('nobody'), 0)
  })
}
