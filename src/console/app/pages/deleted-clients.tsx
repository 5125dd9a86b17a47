import { useState } from 'preact/hooks'
import { explain } from '../api.ts'
import { clientPath, developerLabel } from '../clients.ts'
import { deletedClients, restoreDeleted, type DeletedClient, type Recreated } from '../history.ts'
import { identity, hasRole, inTeam, type Identity } from '../session.ts'
import { ActionButton, ErrorMessage, formatTime, Link, Notice, OneTimeSecret, Show, useLoad } from '../ui.tsx'
import type { Permission } from '../permissions.ts'

/** Deleted clients the history keeps, for admins: each can be recreated from its last version, as a new client. */
export function DeletedClients () {
  const who = identity.use()!
  const [clients, setClients] = useState<DeletedClient[]>([])
  const [next, setNext] = useState<string | null>(null)
  const [loaded] = useLoad('the deleted clients', async () => {
    const page = await deletedClients()
    setClients(page.clients)
    setNext(page.next)
    return page
  }, [])
  const [moreError, setMoreError] = useState<string>()
  const [restoring, setRestoring] = useState<DeletedClient>()
  const [recreated, setRecreated] = useState<Recreated>()
  const more = async () => {
    if (next === null) return
    setMoreError(undefined)
    try {
      const page = await deletedClients(next)
      setClients([...clients, ...page.clients])
      setNext(page.next)
    } catch (failure) {
      setMoreError(explain('Could not load more deleted clients', failure))
    }
  }
  const done = (answer: Recreated) => {
    setRestoring(undefined)
    setRecreated(answer)
    setClients(clients.map(client => client.clientId === answer.oldClientId ? { ...client, restoredAs: answer.clientId } : client))
  }
  const label = developerLabel(who)
  return (
    <>
      <h1>Deleted clients</h1>
      <p class='subtitle'>Clients deleted through the proxy, most recently deleted first. Restoring one recreates it from its last version as a <strong>new</strong> client: Authlete gives it a new client ID and a new secret.</p>
      {recreated !== undefined && <RecreatedClient answer={recreated} />}
      <Show loaded={loaded} what='the deleted clients'>
        {() => clients.length === 0
          ? <p class='empty'>No deleted client in the history.</p>
          : (
            <>
              <div class='table-wrap'>
                <table class='deleted'>
                  <caption>Deleted clients</caption>
                  <thead><tr><th scope='col'>Old client ID</th><th scope='col'>Name</th><th scope='col'>{label}</th><th scope='col'>Deleted</th><th scope='col'>By</th><th scope='col'>Restore</th></tr></thead>
                  <tbody>
                    {clients.map(client => (
                      <tr key={client.clientId} data-deleted-client-id={client.clientId}>
                        <td data-label='Old client ID'><code>{client.clientId}</code></td>
                        <td data-label='Name'>{client.clientName ?? <em>unnamed</em>}</td>
                        <td data-label={label}>{client.developer ?? ''}</td>
                        <td data-label='Deleted'>{formatTime(client.deletedAt)}</td>
                        <td data-label='By'>{client.deletedBy.actor ?? 'unknown'}</td>
                        <td data-label='Restore'>
                          {client.restoredAs !== null && <p>Restored as <Link href={clientPath(client.restoredAs)}>{client.restoredAs}</Link></p>}
                          <ActionButton permission={mayRestore(who, client)} onClick={() => { setRecreated(undefined); setRestoring(client) }} aria-expanded={restoring === client}>
                            {client.restoredAs === null ? 'Restore…' : 'Restore again…'}<span class='visually-hidden'> {client.clientName ?? client.clientId}</span>
                          </ActionButton>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {next !== null && <div class='buttons'><button type='button' onClick={more}>Show more</button></div>}
              <ErrorMessage text={moreError} />
              {restoring !== undefined && <RecreatePanel key={restoring.clientId} client={restoring} onCancel={() => { setRestoring(undefined) }} onDone={done} />}
            </>
            )}
      </Show>
    </>
  )
}

function mayRestore (who: Identity, client: DeletedClient): Permission {
  if (!hasRole(who, 'admin')) return { allowed: false, reason: `Needs the admin role; you have ${who.roles.join(', ') || 'no role'}.` }
  if (!inTeam(who, client.developer)) return { allowed: false, reason: `This client belonged to ${client.developer === null ? 'no team' : `team ${client.developer}`}.` }
  return { allowed: true }
}

function RecreatePanel ({ client, onCancel, onDone }: { client: DeletedClient, onCancel: () => void, onDone: (answer: Recreated) => void }) {
  const name = client.clientName ?? `client ${client.clientId}`
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const confirm = async () => {
    setBusy(true)
    setError(undefined)
    try {
      onDone(await restoreDeleted(client.clientId))
    } catch (failure) {
      setError(explain('Could not restore the client', failure))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class='panel danger-zone' aria-labelledby='recreate-title'>
      <h2 id='recreate-title'>Restore {name}?</h2>
      <p>This creates a <strong>new client</strong> from version {client.lastVersion}, the last one before it was deleted. <strong>Its client ID and its client secret will be new</strong>: the old ID <code>{client.clientId}</code> stays gone, and every application that used it must be given the new ID and secret.</p>
      <ErrorMessage text={error} />
      <div class='buttons'>
        <button type='button' class='danger' disabled={busy} onClick={() => { confirm().catch(() => {}) }}>Recreate {name} as a new client</button>
        <button type='button' onClick={onCancel}>Cancel</button>
      </div>
    </section>
  )
}

function RecreatedClient ({ answer }: { answer: Recreated }) {
  const secret = answer.client.clientSecret
  return (
    <div class='recreated'>
      <Notice text={answer.message} />
      <p>The new client: <Link href={clientPath(answer.clientId)}>{String(answer.client.clientName ?? answer.clientId)} ({answer.clientId})</Link>.</p>
      {answer.notRestored.length > 0 && <p>Not restored: {answer.notRestored.join(', ')}.</p>}
      {typeof secret === 'string' && <OneTimeSecret label='New client secret' value={secret} />}
    </div>
  )
}
