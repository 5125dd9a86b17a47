import { useEffect, useRef, useState } from 'preact/hooks'
import { call } from './api.ts'
import { signal } from './signal.ts'

/** When the server last answered this tab: each answer extends the session (give or take the touch slack). */
export const lastAnswerAt = signal(Date.now())

// The server extends a session when it is used, but writes that down at most every tenth of the idle
// timeout (at most a minute): the session may end that much earlier than the last answer suggests.
const touchSlackSeconds = (idleSeconds: number) => Math.min(60, idleSeconds / 10)
// Warned this long before the earliest possible end: long enough to come back to the tab and click.
const warningSeconds = (idleSeconds: number) => Math.min(120, idleSeconds / 4)

/**
 * Before SESSION_IDLE_TIMEOUT (GET /auth/session's idleTimeoutSeconds) ends the session, a warning
 * offers to stay signed in; once the session must have ended, one GET /auth/session confirms it,
 * and its 401 takes the console to the sign-in page like any other (the edit on screen is kept).
 */
export function IdleWarning ({ idleSeconds }: { idleSeconds: number }) {
  const last = lastAnswerAt.use()
  const [now, setNow] = useState(Date.now())
  const stay = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const timer = setInterval(() => { setNow(Date.now()) }, 1000)
    return () => { clearInterval(timer) }
  }, [])
  const earliestEnd = last + (idleSeconds - touchSlackSeconds(idleSeconds)) * 1000
  const latestEnd = last + idleSeconds * 1000
  const warn = now >= earliestEnd - warningSeconds(idleSeconds) * 1000
  const ended = now > latestEnd + 1000
  useEffect(() => {
    if (ended) call('GET', '/auth/session').catch(() => {})
  }, [ended])
  useEffect(() => {
    if (warn && !ended) stay.current?.focus()
  }, [warn, ended])
  if (!warn || ended) return null
  const seconds = Math.max(0, Math.ceil((earliestEnd - now) / 1000))
  return (
    <div class='idle-warning' role='alertdialog' aria-labelledby='idle-title' aria-describedby='idle-text'>
      <p id='idle-title'><strong>Still there?</strong></p>
      <p id='idle-text'>{seconds > 0 ? `You will be signed out in about ${seconds} seconds because the console has not been used.` : 'You may have been signed out because the console has not been used.'} Unsaved changes stay in this tab.</p>
      <button ref={stay} type='button' class='primary' onClick={() => { call('GET', '/auth/session').catch(() => {}) }}>Stay signed in</button>
    </div>
  )
}
