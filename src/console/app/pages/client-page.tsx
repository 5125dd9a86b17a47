import { useState } from 'preact/hooks'
import { call, explain, get, neverSent } from '../api.ts'
import type { Client } from '../clients.ts'
import { flash, takeFlash } from '../flash.ts'
import { grouped, labelOf } from '../groups.ts'
import { permission } from '../permissions.ts'
import { complianceOf } from '../policy.ts'
import { ComplianceBadge } from '../policy-findings.tsx'
import { CompliancePanel } from './compliance.tsx'
import { navigate } from '../router.ts'
import { identity, type Identity } from '../session.ts'
import { useConfirm } from '../confirm.tsx'
import { Value } from '../property-values.tsx'
import { loadClientInput, type JsonSchema } from '../schema.ts'
import { ActionButton, ErrorMessage, Link, Notice, OneTimeSecret, Show, TextField, useLoad } from '../ui.tsx'
import { ClientTabs } from './client-tabs.tsx'

export function ClientPage ({ clientId }: { clientId: string }) {
  const who = identity.use()!
  const [notice, setNotice] = useState(takeFlash)
  // The form schema describes the properties a client may have: those it lacks show as not set.
  const [loaded, reload] = useLoad('the client', async () => {
    const [{ data }, schema] = await Promise.all([get<Client>(`/api/clients/${clientId}`), loadClientInput()])
    return { client: data, schema }
  }, [clientId])
  const [compliance, reloadCompliance] = useLoad("the client's compliance", async () => await complianceOf(clientId), [clientId])
  return (
    <Show loaded={loaded} what='the client'>
      {({ client, schema }) => (
        <>
          <div class='title-row'>
            <h1>{client.clientName ?? `Client ${clientId}`}</h1>
            {client.locked === true && <span class='badge locked'>Locked</span>}
            {compliance.state === 'done' && <a href='#compliance-title' class='badge-link'><ComplianceBadge compliance={compliance.value} /></a>}
          </div>
          <p class='subtitle'>Client ID <code>{String(client.clientId)}</code>{client.clientIdAlias !== undefined && <> · alias <code>{client.clientIdAlias}</code>{client.clientIdAliasEnabled !== true && ' (disabled)'}</>}</p>
          <Notice text={notice} />
          <Actions who={who} client={client} clientId={clientId} onChanged={message => { setNotice(message); reload(); reloadCompliance() }} />
          <Show loaded={compliance} what="the client's compliance">
            {value => <CompliancePanel who={who} client={client} clientId={clientId} compliance={value} onChanged={reloadCompliance} />}
          </Show>
          <ClientTabs client={client} clientId={clientId} onRestored={message => { setNotice(message); reload(); reloadCompliance() }}><Properties client={client} schema={schema} /></ClientTabs>
        </>
      )}
    </Show>
  )
}

