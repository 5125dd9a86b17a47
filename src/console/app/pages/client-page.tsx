import { useState } from 'preact/hooks'
import { call, explain, get } from '../api.ts'
import type { Client } from '../clients.ts'
import { flash, takeFlash } from '../flash.ts'
import { grouped, labelOf } from '../groups.ts'
import { permission } from '../permissions.ts'
import { navigate } from '../router.ts'
import { identity, type Identity } from '../session.ts'
import { ClientTabs } from './client-tabs.tsx'
import { ActionButton, ErrorMessage, formatTime, Link, Notice, OneTimeSecret, Show, TextField, useLoad } from '../ui.tsx'

const TIMES = new Set(['createdAt', 'modifiedAt', 'trustChainExpiresAt', 'trustChainUpdatedAt'])

export function ClientPage ({ clientId }: { clientId: string }) {
  const who = identity.use()!
  const [notice, setNotice] = useState(takeFlash)
  const [loaded, reload] = useLoad('the client', async () => (await get<Client>(`/api/clients/${clientId}`)).data, [clientId])
  return (
    <Show loaded={loaded} what='the client'>
      {client => (
        <>
          <div class='title-row'>
            <h1>{client.clientName ?? `Client ${clientId}`}</h1>
            {client.locked === true && <span class='badge locked'>Locked</span>}
          </div>
          <p class='subtitle'>Client ID <code>{String(client.clientId)}</code>{client.clientIdAlias !== undefined && <> · alias <code>{client.clientIdAlias}</code>{client.clientIdAliasEnabled !== true && ' (disabled)'}</>}</p>
          <Notice text={notice} />
          <Actions who={who} client={client} clientId={clientId} onChanged={message => { setNotice(message); reload() }} />
          <ClientTabs client={client} clientId={clientId} onRestored={message => { setNotice(message); reload() }}><Properties client={client} /></ClientTabs>
        </>
      )}
    </Show>
  )
}

