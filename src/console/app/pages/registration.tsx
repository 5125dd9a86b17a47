import { useState } from 'preact/hooks'
import { ApiError, call, explain, isObject } from '../api.ts'
import { permission } from '../permissions.ts'
import { identity } from '../session.ts'
import { ErrorMessage, Notice, TextField } from '../ui.tsx'

/**
 * RFC 7592 client update with the client's registration access token. The token goes into the one
 * request and is cleared at once: it is never kept, in memory past the request or anywhere else.
 */
export function Registration () {
  const who = identity.use()!
  const allowed = permission(who, 'registration.update')
  const [clientId, setClientId] = useState('')
  const [token, setToken] = useState('')
  const [metadata, setMetadata] = useState('{\n  "client_name": ""\n}')
  const [error, setError] = useState<string>()
  const [answer, setAnswer] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    setError(undefined)
    setAnswer(undefined)
    let parsed: unknown
    try {
      parsed = JSON.parse(metadata)
    } catch (problem) {
      setError(`The metadata is not JSON: ${(problem as Error).message}.`)
      return
    }
    if (!isObject(parsed)) {
      setError('The metadata must be a JSON object of RFC 7591 client metadata, such as {"client_name": "My app"}.')
      return
    }
    const registrationAccessToken = token
    setToken('')
    try {
      // A wrong token is the RFC 7592 endpoint's own 401 (an OAuth error), not an ended session.
      const { data } = await call<Record<string, unknown>>('PUT', `/api/clients/${clientId.trim()}/registration`, {
        body: { registrationAccessToken, metadata: parsed },
        quietUnauthenticated: body => isObject(body) && typeof body.error === 'string'
      })
      const { registration_access_token: _hidden, client_secret: _secret, ...shown } = data
      setAnswer(JSON.stringify(shown, null, 2))
    } catch (failure) {
      if (failure instanceof ApiError && isObject(failure.problem) && typeof (failure.problem as Record<string, unknown>).error_description === 'string') {
        setError(`Could not update the registration: ${String((failure.problem as Record<string, unknown>).error_description).replace(/\.$/, '')}.`)
      } else setError(explain('Could not update the registration', failure))
    }
  }
  return (
    <>
      <h1>Registration update (RFC 7592)</h1>
      {!allowed.allowed
        ? <p class='reason' role='status'>{allowed.reason}</p>
        : (
          <form class='panel' aria-label='Update a dynamically registered client' onSubmit={submit}>
            <TextField label='Client ID' name='clientId' value={clientId} onInput={setClientId} required inputMode='numeric' />
            <TextField label='Registration access token' name='registrationAccessToken' type='password' autoComplete='off' value={token} onInput={setToken} required hint='Used for this one request, then cleared; never stored.' />
            <div class='field'>
              <label for='metadata'>Client metadata (JSON)</label>
              <textarea id='metadata' name='metadata' rows={8} value={metadata} onInput={event => { setMetadata(event.currentTarget.value) }} />
            </div>
            <ErrorMessage text={error} />
            <button type='submit' class='primary'>Update the registration</button>
          </form>
          )}
      {answer !== undefined && <><Notice text='The registration was updated.' /><pre tabIndex={0} aria-label='The registration as the server answered it (without secrets)'>{answer}</pre></>}
    </>
  )
}
