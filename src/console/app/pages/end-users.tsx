import { useEffect, useState } from 'preact/hooks'
import { call, explain, get, query } from '../api.ts'
import { clientPath, type Client } from '../clients.ts'
import { useConfirm } from '../confirm.tsx'
import { ClientSubjects } from './client-subjects.tsx'
import { permission } from '../permissions.ts'
import { location, navigate, searchParams } from '../router.ts'
import { identity } from '../session.ts'
import { ActionButton, ErrorMessage, Link, Notice, Pager, Show, TextField, useLoad } from '../ui.tsx'

interface AuthorizedPage { subject: string, clients: Client[], total: number, offset: number, limit: number }
interface GrantedScopes { latestGrantedScopes?: string[] | null, mergedGrantedScopes?: string[] | null }

const LIMIT = 20

/** An end-user (subject): the clients they authorized, their granted scopes, and changes to both. */
export function EndUsers () {
  location.use()
  const params = searchParams()
  const subject = params.get('subject') ?? ''
  const offset = Number(params.get('offset') ?? 0) || 0
  // Opened from a client's page: the client is kept in the address while looking up its users.
  const clientId = params.get('clientId') ?? undefined
  const [typed, setTyped] = useState(subject)
  useEffect(() => { setTyped(subject) }, [subject])
  return (
    <>
      <h1>End users</h1>
      {clientId !== undefined && <ClientSubjects clientId={clientId} />}
      <form role='search' aria-label='Look up an end user' class='toolbar' onSubmit={event => { event.preventDefault(); navigate(`/end-users${query({ clientId, subject: typed.trim() })}`) }}>
        <TextField label='Subject' name='subject' value={typed} onInput={setTyped} required hint="The end user's subject, as the authorization server knows it." />
        <button type='submit'>Look up</button>
      </form>
      {subject !== '' && <Authorized key={`${subject}/${offset}`} subject={subject} offset={offset} clientId={clientId} />}
    </>
  )
}

function Authorized ({ subject, offset, clientId }: { subject: string, offset: number, clientId: string | undefined }) {
  const [loaded, reload] = useLoad('the authorized clients', async () => (await get<AuthorizedPage>(`/api/subjects/${encodeURIComponent(subject)}/clients${query({ offset, limit: LIMIT })}`)).data, [subject, offset])
  const [notice, setNotice] = useState<string>()
  return (
    <section aria-labelledby='authorized-title'>
      <h2 id='authorized-title'>Clients {subject} authorized</h2>
      <Notice text={notice} />
      <Show loaded={loaded} what='the authorized clients'>
        {page => page.clients.length === 0
          ? <p class='empty'>{subject} has authorized no client.</p>
          : (
            <>
              <ul class='cards'>
                {page.clients.map(client => <AuthorizedClient key={String(client.clientId)} client={client} subject={subject} onChanged={message => { setNotice(message); reload() }} />)}
              </ul>
              <Pager offset={offset} limit={LIMIT} total={page.total} onPage={next => { navigate(`/end-users${query({ clientId, subject, offset: next || undefined })}`) }} />
            </>
            )}
      </Show>
    </section>
  )
}

function AuthorizedClient ({ client, subject, onChanged }: { client: Client, subject: string, onChanged: (message: string) => void }) {
  const who = identity.use()!
  const clientId = String(client.clientId)
  const base = `/api/clients/${clientId}`
  const user = encodeURIComponent(subject)
  const [scopes] = useLoad('the granted scopes', async () => (await get<GrantedScopes>(`${base}/granted-scopes/${user}`)).data, [clientId, subject])
  const [editing, setEditing] = useState(false)
  const [newScopes, setNewScopes] = useState('')
  const [error, setError] = useState<string>()
  const change = permission(who, 'authorization.change', client)
  const name = client.clientName ?? clientId
  const [ask, dialog] = useConfirm()
  const run = async (what: string, method: string, path: string, body?: unknown) => {
    setError(undefined)
    try {
      const { data } = await call<{ resultMessage?: string }>(method, path, { body })
      setEditing(false)
      onChanged(`${what}: ${data?.resultMessage ?? 'done.'}`)
    } catch (failure) {
      setError(explain(`Could not ${what.toLowerCase()}`, failure))
    }
  }
  return (
    <li class='card' data-client-id={clientId}>
      <h3><Link href={clientPath(clientId)}>{client.clientName ?? clientId}</Link> <small>{clientId}</small></h3>
      <Show loaded={scopes} what='the granted scopes'>
        {granted => (
          <dl>
            <div class='property'><dt>Latest granted scopes</dt><dd>{(granted.latestGrantedScopes ?? []).join(' ') || 'none'}</dd></div>
            <div class='property'><dt>All granted scopes</dt><dd>{(granted.mergedGrantedScopes ?? []).join(' ') || 'none'}</dd></div>
          </dl>
        )}
      </Show>
      <div class='buttons'>
        <ActionButton permission={change} onClick={() => { setEditing(!editing) }} aria-expanded={editing}>Change token scopes…</ActionButton>
        <ActionButton permission={change} onClick={() => { ask({ title: `Revoke the tokens of ${subject} for ${name}?`, consequence: `Every access and refresh token ${name} holds for ${subject} stops working at once; ${subject} must authorize ${name} again.`, action: 'Revoke the tokens' }, () => run('Revoke the tokens', 'DELETE', `${base}/authorizations/${user}`)) }}>Revoke tokens</ActionButton>
        <ActionButton permission={change} onClick={() => { ask({ title: `Forget the scopes ${subject} granted ${name}?`, consequence: `This cannot be undone: Authlete forgets what ${subject} consented to, so ${name} must ask for consent again.`, action: 'Forget the scopes' }, () => run('Forget the granted scopes', 'DELETE', `${base}/granted-scopes/${user}`)) }}>Forget granted scopes</ActionButton>
      </div>
      {dialog}
      {editing && (
        <form class='panel' aria-label={`Token scopes for ${client.clientName ?? clientId}`} onSubmit={event => { event.preventDefault(); run('Change the token scopes', 'PUT', `${base}/authorizations/${user}`, { scopes: newScopes.split(/\s+/).filter(Boolean) }) }}>
          <TextField label='Scopes of the tokens' name='scopes' value={newScopes} onInput={setNewScopes} hint='Separated by spaces; empty: no scope.' />
          <button type='submit' class='primary'>Change the scopes</button>
        </form>
      )}
      <ErrorMessage text={error} />
    </li>
  )
}
