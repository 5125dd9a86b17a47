import { useState } from 'preact/hooks'
import { call, explain, get, neverSent } from '../api.ts'
import { ACTION_TEXT, approvalPath, approvalRules, pendingRequest, ruleFor, type ChangeRequest } from '../approvals.ts'
import { ReasonField, reasonHeader, ruleText } from '../approval-parts.tsx'
import type { Client } from '../clients.ts'
import { flash, takeFlash } from '../flash.ts'
import { grouped, labelOf } from '../groups.ts'
import { permission } from '../permissions.ts'
import { complianceOf } from '../policy.ts'
import { ComplianceBadge } from '../policy-findings.tsx'
import { CompliancePanel } from './compliance.tsx'
import { navigate } from '../router.ts'
import { identity, teamsMode, type Identity } from '../session.ts'
import { useConfirm } from '../confirm.tsx'
import { Value } from '../property-values.tsx'
import { loadClientInput, type JsonSchema } from '../schema.ts'
import { ActionButton, ErrorMessage, formatTime, Link, Notice, OneTimeSecret, Show, TextField, useLoad } from '../ui.tsx'
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

type Panel = 'lock' | 'refresh' | 'secret' | 'delete' | undefined

/** The gated actions of the client page (docs/approvals.md) and the rule's names for them. */
const GATED = { lock: 'client.lock', refresh: 'client.secret.refresh', secret: 'client.secret.update', delete: 'client.delete' } as const
type Gated = keyof typeof GATED

