import type { Test } from 'tap'

/**
 * Date.now running on from now, moved ahead by `advance`; the real one is back at the test's end.
 * `frozen`: Date.now stands still but for `advance`, for a boundary to the millisecond.
 */
export function fakeClock (t: Test, { frozen = false } = {}): { advance: (ms: number) => void } {
  const realNow = Date.now
  const start = realNow()
  let offset = 0
  Date.now = () => (frozen ? start : realNow()) + offset
  t.teardown(() => { Date.now = realNow })
  return { advance: ms => { offset += ms } }
}
