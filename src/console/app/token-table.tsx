import type { Role } from './session.ts'
import { formatTime } from './ui.tsx'

export interface Token { id: string, name: string, username: string, roles: Role[], teams?: string[], createdAt: string, expiresAt: string, lastUsedAt: string | null }

/** API tokens (never their values), each with its Revoke button: the Access page's own, the Users page's of a user. */
export function TokenTable ({ tokens, caption, teams, onRevoke }: { tokens: Token[], caption: string, teams: boolean, onRevoke: (token: Token) => void }) {
  return (
    <div class='table-wrap'>
      <table class='tokens'>
        <caption>{caption}</caption>
        <thead><tr><th scope='col'>Name</th><th scope='col'>Roles</th>{teams && <th scope='col'>Teams</th>}<th scope='col'>Created</th><th scope='col'>Expires</th><th scope='col'>Last used</th><th scope='col'>Revoke</th></tr></thead>
        <tbody>
          {tokens.map(token => (
            <tr key={token.id} data-token-id={token.id}>
              <td data-label='Name'>{token.name}</td>
              <td data-label='Roles'>{token.roles.join(', ')}</td>
              {teams && <td data-label='Teams'>{(token.teams ?? []).join(', ')}</td>}
              <td data-label='Created'>{formatTime(token.createdAt)}</td>
              <td data-label='Expires'>{formatTime(token.expiresAt)}</td>
              <td data-label='Last used'>{token.lastUsedAt === null ? 'never' : formatTime(token.lastUsedAt)}</td>
              <td data-label='Revoke'><button type='button' onClick={() => { onRevoke(token) }}>Revoke<span class='visually-hidden'> {token.name}</span></button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