// Dangerous actions ask first: in a dialog when made at once; in a panel asking for the approvers'
// reason when a rule makes them wait for approval (the change is then not made by this click).
function Actions ({ who, client, clientId, onChanged }: { who: Identity, client: Client, clientId: string, onChanged: (message: string) => void }) {
  const [error, setError] = useState<{ text: string, retry?: () => void }>()
  const [panel, setPanel] = useState<Panel>()
  const [newSecret, setNewSecret] = useState<string>()
  const [pending, setPending] = useState<ChangeRequest>()
  const [busy, setBusy] = useState(false)
  const [ask, dialog] = useConfirm()
  const [rules] = useLoad('the approval rules', approvalRules, [])
  const gate = (action: Gated) => rules.state === 'done' ? ruleFor(rules.value, client.developer, GATED[action]) : undefined
  /** What a gated action waits for, as a sentence; undefined: made at once. */
  const needs = (action: Gated) => { const rule = gate(action); return rule === undefined ? undefined : ruleText(rule, teamsMode(who) ? client.developer : undefined) }
  const locked = client.locked === true
  const name = client.clientName ?? `client ${clientId}`
  const run = async (what: string, action: (headers: Record<string, string>) => Promise<string | undefined>, reason = ''): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      const message = await action(reasonHeader(reason))
      setPanel(undefined)
      if (message !== undefined) onChanged(message)
    } catch (failure) {
      // Offered again only when the change certainly never reached Authlete.
      setError({ text: explain(`Could not ${what}`, failure), retry: neverSent(failure) ? () => { run(what, action, reason).catch(() => {}) } : undefined })
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
  const setLock = (lock: boolean, reason?: string) => run(lock ? 'lock the client' : 'unlock the client', async headers => {
    if (asked(await call('PUT', `/api/clients/${clientId}/lock`, { body: { locked: lock }, headers }))) return undefined
    return lock ? 'Locked: the client cannot get tokens until it is unlocked.' : 'Unlocked: the client can get tokens again.'
  }, reason)
  const refreshSecret = (reason?: string) => run('refresh the secret', async headers => {
    const answer = await call<{ newClientSecret: string }>('POST', `/api/clients/${clientId}/secret/refresh`, { headers })
    if (asked(answer)) return undefined
    setNewSecret(answer.data.newClientSecret)
    return 'A new secret was generated; the old one no longer works.'
  }, reason)
  const toggle = (next: Panel) => { setPanel(panel === next ? undefined : next) }
  // Locking is the safe direction (undone by unlocking); unlocking lets the client get tokens again at once.
  const lock = () => {
    if (gate('lock') !== undefined) return toggle('lock')
    if (!locked) {
      setLock(true).catch(() => {})
      return
    }
    ask({ title: `Unlock ${name}?`, consequence: `${name} can get tokens again the moment it is unlocked, with its current secret and keys.`, action: 'Unlock' }, () => setLock(false))
  }
  const refresh = () => {
    if (gate('refresh') !== undefined) return toggle('refresh')
    ask({ title: `Refresh the secret of ${name}?`, consequence: refreshConsequence(name), action: 'Refresh the secret' }, () => refreshSecret())
  }
  const remove = () => {
    if (gate('delete') !== undefined) return toggle('delete')
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
  const gatedNames = (['lock', 'refresh', 'secret', 'delete'] as const).filter(action => gate(action) !== undefined).map(action => ACTION_TEXT[GATED[action]]!)
  const more = (action: Gated) => gate(action) === undefined ? '' : '…'
  return (
    <section class='actions' aria-label='Actions'>
      <div class='buttons'>
        {edit.allowed ? <Link class='button primary' href={`/clients/${clientId}/edit`}>Edit</Link> : <ActionButton permission={edit}>Edit</ActionButton>}
        <ActionButton permission={permission(who, 'client.lock', client)} onClick={lock} disabled={busy}>{locked ? 'Unlock' : 'Lock'}{more('lock')}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={refresh} disabled={busy}>Refresh secret{more('refresh')}</ActionButton>
        <ActionButton permission={permission(who, 'client.secret', client)} onClick={() => { toggle('secret') }} aria-expanded={panel === 'secret'}>Set secret…</ActionButton>
        <ActionButton permission={permission(who, 'client.delete', client)} class='danger' onClick={remove} aria-expanded={gate('delete') === undefined ? undefined : panel === 'delete'}>Delete…</ActionButton>
        <Link class='button' href={`/end-users?clientId=${clientId}`}>End users</Link>
        {permission(who, 'audit.read').allowed && <Link class='button' href={`/audit?clientId=${clientId}`}>Audit</Link>}
      </div>
      {gatedNames.length > 0 && <p class='approval-note' id='approval-note'>Asks for approval first: {gatedNames.join(', ')}. The change is made only when another person approves it.</p>}
      <ErrorMessage text={error?.text} onRetry={error?.retry} />
      {pending !== undefined && <PendingApproval request={pending} />}
      {newSecret !== undefined && <OneTimeSecret label='New client secret' value={newSecret} />}
      {panel === 'lock' && <AskApproval needs={needs('lock')!} what={locked ? 'Unlocking the client' : 'Locking the client'} action={locked ? 'Ask to unlock' : 'Ask to lock'} busy={busy} onSubmit={reason => { setLock(!locked, reason).catch(() => {}) }} />}
      {panel === 'refresh' && <AskApproval needs={needs('refresh')!} what='Refreshing the secret' action='Ask to refresh the secret' busy={busy} onSubmit={reason => { refreshSecret(reason).catch(() => {}) }} />}
      {panel === 'secret' && <SetSecret name={name} clientId={clientId} needs={needs('secret')} ask={ask} onPending={setPending} onDone={message => { setPanel(undefined); onChanged(message) }} />}
      {panel === 'delete' && <DeleteClient client={client} clientId={clientId} needs={needs('delete')} onPending={request => { setPanel(undefined); setPending(request) }} />}
      {dialog}
    </section>
  )
}

// Authlete's refresh answers the new secret and the old one, and keeps only the new: it documents no
// period in which both are accepted.
const refreshConsequence = (name: string) => `Authlete replaces the secret at once: applications of ${name} still sending the old one are refused until they are given the new one, shown here once.`

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

function SetSecret ({ name, clientId, needs, ask, onPending, onDone }: GatedPanelProps & { name: string, ask: ReturnType<typeof useConfirm>[0], onDone: (message: string) => void }) {
  const [secret, setSecret] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const send = async () => {
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
  const submit = (event: Event) => {
    event.preventDefault()
    // A gated change is made only once approved: the approvers are the ones asked.
    if (needs !== undefined) {
      send().catch(() => {})
      return
    }
    ask({ title: `Replace the secret of ${name}?`, consequence: `The secret you typed replaces the current one at once: applications of ${name} still sending the old one are refused until they use the new one.`, action: 'Replace the secret' }, send)
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

/** A gated delete: the typed name, and the reason the approvers will read; the client stays until approved. */
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
