import { useState } from 'preact/hooks'
import { call, explain, get } from '../api.ts'
import { ACTION_TEXT, approvalPath, approvalRules, pendingRequest, ruleFor, type ChangeRequest } from '../approvals.ts'
import { ReasonField, reasonHeader, ruleText } from '../approval-parts.tsx'
import type { Client } from '../clients.ts'
import { flash, takeFlash } from '../flash.ts'
import { grouped, labelOf } from '../groups.ts'
import { permission } from '../permissions.ts'
import { navigate } from '../router.ts'
import { identity, teamsMode, type Identity } from '../session.ts'
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

type Panel = 'secret' | 'delete' | 'lock' | 'refresh' | undefined

/** The gated actions of the client page (docs/approvals.md) and the rule's names for them. */
const GATED = { lock: 'client.lock', refresh: 'client.secret.refresh', secret: 'client.secret.update', delete: 'client.delete' } as const

function Actions ({ who, client, clientId, onChanged }: { who: Identity, client: Client, clientId: string, onChanged: (message: string) => void }) {
  const [error, setError] = useState<string>()
  const [panel, setPanel] = useState<Panel>()
  const [newSecret, setNewSecret] = useState<string>()
  const [pending, setPending] = useState<ChangeRequest>()
  const [busy, setBusy] = useState(false)
  const [rules] = useLoad('the approval rules', approvalRules, [])
  const gate = (panel: keyof typeof GATED) => rules.state === 'done' ? ruleFor(rules.value, client.developer, GATED[panel]) : undefined
  /** What a gated action waits for, as a sentence; undefined: made at once. */
  const needs = (panel: keyof typeof GATED) => { const rule = gate(panel); return rule === undefined ? undefined : ruleText(rule, teamsMode(who) ? client.developer : undefined) }
  const locked = client.locked === true
  const run = async (what: string, action: (headers: Record<string, string>) => Promise<string | undefined>, reason = '') => {
    setBusy(true)
    setError(undefined)
    try {
      const message = await action(reasonHeader(reason))
      setPanel(undefined)
      if (message !== undefined) onChanged(message)
    } catch (failure) {
      setError(explain(`Could not ${what}`, failure))
    } finally {
      setBusy(false)
    }
  }
  /** A gated write answers 202 with a change request: nothing changed yet, the page says so. */
  const asked = (answer: Parameters<typeof pendingRequest>[0]): boolean => {
    const request = pendingRequest(answer)
    setPending(request)
    return request !== undefined
  }
  const lock = (reason?: string) => run(locked ? 'unlock the client' : 'lock the client', async headers => {
    if (asked(await call('PUT', `/api/clients/${clientId}/lock`, { body: { locked: !locked }, headers }))) return undefined
    return locked ? 'Unlocked: the client can get tokens again.' : 'Locked: the client cannot get tokens until it is unlocked.'
  }, reason)
  const refresh = (reason?: string) => run('refresh the secret', async headers => {
    const answer = await call<{ newClientSecret: string }>('POST', `/api/clients/${clientId}/secret/refresh`, { headers })
    if (asked(answer)) return undefined
    setNewSecret(answer.data.newClientSecret)
    return 'A new secret was generated; the old one no longer works.'
  }, reason)
  const toggle = (next: Panel) => { setPanel(panel === next ? undefined : next) }
  const edit = permission(who, 'client.edit', client)
  const gatedNames = (['lock', 'refresh', 'secret', 'delete'] as const).filter(name => gate(name) !== undefined).map(name => ACTION_TEXT[GATED[name]]!)
  return (
    <section class='actions' aria-label='Actions'>
      <div class='buttons'>
        {edit.allowed ? <Link class='button primary' href={`/clients/${clientId}/edit`}>Edit</Link> : <ActionButton permission={edit}>Edit</ActionButton>}
        <ActionButton permission={permission(who, 'client.lock', client)} onClick={() => { if (gate('lock') === undefined) lock().catch(() => {}); else toggle('lock') }} disabled={busy}>{locked ? 'Unlock' : 'Lock'}{gate('lock') !== undefined && '…'}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={() => { if (gate('refresh') === undefined) refresh().catch(() => {}); else toggle('refresh') }} disabled={busy}>Refresh secret{gate('refresh') !== undefined && '…'}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={() => { toggle('secret') }} aria-expanded={panel === 'secret'}>Set secret…</ActionButton>
        <ActionButton permission={permission(who, 'client.delete', client)} class='danger' onClick={() => { toggle('delete') }} aria-expanded={panel === 'delete'}>Delete…</ActionButton>
        <Link class='button' href={`/end-users?clientId=${clientId}`}>End users</Link>
        {permission(who, 'audit.read').allowed && <Link class='button' href={`/audit?clientId=${clientId}`}>Audit</Link>}
      </div>
      {gatedNames.length > 0 && <p class='approval-note' id='approval-note'>Asks for approval first: {gatedNames.join(', ')}. The change is made only when another person approves it.</p>}
      <ErrorMessage text={error} />
      {pending !== undefined && <PendingApproval request={pending} />}
      {newSecret !== undefined && <OneTimeSecret label='New client secret' value={newSecret} />}
      {panel === 'lock' && <AskApproval needs={needs('lock')!} what={locked ? 'Unlocking the client' : 'Locking the client'} action={locked ? 'Ask to unlock' : 'Ask to lock'} busy={busy} onSubmit={reason => { lock(reason).catch(() => {}) }} />}
      {panel === 'refresh' && <AskApproval needs={needs('refresh')!} what='Refreshing the secret' action='Ask to refresh the secret' busy={busy} onSubmit={reason => { refresh(reason).catch(() => {}) }} />}
      {panel === 'secret' && <SetSecret clientId={clientId} needs={needs('secret')} onPending={setPending} onDone={message => { setPanel(undefined); onChanged(message) }} />}
      {panel === 'delete' && <DeleteClient client={client} clientId={clientId} needs={needs('delete')} onPending={request => { setPanel(undefined); setPending(request) }} />}
    </section>
  )
}

