import { useState } from 'preact/hooks'
import { call, explain, get, query } from '../api.ts'
import { useConfirm } from '../confirm.tsx'
import { permission } from '../permissions.ts'
import { identity, teamsMode, type Identity, type Role } from '../session.ts'
import { ErrorMessage, formatTime, Notice, OneTimeSecret, Show, TextField, useLoad } from '../ui.tsx'
import { TokenTable, type Token } from '../token-table.tsx'

interface Session { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, login: string, issuer?: string, current: boolean }

export function Access () {
  const who = identity.use()!
  return (
    <>
      <h1>Access</h1>
      <Tokens who={who} />
      {permission(who, 'sessions.manage').allowed && <Sessions />}
    </>
  )
}

function Tokens ({ who }: { who: Identity }) {
  const [loaded, reload] = useLoad('your API tokens', async () => (await get<{ tokens: Token[] }>('/auth/tokens')).data.tokens, [])
  const [name, setName] = useState('')
  const [days, setDays] = useState('30')
  const [roles, setRoles] = useState<Role[]>(['viewer'])
  // ACCESS_MODEL=teams: a token acts for some of the creator's teams (all of them unless narrowed).
  const [teams, setTeams] = useState<string[]>(who.teams ?? [])
  const [created, setCreated] = useState<Token & { token: string }>()
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const create = async (event: Event) => {
    event.preventDefault()
    setError(undefined)
    try {
      const { data } = await call<Token & { token: string }>('POST', '/auth/tokens', { body: { name, roles, expiresInDays: Number(days), ...(teamsMode(who) ? { teams } : {}) } })
      setCreated(data)
      setName('')
      reload()
    } catch (failure) {
      setError(explain('Could not create the token', failure))
    }
  }
  const revoke = async (token: Token) => {
    setError(undefined)
    try {
      await call('DELETE', `/auth/tokens/${encodeURIComponent(token.id)}`)
      setNotice(`Revoked the token ${token.name}.`)
      if (created?.id === token.id) setCreated(undefined)
      reload()
    } catch (failure) {
      setError(explain('Could not revoke the token', failure))
    }
  }
  const [ask, dialog] = useConfirm()
  const ownRoles = (['viewer', 'editor', 'admin'] as Role[]).filter(role => who.roles.includes(role) || (role !== 'admin' && who.roles.includes('admin')) || (role === 'viewer' && who.roles.includes('editor')))
  return (
    <section aria-labelledby='tokens-title'>
      <h2 id='tokens-title'>Your API tokens</h2>
      <p>For scripts: send a token as <code>Authorization: Bearer …</code>. It acts as you, with the roles{teamsMode(who) ? ' and teams' : ''} you give it.</p>
      <form class='panel' aria-label='Create an API token' onSubmit={create}>
        <TextField label='Name' name='tokenName' value={name} onInput={setName} required />
        <TextField label='Expires in (days)' name='expiresInDays' inputMode='numeric' value={days} onInput={setDays} required />
        <fieldset class='field choices'>
          <legend>Roles</legend>
          {ownRoles.map(role => (
            <label key={role} class='choice'>
              <input type='checkbox' name='roles' value={role} checked={roles.includes(role)} onChange={() => { setRoles(roles.includes(role) ? roles.filter(held => held !== role) : [...roles, role]) }} />
              {role}
            </label>
          ))}
        </fieldset>
        {teamsMode(who) && (
          <fieldset class='field choices'>
            <legend>Teams</legend>
            {who.teams!.map(team => (
              <label key={team} class='choice'>
                <input type='checkbox' name='teams' value={team} checked={teams.includes(team)} onChange={() => { setTeams(teams.includes(team) ? teams.filter(held => held !== team) : [...teams, team]) }} />
                {team === '*' ? '* (every team)' : team}
              </label>
            ))}
          </fieldset>
        )}
        <button type='submit' class='primary'>Create the token</button>
      </form>
      <ErrorMessage text={error} />
      <Notice text={notice} />
      {created !== undefined && <OneTimeSecret label={`API token ${created.name}`} value={created.token} />}
      <Show loaded={loaded} what='your API tokens'>
        {tokens => tokens.length === 0
          ? <p class='empty'>You have no API token.</p>
          : (
            <TokenTable tokens={tokens} caption='Your tokens (their values are never shown again)' teams={teamsMode(who)} onRevoke={token => { ask({ title: `Revoke the API token ${token.name}?`, consequence: `Scripts using ${token.name} are refused from now on; a revoked token cannot be brought back.`, action: 'Revoke the token' }, () => revoke(token)) }} />
            )}
      </Show>
      {dialog}
    </section>
  )
}

function Sessions () {
  const [username, setUsername] = useState('')
  const [shown, setShown] = useState<string>()
  const [sessions, setSessions] = useState<Session[]>()
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [ask, dialog] = useConfirm()
  const look = async (event?: Event) => {
    event?.preventDefault()
    setError(undefined)
    try {
      const wanted = username.trim()
      setSessions((await get<{ sessions: Session[] }>(`/auth/sessions${query({ username: wanted })}`)).data.sessions)
      setShown(wanted)
    } catch (failure) {
      setError(explain('Could not list the sessions', failure))
    }
  }
  const endAll = async () => {
    setError(undefined)
    try {
      const { data } = await call<{ revoked: number }>('DELETE', `/auth/sessions${query({ username: shown })}`)
      setNotice(`Ended ${data.revoked} session(s) of ${shown}.`)
      setSessions([])
    } catch (failure) {
      setError(explain('Could not end the sessions', failure))
    }
  }
  return (
    <section aria-labelledby='sessions-title'>
      <h2 id='sessions-title'>A user's sessions</h2>
      <form class='toolbar' aria-label="Look up a user's sessions" onSubmit={look}>
        <TextField label='Username' name='sessionUser' value={username} onInput={setUsername} required />
        <button type='submit'>Show sessions</button>
      </form>
      <ErrorMessage text={error} />
      <Notice text={notice} />
      {sessions !== undefined && shown !== undefined && (
        sessions.length === 0
          ? <p class='empty'>{shown} has no session.</p>
          : (
            <>
              <ul class='cards'>
                {sessions.map(session => (
                  <li key={session.id} class='card'>
                    <p><strong>{session.login}</strong> session{session.current && ' (this one)'}{session.issuer !== undefined && ` from ${session.issuer}`}</p>
                    <p>Started {formatTime(session.createdAt)}, last seen {formatTime(session.lastSeenAt)}, ends {formatTime(session.expiresAt)}</p>
                  </li>
                ))}
              </ul>
              <button type='button' class='danger' onClick={() => { ask({ title: `End every session of ${shown}?`, consequence: `${shown} is signed out everywhere at once and must sign in again; edits they have not saved are lost.`, action: 'End the sessions' }, endAll) }}>End all sessions of {shown}</button>
            </>
            )
      )}
      {dialog}
    </section>
  )
}