function Properties ({ client }: { client: Client }) {
  const [secretShown, setSecretShown] = useState(false)
  const names = Object.keys(client)
  return (
    <>
      {grouped(names).map(([title, members]) => (
        <section key={title} class='group' aria-labelledby={`group-${slug(title)}`}>
          <h2 id={`group-${slug(title)}`}>{title}</h2>
          <dl>
            {members.map(name => (
              <div key={name} class='property'>
                <dt>{labelOf(name)}</dt>
                <dd data-property={name}>
                  {name === 'clientSecret'
                    ? <><code>{secretShown ? String(client[name]) : '•'.repeat(16)}</code> <button type='button' aria-pressed={secretShown} onClick={() => { setSecretShown(!secretShown) }}>{secretShown ? 'Hide' : 'Reveal'}</button></>
                    : <Value name={name} value={client[name]} />}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <details class='raw'>
        <summary>Raw JSON</summary>
        <pre tabIndex={0} aria-label='The client as the API answered it'>{JSON.stringify({ ...client, ...('clientSecret' in client ? { clientSecret: '(hidden: reveal it under Authentication)' } : {}) }, null, 2)}</pre>
      </details>
    </>
  )
}

function Value ({ name, value }: { name: string, value: unknown }) {
  if (value === undefined || value === null || value === '') return <span class='unset'>not set</span>
  if (TIMES.has(name) && typeof value === 'number') return <>{formatTime(value)}</>
  if (typeof value === 'boolean') return <>{value ? 'Yes' : 'No'}</>
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class='unset'>none</span>
    return <ul class='values'>{value.map((item, index) => <li key={index}>{typeof item === 'object' ? Object.values(item as object).join(' = ') : String(item)}</li>)}</ul>
  }
  if (typeof value === 'object') return <pre>{JSON.stringify(value, null, 2)}</pre>
  return <>{String(value)}</>
}

type Panel = 'secret' | 'delete' | undefined

function Actions ({ who, client, clientId, onChanged }: { who: Identity, client: Client, clientId: string, onChanged: (message: string) => void }) {
  const [error, setError] = useState<string>()
  const [panel, setPanel] = useState<Panel>()
  const [newSecret, setNewSecret] = useState<string>()
  const [busy, setBusy] = useState(false)
  const locked = client.locked === true
  const run = async (what: string, action: () => Promise<string>) => {
    setBusy(true)
    setError(undefined)
    try {
      onChanged(await action())
    } catch (failure) {
      setError(explain(`Could not ${what}`, failure))
    } finally {
      setBusy(false)
    }
  }
  const lock = () => run(locked ? 'unlock the client' : 'lock the client', async () => {
    await call('PUT', `/api/clients/${clientId}/lock`, { body: { locked: !locked } })
    return locked ? 'Unlocked: the client can get tokens again.' : 'Locked: the client cannot get tokens until it is unlocked.'
  })
  const refresh = () => run('refresh the secret', async () => {
    const { data } = await call<{ newClientSecret: string }>('POST', `/api/clients/${clientId}/secret/refresh`)
    setNewSecret(data.newClientSecret)
    return 'A new secret was generated; the old one no longer works.'
  })
  const edit = permission(who, 'client.edit', client)
  return (
    <section class='actions' aria-label='Actions'>
      <div class='buttons'>
        {edit.allowed ? <Link class='button primary' href={`/clients/${clientId}/edit`}>Edit</Link> : <ActionButton permission={edit}>Edit</ActionButton>}
        <ActionButton permission={permission(who, 'client.lock', client)} onClick={lock} disabled={busy}>{locked ? 'Unlock' : 'Lock'}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={refresh} disabled={busy}>Refresh secret</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={() => { setPanel(panel === 'secret' ? undefined : 'secret') }} aria-expanded={panel === 'secret'}>Set secret…</ActionButton>
        <ActionButton permission={permission(who, 'client.delete', client)} class='danger' onClick={() => { setPanel(panel === 'delete' ? undefined : 'delete') }} aria-expanded={panel === 'delete'}>Delete…</ActionButton>
        <Link class='button' href={`/end-users?clientId=${clientId}`}>End users</Link>
        {permission(who, 'audit.read').allowed && <Link class='button' href={`/audit?clientId=${clientId}`}>Audit</Link>}
      </div>
      <ErrorMessage text={error} />
      {newSecret !== undefined && <OneTimeSecret label='New client secret' value={newSecret} />}
      {panel === 'secret' && <SetSecret clientId={clientId} onDone={message => { setPanel(undefined); onChanged(message) }} />}
      {panel === 'delete' && <DeleteClient client={client} clientId={clientId} />}
    </section>
  )
}

function SetSecret ({ clientId, onDone }: { clientId: string, onDone: (message: string) => void }) {
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      await call('PUT', `/api/clients/${clientId}/secret`, { body: { clientSecret: secret } })
      setSecret('')
      onDone('The secret was set; the old one no longer works.')
    } catch (failure) {
      setError(explain('Could not set the secret', failure))
    }
  }
  return (
    <form class='panel' aria-label='Set the client secret' onSubmit={submit}>
      <TextField label='New secret' name='clientSecret' type='password' autoComplete='new-password' value={secret} onInput={setSecret} required hint='32 to 86 characters: letters, digits, _ and -.' />
      <ErrorMessage text={error} />
      <button type='submit' class='primary'>Set the secret</button>
    </form>
  )
}

function DeleteClient ({ client, clientId }: { client: Client, clientId: string }) {
  const name = client.clientName ?? clientId
  const [typed, setTyped] = useState('')
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    if (typed !== name) return
    try {
      await call('DELETE', `/api/clients/${clientId}`)
      flash.set(`Deleted the client ${name} (${clientId}).`)
      navigate('/clients')
    } catch (failure) {
      setError(explain('Could not delete the client', failure))
    }
  }
  return (
    <form class='panel danger-zone' aria-label='Delete the client' onSubmit={submit}>
      <p>Deleting cannot be undone: the client's tokens stop working at once.</p>
      <TextField label={`Type the client's name, ${name}, to confirm`} name='confirmName' value={typed} onInput={setTyped} autoComplete='off' />
      <ErrorMessage text={error} />
      <button type='submit' class='danger' disabled={typed !== name}>Delete this client</button>
    </form>
  )
}

function slug (title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}
