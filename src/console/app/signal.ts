import { useEffect, useState } from 'preact/hooks'

export interface Signal<T> { get: () => T, set: (value: T) => void, use: () => T }

/** A value shared by the pages; components re-render when it changes. */
export function signal<T> (initial: T): Signal<T> {
  let value = initial
  const listeners = new Set<(value: T) => void>()
  return {
    get: () => value,
    set: next => {
      value = next
      for (const listener of listeners) listener(next)
    },
    use: () => {
      const [current, setCurrent] = useState(value)
      useEffect(() => {
        listeners.add(setCurrent)
        setCurrent(value)
        return () => { listeners.delete(setCurrent) }
      }, [])
      return current
    }
  }
}
