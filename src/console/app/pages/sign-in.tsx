import { useState } from 'preact/hooks'
import { ApiError, call, explain } from '../api.ts'
import type { Identity } from '../session.ts'
import { ErrorMessage, Notice, TextField } from '../ui.tsx'

interface Props {
  reason: 'start' | 'signed-out' | 'ended'
  returnTo: string
  sso: boolean
  onSignedIn: (answer: Identity & { csrfToken: string }) => void
}

const REASONS = {
  start: undefined,
  'signed-out': 'Signed out.',
  ended: 'Your session has ended. Sign in again to go back to the page you were on.'
}

export function SignIn ({ reason, returnTo, sso, onSignedIn }: Props) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const { data } = await call<Identity & { csrfToken: string }>('POST', '/auth/login', { body: { username, password }, quietUnauthenticated: true })
      setPassword('')
      onSignedIn(data)
    } catch (failure) {
      setError(signInError(failure))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id='main' class='sign-in' tabIndex={-1}>
      <h1>Sign in to the console</h1>
      <Notice text={REASONS[reason]} />
      <form id='login-form' onSubmit={submit} aria-describedby={error === undefined ? undefined : 'sign-in-error'}>
        <TextField label='Username' name='username' value={username} onInput={setUsername} autoComplete='username' required />
        <TextField label='Password' name='password' type='password' value={password} onInput={setPassword} autoComplete='current-password' required />
        <div id='sign-in-error'><ErrorMessage text={error} /></div>
        <button type='submit' disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      {sso && <p><a class='button' href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>Sign in with SSO</a></p>}
    </main>
  )
}

function signInError (failure: unknown): string {
  if (!(failure instanceof ApiError)) return explain('Could not sign in', failure)
  if (failure.status === 401) return 'Wrong username or password. Check both and try again.'
  if (failure.status === 429) {
    const wait = failure.retryAfter ?? 60
    return `Too many sign-in attempts. Wait ${waitText(wait)} before trying again. (${failure.problem.detail ?? ''})`
  }
  return explain('Could not sign in', failure)
}

function waitText (seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}