/** Before a gated write: what will happen, and the reason the approvers will read (X-Change-Reason). */
function AskApproval ({ needs, what, action, busy, onSubmit }: { needs: string, what: string, action: string, busy: boolean, onSubmit: (reason: string) => void }) {
  const [reason, setReason] = useState('')
  return (
    <form class='panel' aria-label={action} onSubmit={event => { event.preventDefault(); onSubmit(reason.trim()) }}>
      <p>{what} asks for approval: {needs}. Nothing changes until then.</p>
      <ReasonField value={reason} onInput={setReason} />
      <button type='submit' class='primary' disabled={busy}>{action}</button>
    </form>
  )
}

/** After a 202: the change is not made, it waits; never a claim that it was done. */
function PendingApproval ({ request }: { request: ChangeRequest }) {
  return (
    <p class='message notice pending-approval' role='status'>
      Pending approval: {ACTION_TEXT[request.action] ?? request.action} was not made yet; it waits for {request.quorum} approval{request.quorum === 1 ? '' : 's'}
      {' '}(expires {formatTime(request.expiresAt)}). <Link href={approvalPath(request.id)}>See the change request</Link>.
    </p>
  )
}

interface GatedPanelProps { clientId: string, needs: string | undefined, onPending: (request: ChangeRequest) => void }

function SetSecret ({ clientId, needs, onPending, onDone }: GatedPanelProps & { onDone: (message: string) => void }) {
  const [secret, setSecret] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      const answer = await call('PUT', `/api/clients/${clientId}/secret`, { body: { clientSecret: secret }, headers: reasonHeader(reason) })
      setSecret('')
      const request = pendingRequest(answer)
      if (request !== undefined) onPending(request)
      else onDone('The secret was set; the old one no longer works.')
    } catch (failure) {
      setError(explain('Could not set the secret', failure))
    }
  }
  return (
    <form class='panel' aria-label='Set the client secret' onSubmit={submit}>
      <TextField label='New secret' name='clientSecret' type='password' autoComplete='new-password' value={secret} onInput={setSecret} required hint='32 to 86 characters: letters, digits, _ and -.' />
      {needs !== undefined && <><p>Setting the secret asks for approval: {needs}.</p><ReasonField value={reason} onInput={setReason} /></>}
      <ErrorMessage text={error} />
      <button type='submit' class='primary'>{needs === undefined ? 'Set the secret' : 'Ask to set the secret'}</button>
    </form>
  )
}

function DeleteClient ({ client, clientId, needs, onPending }: GatedPanelProps & { client: Client }) {
  const name = client.clientName ?? clientId
  const [typed, setTyped] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const submit = async (event: Event) => {
    event.preventDefault()
    if (typed !== name) return
    try {
      const request = pendingRequest(await call('DELETE', `/api/clients/${clientId}`, { headers: reasonHeader(reason) }))
      if (request !== undefined) {
        onPending(request)
        return
      }
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
      {needs !== undefined && <><p>Deleting asks for approval: {needs}. The client stays until then.</p><ReasonField value={reason} onInput={setReason} /></>}
      <ErrorMessage text={error} />
      <button type='submit' class='danger' disabled={typed !== name}>{needs === undefined ? 'Delete this client' : 'Ask to delete this client'}</button>
    </form>
  )
}

function slug (title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-')
}
