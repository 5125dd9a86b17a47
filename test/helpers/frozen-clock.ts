import type { Test } from 'tap'

/**
 * Date.now standing still at the real time of the call, moved only by `advance` or `set`: for windows and
 * expiries to the millisecond (fakeClock in ./clock.ts runs on with real time). The real one is back at the test's end.
 */
export function frozenClock (t: Test): { now: () => number, advance: (ms: number) => void, set: (ms: number) => void } {
  const realNow = Date.now
  let now = realNow()
  Date.now = () => now
  t.teardown(() => { Date.now = realNow })
  return { now: () => now, advance: ms => { now += ms }, set: ms => { now = ms } }
}
