import { useEffect, useState } from 'preact/hooks'
import { formatTime } from './ui.tsx'

// An edit in progress, kept in this module's memory only (never web storage: a reload or another tab
// forgets it, as it should, and nothing of a client lands on disk), so that a session that ends under
// the user does not lose it: it is offered back on the same page after signing in again.

interface Edit { path: string, values: unknown, at: number }

/** The edit on screen now, as it changes. */
let editing: Edit | undefined
/** The edit the session ended on, until it is restored or discarded. */
let kept: Edit | undefined

/** The session ended: the edit on screen is kept for after the next sign-in. */
export function keepEditInProgress (): void {
  if (editing !== undefined) kept = editing
}

/**
 * For a form at `path` whose state is `values`: notes every change, and offers the edit a session
 * ended on back (the returned element: Restore or Discard).
 */
export function useKeptEdit<T> (path: string, values: T, changed: boolean, restore: (values: T) => void) {
  const [offered, setOffered] = useState(() => kept?.path === path ? kept : undefined)
  useEffect(() => {
    editing = changed ? { path, values, at: Date.now() } : undefined
  }, [path, values, changed])
  useEffect(() => () => { editing = undefined }, [path])
  if (offered === undefined) return null
  const close = () => {
    kept = undefined
    setOffered(undefined)
  }
  return (
    <div class='message notice kept-edit' role='group' aria-label='Unsaved changes'>
      <p>Your session ended while you were editing this form. Your changes (last one at {formatTime(offered.at)}) were kept in this tab only: they are not saved yet.</p>
      <div class='buttons'>
        <button type='button' class='primary' onClick={() => { restore(offered.values as T); close() }}>Restore my changes</button>
        <button type='button' onClick={close}>Discard them</button>
      </div>
    </div>
  )
}
