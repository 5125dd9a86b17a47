import { useEffect, useState } from 'preact/hooks'
import { get, query } from './api.ts'
import { clientPath, developerLabel } from './clients.ts'
import type { Identity } from './session.ts'
import type { ComponentChildren } from 'preact'
import { Link, Notice, Pager, Show, TextField, useLoad, type Loaded } from './ui.tsx'

interface Hit { clientId: number | string, clientName?: string, clientIdAlias?: string, developer?: string, redirectUriHosts: string[], matchedIn: string[] }
interface SearchPage { clients: Hit[], total: number, index: { ageSeconds: number | null, complete: boolean, clients: number } }

const FIELD_NAMES: Record<string, string> = { clientName: 'name', clientIdAlias: 'alias', clientId: 'ID', developer: 'developer', redirectUriHosts: 'redirect URI host' }

/** The one search box of the client list: name, alias, ID, developer (team) or redirect URI host. */
export function ClientSearchBox ({ q, onSearch }: { q: string, onSearch: (q: string) => void }) {
  const [text, setText] = useState(q)
  useEffect(() => { setText(q) }, [q])
  return (
    <form class='search-box' role='search' aria-label='Search the clients' onSubmit={event => { event.preventDefault(); onSearch(text.trim()) }}>
      <TextField label='Search clients' name='q' value={text} onInput={setText} hint='Name, alias, ID, developer or redirect URI host' />
      <button type='submit'>Search</button>
      {q !== '' && <button type='button' onClick={() => { setText(''); onSearch('') }}>Clear search</button>}
    </form>
  )
}

/** A page of search results (GET /api/clients?q=), with how old the server's index is. */
export function ClientSearchResults ({ who, q, developer, offset, limit, onPage }: { who: Identity, q: string, developer: string, offset: number, limit: number, onPage: (offset: number) => void }) {
  const [loaded] = useLoad('the search results', async () => (await get<SearchPage>(`/api/clients${query({ q, developer: developer || undefined, offset, limit })}`)).data, [q, developer, offset, limit])
  const label = developerLabel(who)
  return (
    <Show loaded={loaded} what='the search results'>
      {page => (
        <>
          <Notice text={indexNote(page.index)} />
          {page.clients.length === 0
            ? <p class='empty'>No client matches "{q}".</p>
            : (
              <>
                <div class='table-wrap'>
                  <table class='clients search-results'>
                    <caption>Clients matching "{q}", {page.total} in all</caption>
                    <thead><tr><th scope='col'>ID</th><th scope='col'>Name</th><th scope='col'>Alias</th><th scope='col'>{label}</th><th scope='col'>Redirect URI hosts</th><th scope='col'>Matched in</th></tr></thead>
                    <tbody>
                      {page.clients.map(client => (
                        <tr key={String(client.clientId)} data-client-id={String(client.clientId)}>
                          <td data-label='ID'><Link href={clientPath(client.clientId)}>{String(client.clientId)}</Link></td>
                          <td data-label='Name'>{client.clientName ?? <em>unnamed</em>}</td>
                          <td data-label='Alias'>{client.clientIdAlias ?? ''}</td>
                          <td data-label={label}>{client.developer ?? ''}</td>
                          <td data-label='Redirect URI hosts'>{client.redirectUriHosts.join(', ')}</td>
                          <td data-label='Matched in'>{client.matchedIn.map(field => FIELD_NAMES[field] ?? field).join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager offset={offset} limit={limit} total={page.total} onPage={onPage} />
              </>
              )}
        </>
      )}
    </Show>
  )
}

function indexNote ({ ageSeconds, complete, clients }: SearchPage['index']): string {
  if (!complete) return `The search index is still being filled (${clients} clients so far): a client not found may still exist.`
  if (ageSeconds === null || ageSeconds < 60) return 'Searched the index of every client (changes made here show at once; others within minutes).'
  return `Searched the index of every client, last read in full ${Math.round(ageSeconds / 60)} minute(s) ago (changes made here show at once).`
}

/** The list as it is without a search; nothing while a search's results stand in its place. */
export function ListUnlessSearching<T> ({ q, loaded, what, children }: { q: string, loaded: Loaded<T>, what: string, children: (value: T) => ComponentChildren }) {
  if (q !== '') return null
  return <Show loaded={loaded} what={what}>{children}</Show>
}
