import { useEffect, useState } from 'preact/hooks'
import { explain, query } from '../api.ts'
import { clientPath, developerLabel, listClients, resolveClient } from '../clients.ts'
import { permission } from '../permissions.ts'
import { navigate, searchParams, location } from '../router.ts'
import { hasRole, identity, inEveryTeam, teamsMode } from '../session.ts'
import { TeamFilter } from '../team-filter.tsx'
import { ErrorMessage, Link, Notice, Pager, Show, TextField, useLoad } from '../ui.tsx'
import { takeFlash } from '../flash.ts'

const PAGE_SIZES = [10, 20, 50, 100]

export function ClientsList () {
  location.use()
  const who = identity.use()!
  const params = searchParams()
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0)
  const limit = PAGE_SIZES.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : 20
  const developer = params.get('developer') ?? ''
  const [loaded] = useLoad('the clients', () => listClients({ offset, limit, developer: developer || undefined }), [offset, limit, developer])
  const [filter, setFilter] = useState(developer)
  useEffect(() => { setFilter(developer) }, [developer])
  const [jump, setJump] = useState('')
  const [jumpError, setJumpError] = useState<string>()
  const [notice] = useState(takeFlash)
  const go = (next: { offset?: number, limit?: number, developer?: string }) => {
    const merged = { offset, limit, developer, ...next }
    navigate(`/clients${query({ offset: merged.offset || undefined, limit: merged.limit === 20 ? undefined : merged.limit, developer: merged.developer || undefined })}`)
  }
  const jumpTo = async (event: Event) => {
    event.preventDefault()
    setJumpError(undefined)
    const wanted = jump.trim()
    try {
      const clientId = await resolveClient(wanted)
      if (clientId === undefined) setJumpError(`No client has the ID or the enabled alias "${wanted}".`)
      else navigate(clientPath(clientId))
    } catch (error) {
      setJumpError(explain('Could not look the client up', error))
    }
  }
  const create = permission(who, 'client.create')
  const label = developerLabel(who)

  return (
    <>
      <div class='title-row'>
        <h1>Clients</h1>
        {create.allowed ? <Link class='button primary' href='/clients/new'>New client</Link> : <small class='reason'>Creating clients: {create.reason}</small>}
      </div>
      {hasRole(who, 'admin') && <p class='aside'><Link href='/clients/deleted'>Deleted clients</Link>: restore one as a new client.</p>}
      <div class='toolbar'>
        <form role='search' aria-label='Jump to a client' onSubmit={jumpTo}>
          <TextField label='Client ID or alias' name='jump' value={jump} onInput={setJump} required />
          <button type='submit'>Open</button>
        </form>
        <form aria-label='Filter the clients' onSubmit={event => { event.preventDefault(); go({ developer: filter.trim(), offset: 0 }) }}>
          <TeamFilter who={who} name='developer' value={filter} onInput={setFilter} />
          <button type='submit'>Filter</button>
          {developer !== '' && <button type='button' onClick={() => { setFilter(''); go({ developer: '', offset: 0 }) }}>Clear</button>}
        </form>
        <div class='field'>
          <label for='page-size'>Per page</label>
          <select id='page-size' value={String(limit)} onChange={event => { go({ limit: Number(event.currentTarget.value), offset: 0 }) }}>
            {PAGE_SIZES.map(size => <option key={size} value={String(size)}>{size}</option>)}
          </select>
        </div>
      </div>
      <Notice text={notice} />
      <ErrorMessage text={jumpError} />
      <Show loaded={loaded} what='the clients'>
        {page => page.clients.length === 0
          ? <p class='empty'>{developer === '' ? 'No clients yet.' : `No client has the ${label.toLowerCase()} "${developer}".`} {create.allowed && <Link href='/clients/new'>Create one</Link>}</p>
          : (
            <>
              <div class='table-wrap'>
                <table class='clients'>
                  <caption>{developer !== '' ? `Clients of ${label.toLowerCase()} ${developer}` : teamsMode(who) && !inEveryTeam(who) ? 'The clients of your teams' : 'All clients'}, {page.total} in all</caption>
                  <thead><tr><th scope='col'>ID</th><th scope='col'>Name</th><th scope='col'>Alias</th><th scope='col'>Type</th><th scope='col'>{label}</th><th scope='col'>Locked</th></tr></thead>
                  <tbody>
                    {page.clients.map(client => (
                      <tr key={String(client.clientId)} data-client-id={String(client.clientId)}>
                        <td data-label='ID'><Link href={clientPath(client.clientId)}>{String(client.clientId)}</Link></td>
                        <td data-label='Name'>{client.clientName ?? <em>unnamed</em>}</td>
                        <td data-label='Alias'>{client.clientIdAlias ?? ''}</td>
                        <td data-label='Type'>{client.clientType ?? ''}</td>
                        <td data-label={label}>{client.developer ?? ''}</td>
                        <td data-label='Locked'>{client.locked === true ? 'Locked' : 'No'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager offset={offset} limit={limit} total={page.total} onPage={next => { go({ offset: next }) }} />
            </>
            )}
      </Show>
    </>
  )
}
