import { useState } from 'preact/hooks'
import { call, explain, get, query } from '../api.ts'
import { useConfirm } from '../confirm.tsx'
import { permission } from '../permissions.ts'
import { identity, teamsMode, type Identity, type Role } from '../session.ts'
import { ErrorMessage, formatTime, Link, Notice, Pager, Show, useLoad } from '../ui.tsx'
import { location, navigate, searchParams } from '../router.ts'
import { TokenTable, type Token } from '../token-table.tsx'

interface LocalUser { username: string, roles: Role[], teams?: string[] }
interface UsersPage { users: LocalUser[], total: number }
interface Session { id: string, createdAt: string, lastSeenAt: string, expiresAt: string, login: string, current: boolean }

const PAGE = 50

/** The users file's users (read only: the file is changed with `authlete-bff users`), for admins. */
export function Users () {
  location.use()
  const who = identity.use()!
  const allowed = permission(who, 'sessions.manage')
  if (!allowed.allowed) return <><h1>Users</h1><p class='reason' role='status'>{allowed.reason}</p></>
  return <UserList who={who} />
}

function UserList ({ who }: { who: Identity }) {
  const offset = Math.max(0, Number(searchParams().get('offset') ?? 0) || 0)
  const [loaded] = useLoad('the users', async () => (await get<UsersPage>(`/api/users${query({ offset, limit: PAGE })}`)).data, [offset])
  return (
    <>
      <h1>Users</h1>
      <p>The local users of the users file{teamsMode(who) ? ' that you may manage' : ''}, as the server has them now. This page only reads them: change them with <code>authlete-bff users</code>.</p>
      <Show loaded={loaded} what='the users'>
        {page => page.users.length === 0
          ? <p class='empty'>No local user.</p>
          : (
            <>
              <div class='table-wrap'>
                <table class='users'>
                  <caption>Local users, {page.total} in all</caption>
                  <thead><tr><th scope='col'>Username</th><th scope='col'>Roles</th>{teamsMode(who) && <th scope='col'>Teams</th>}</tr></thead>
                  <tbody>
                    {page.users.map(user => (
                      <tr key={user.username} data-username={user.username}>
                        <td data-label='Username'><Link href={`/users/${encodeURIComponent(user.username)}`}>{user.username}</Link></td>
                        <td data-label='Roles'>{user.roles.join(', ')}</td>
                        {teamsMode(who) && <td data-label='Teams'>{(user.teams ?? []).join(', ') || 'none'}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager offset={offset} limit={PAGE} total={page.total} onPage={next => { navigate(`/users${query({ offset: next || undefined })}`) }} />
            </>
            )}
      </Show>
    </>
  )
}

/** One user: their live sessions and unexpired API tokens, with the existing end-sessions and revoke actions. */
export function UserDetail ({ params }: { params: string[] }) {
  const who = identity.use()!
  const username = decodeURIComponent(params[0]!)
  const allowed = permission(who, 'sessions.manage')
  if (!allowed.allowed) return <><h1>User {username}</h1><p class='reason' role='status'>{allowed.reason}</p></>
  return (
    <>
      <p><Link href='/users'>All users</Link></p>
      <h1>User {username}</h1>
      <UserSessions who={who} username={username} />
      <UserTokens username={username} teams={teamsMode(who)} />
    </>
  )
}

function UserSessions ({ who, username }: { who: Identity, username: string }) {
  const [loaded, reload] = useLoad(`the sessions of ${username}`, async () => (await get<{ sessions: Session[] }>(`/auth/sessions${query({ username })}`)).data.sessions, [username])
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [ask, dialog] = useConfirm()
  const endAll = async () => {
    setError(undefined)
    try {
      const { data } = await call<{ revoked: number }>('DELETE', `/auth/sessions${query({ username })}`)
      setNotice(`Ended ${data.revoked} session(s) of ${username}.`)
      reload()
    } catch (failure) {
      setError(explain('Could not end the sessions', failure))
    }
  }
  return (
    <section aria-labelledby='user-sessions-title'>
      <h2 id='user-sessions-title'>Sessions</h2>
      <ErrorMessage text={error} />
      <Notice text={notice} />
      <Show loaded={loaded} what='the sessions'>
        {sessions => sessions.length === 0
          ? <p class='empty'>{username} has no session.</p>
          : (
            <>
              <ul class='cards'>
                {sessions.map(session => (
                  <li key={session.id} class='card' data-session-id={session.id}>
                    <p><strong>{session.login}</strong> session{session.current && ' (this one)'}</p>
                    <p>Started {formatTime(session.createdAt)}, last seen {formatTime(session.lastSeenAt)}, ends {formatTime(session.expiresAt)}</p>
                  </li>
                ))}
              </ul>
              <button type='button' class='danger' onClick={() => { ask({ title: `End every session of ${username}?`, consequence: `${username} is signed out everywhere at once and must sign in again; edits they have not saved are lost.`, action: 'End the sessions' }, endAll) }}>End all sessions of {username}{username === who.username ? ' (you too)' : ''}</button>
            </>
            )}
      </Show>
      {dialog}
    </section>
  )
}

function UserTokens ({ username, teams }: { username: string, teams: boolean }) {
  const [loaded, reload] = useLoad(`the API tokens of ${username}`, async () => (await get<{ tokens: Token[] }>(`/auth/tokens${query({ username, limit: 200 })}`)).data.tokens, [username])
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [ask, dialog] = useConfirm()
  const revoke = async (token: Token) => {
    setError(undefined)
    try {
      await call('DELETE', `/auth/tokens/${encodeURIComponent(token.id)}`)
      setNotice(`Revoked the token ${token.name} of ${username}.`)
      reload()
    } catch (failure) {
      setError(explain('Could not revoke the token', failure))
    }
  }
  return (
    <section aria-labelledby='user-tokens-title'>
      <h2 id='user-tokens-title'>API tokens</h2>
      <ErrorMessage text={error} />
      <Notice text={notice} />
      <Show loaded={loaded} what='the API tokens'>
        {tokens => tokens.length === 0
          ? <p class='empty'>{username} has no API token.</p>
          : (
            <TokenTable tokens={tokens} caption={`API tokens of ${username} (their values are never shown)`} teams={teams} onRevoke={token => { ask({ title: `Revoke the API token ${token.name} of ${username}?`, consequence: `Scripts using ${token.name} are refused from now on; a revoked token cannot be brought back.`, action: 'Revoke the token' }, () => revoke(token)) }} />
            )}
      </Show>
      {dialog}
    </section>
  )
}