function Properties ({ client, schema }: { client: Client, schema: JsonSchema }) {
  const [secretShown, setSecretShown] = useState(false)
  const described = schema.properties ?? {}
  const names = [...new Set([...Object.keys(client), ...Object.keys(described)])]
  return (
    <>
      {grouped(names).map(([title, members]) => (
        <section key={title} class='group' aria-labelledby={`group-${slug(title)}`}>
          <h2 id={`group-${slug(title)}`}>{title}</h2>
          <dl>
            {members.map(name => (
              <div key={name} class={name === 'extension' ? 'property wide' : 'property'}>
                <dt>{labelOf(name)}</dt>
                <dd data-property={name}>
                  {name === 'clientSecret'
                    ? <><code>{secretShown ? String(client[name]) : '•'.repeat(16)}</code> <button type='button' aria-pressed={secretShown} onClick={() => { setSecretShown(!secretShown) }}>{secretShown ? 'Hide' : 'Reveal'}</button></>
                    : <Value name={name} value={client[name]} schema={described[name]} />}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <details class='raw'>
        <summary>Raw JSON</summary>
        <pre tabIndex={0} aria-label='The client as the API answered it'>{JSON.stringify({ ...client, ...('clientSecret' in client ? { clientSecret: '(hidden: reveal it under Credentials)' } : {}) }, null, 2)}</pre>
      </details>
    </>
  )
}

function Actions ({ who, client, clientId, onChanged }: { who: Identity, client: Client, clientId: string, onChanged: (message: string) => void }) {
  const [error, setError] = useState<{ text: string, retry?: () => void }>()
  const [settingSecret, setSettingSecret] = useState(false)
  const [newSecret, setNewSecret] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [ask, dialog] = useConfirm()
  const locked = client.locked === true
  const name = client.clientName ?? `client ${clientId}`
  const run = async (what: string, action: () => Promise<string>): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      onChanged(await action())
    } catch (failure) {
      // Offered again only when the change certainly never reached Authlete.
      setError({ text: explain(`Could not ${what}`, failure), retry: neverSent(failure) ? () => { run(what, action).catch(() => {}) } : undefined })
    } finally {
      setBusy(false)
    }
  }
  const setLock = (lock: boolean) => run(lock ? 'lock the client' : 'unlock the client', async () => {
    await call('PUT', `/api/clients/${clientId}/lock`, { body: { locked: lock } })
    return lock ? 'Locked: the client cannot get tokens until it is unlocked.' : 'Unlocked: the client can get tokens again.'
  })
  // Locking is the safe direction (undone by unlocking); unlocking lets the client get tokens again at once.
  const lock = () => {
    if (!locked) return setLock(true)
    ask({ title: `Unlock ${name}?`, consequence: `${name} can get tokens again the moment it is unlocked, with its current secret and keys.`, action: 'Unlock' }, () => setLock(false))
  }
  const refresh = () => {
    ask({ title: `Refresh the secret of ${name}?`, consequence: refreshConsequence(name), action: 'Refresh the secret' }, () => run('refresh the secret', async () => {
      const { data } = await call<{ newClientSecret: string }>('POST', `/api/clients/${clientId}/secret/refresh`)
      setNewSecret(data.newClientSecret)
      return 'A new secret was generated; the old one no longer works.'
    }))
  }
  const remove = () => {
    ask({
      title: `Delete ${name}?`,
      consequence: `Deleting cannot be undone: ${name} (${clientId}) is gone from Authlete and every token it holds stops working at once.`,
      action: 'Delete this client',
      typeToConfirm: { label: `Type the client's name, ${client.clientName ?? clientId}, to confirm`, value: client.clientName ?? clientId }
    }, async () => {
      try {
        await call('DELETE', `/api/clients/${clientId}`)
        flash.set(`Deleted the client ${client.clientName ?? clientId} (${clientId}).`)
        navigate('/clients')
      } catch (failure) {
        setError({ text: explain('Could not delete the client', failure) })
      }
    })
  }
  const edit = permission(who, 'client.edit', client)
  return (
    <section class='actions' aria-label='Actions'>
      <div class='buttons'>
        {edit.allowed ? <Link class='button primary' href={`/clients/${clientId}/edit`}>Edit</Link> : <ActionButton permission={edit}>Edit</ActionButton>}
        <ActionButton permission={permission(who, 'client.lock', client)} onClick={lock} disabled={busy}>{locked ? 'Unlock' : 'Lock'}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={refresh} disabled={busy}>Refresh secret</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={() => { setSettingSecret(!settingSecret) }} aria-expanded={settingSecret}>Set secret…</ActionButton>
        <ActionButton permission={permission(who, 'client.delete', client)} class='danger' onClick={remove}>Delete…</ActionButton>
        <Link class='button' href={`/end-users?clientId=${clientId}`}>End users</Link>
        {permission(who, 'audit.read').allowed && <Link class='button' href={`/audit?clientId=${clientId}`}>Audit</Link>}
      </div>
      <ErrorMessage text={error?.text} onRetry={error?.retry} />
      {newSecret !== undefined && <OneTimeSecret label='New client secret' value={newSecret} />}
      {settingSecret && <SetSecret name={name} clientId={clientId} ask={ask} onDone={message => { setSettingSecret(false); onChanged(message) }} />}
      {dialog}
    </section>
  )
}

// Authlete's refresh answers the new secret and the old one, and keeps only the new: it documents no
// period in which both are accepted.
const refreshConsequence = (name: string) => `Authlete replaces the secret at once: applications of ${name} still sending the old one are refused until they are given the new one, shown here once.`

function SetSecret ({ name, clientId, ask, onDone }: { name: string, clientId: string, ask: ReturnType<typeof useConfirm>[0], onDone: (message: string) => void }) {
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<string>()
  const submit = (event: Event) => {
    event.preventDefault()
    ask({ title: `Replace the secret of ${name}?`, consequence: `The secret you typed replaces the current one at once: applications of ${name} still sending the old one are refused until they use the new one.`, action: 'Replace the secret' }, async () => {
      try {
        await call('PUT', `/api/clients/${clientId}/secret`, { body: { clientSecret: secret } })
        setSecret('')
        onDone('The secret was set; the old one no longer works.')
      } catch (failure) {
        setError(explain('Could not set the secret', failure))
      }
    })
  }
  return (
    <form class='panel' aria-label='Set the client secret' onSubmit={submit}>
      <TextField label='New secret' name='clientSecret' type='password' autoComplete='new-password' value={secret} onInput={setSecret} required hint='32 to 86 characters: letters, digits, _ and -.' />
      <ErrorMessage text={error} />
      <button type='submit' class='primary'>Set the secret</button>
    </form>
  )
}

function slug (title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}
