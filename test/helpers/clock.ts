import type { Test } from 'tap'

/** Date.now running on from now, moved ahead by `advance`; the real one is back at the test's end. */
export function fakeClock (t: Test): { advance: (ms: number) => void } {
  const realNow = Date.now
  let offset = 0
  Date.now = () => realNow() + offset
  t.teardown(() => { Date.now = realNow })
  return { advance: ms => { offset += ms } }
}
